package dev.iops.internal;

import dev.iops.DeviceIo;
import dev.iops.Figure;
import dev.iops.IoTotals;
import dev.iops.IopsReport;
import dev.iops.LatencySummary;
import dev.iops.OpDetail;
import dev.iops.OpKind;
import dev.iops.PathStats;
import dev.iops.SiteStats;
import dev.iops.SizeHistogram;
import dev.iops.StorageBytes;
import dev.iops.TargetKind;
import dev.iops.Units;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongFunction;

/** Renders {@link IopsReport#toText()}. */
public final class TextFormat {
    private static final String NA = "n/a";

    private TextFormat() {
    }

    public static String format(IopsReport r) {
        StringBuilder sb = new StringBuilder();
        sb.append("iops report: profiler ").append(r.profiler()).append(", scope ").append(r.scope())
                .append(", elapsed ").append(Units.duration(r.elapsed())).append('\n');
        row(sb, "", "read", "write", "total");
        OptionalLong ro = r.figure(Figure.READ_OPS);
        OptionalLong wo = r.figure(Figure.WRITE_OPS);
        OptionalLong rb = r.figure(Figure.BYTES_READ);
        OptionalLong wb = r.figure(Figure.BYTES_WRITTEN);
        row(sb, "operations", fmt(ro, Units::count), fmt(wo, Units::count), fmt(sum(ro, wo), Units::count));
        row(sb, "bytes", fmt(rb, Units::bytes), fmt(wb, Units::bytes), fmt(sum(rb, wb), Units::bytes));
        row(sb, "IOPS", fmt(ro, n -> Units.rate(r.perSecond(n))), fmt(wo, n -> Units.rate(r.perSecond(n))),
                fmt(sum(ro, wo), n -> Units.rate(r.perSecond(n))));
        row(sb, "throughput", fmt(rb, n -> Units.bytesPerSecond(r.perSecond(n))),
                fmt(wb, n -> Units.bytesPerSecond(r.perSecond(n))),
                fmt(sum(rb, wb), n -> Units.bytesPerSecond(r.perSecond(n))));
        if (r.storage().isPresent()) {
            StorageBytes s = r.storage().get();
            row(sb, "storage bytes", Units.bytes(s.bytesRead()), Units.bytes(s.bytesWritten()),
                    Units.bytes(s.bytesRead() + s.bytesWritten()));
        }
        r.histogram().ifPresent(h -> histogram(sb, h));
        r.detail().ifPresent(d -> detail(sb, d));
        if (!r.devices().isEmpty()) {
            devices(sb, r.devices());
        }
        if (!r.notes().isEmpty()) {
            sb.append("\nnotes:\n");
            for (String note : r.notes()) {
                sb.append("  - ").append(note).append('\n');
            }
        }
        return sb.toString();
    }

    private static OptionalLong sum(OptionalLong a, OptionalLong b) {
        return a.isPresent() && b.isPresent() ? OptionalLong.of(a.getAsLong() + b.getAsLong()) : OptionalLong.empty();
    }

    private static String fmt(OptionalLong v, LongFunction<String> f) {
        return v.isPresent() ? f.apply(v.getAsLong()) : NA;
    }

    private static void row(StringBuilder sb, String label, String a, String b, String c) {
        sb.append(String.format(Locale.ROOT, "%-14s %14s %14s %14s%n", label, a, b, c).stripTrailing()).append('\n');
    }

    private static void histogram(StringBuilder sb, SizeHistogram h) {
        sb.append('\n');
        row4(sb, "bytes per operation", "read ops", "write ops", "read bytes", "write bytes");
        if (h.isEmpty()) {
            sb.append("  (no operations)\n");
            return;
        }
        for (SizeHistogram.Bucket b : h.buckets()) {
            if (b.totalOps() == 0) {
                continue;
            }
            row4(sb, Units.sizeRange(b.index()), Units.count(b.readOps()), Units.count(b.writeOps()),
                    Units.bytes(b.readBytes()), Units.bytes(b.writeBytes()));
        }
    }

    private static void detail(StringBuilder sb, OpDetail d) {
        if (!d.byTarget().isEmpty()) {
            sb.append('\n');
            row4(sb, "by target", "read ops", "write ops", "read bytes", "write bytes");
            for (Map.Entry<TargetKind, IoTotals> e : d.byTarget().entrySet()) {
                totalsRow(sb, e.getKey().name().toLowerCase(Locale.ROOT), e.getValue());
            }
        }
        if (!d.topPaths().isEmpty()) {
            sb.append('\n');
            row4(sb, "top paths", "read ops", "write ops", "read bytes", "write bytes");
            for (PathStats p : d.topPaths()) {
                totalsRow(sb, ellipsize(p.path(), 22), p.totals());
            }
            if (d.distinctPaths() > d.topPaths().size()) {
                sb.append("  (").append(d.distinctPaths() - d.topPaths().size()).append(" more paths)\n");
            }
            if (d.untrackedPaths().totalOps() > 0) {
                totalsRow(sb, "(untracked paths)", d.untrackedPaths());
            }
        }
        if (!d.topSites().isEmpty()) {
            sb.append('\n');
            row4(sb, "top call sites", "read ops", "write ops", "read bytes", "write bytes");
            for (SiteStats site : d.topSites()) {
                sb.append(site.site()).append('\n');
                totalsRow(sb, "", site.totals());
            }
        }
        if (!d.latency().isEmpty()) {
            sb.append('\n');
            row4(sb, "latency", "p50", "p90", "p99", "max");
            for (Map.Entry<OpKind, LatencySummary> e : d.latency().entrySet()) {
                LatencySummary l = e.getValue();
                row4(sb, e.getKey().name().toLowerCase(Locale.ROOT), Units.duration(l.p50()), Units.duration(l.p90()),
                        Units.duration(l.p99()), Units.duration(l.max()));
            }
        }
        sb.append("\nfailed calls: ").append(Units.count(d.errors())).append('\n');
    }

    /**
     * Device requests over the window; the title says they are machine-wide, not the block's alone. No rate column:
     * the device window is a little wider than the block, so dividing by the block's elapsed time would overstate.
     */
    private static void devices(StringBuilder sb, List<DeviceIo> devices) {
        sb.append("\ndevices (machine-wide: every process's requests count)\n");
        String format = "%-14s %10s %10s %12s %12s %10s";
        sb.append(String.format(Locale.ROOT, format, "device", "read ops", "write ops", "read bytes", "write bytes",
                "busy")).append('\n');
        List<String> idle = new ArrayList<>();
        for (DeviceIo d : devices) {
            if (d.isIdle()) {
                idle.add(d.name());
                continue;
            }
            sb.append(String.format(Locale.ROOT, format, ellipsize(d.name(), 14), Units.count(d.readOps()),
                    Units.count(d.writeOps()), Units.bytes(d.bytesRead()), Units.bytes(d.bytesWritten()),
                    Units.duration(d.busy()))).append('\n');
        }
        if (!idle.isEmpty()) {
            sb.append("  (idle: ").append(String.join(", ", idle)).append(")\n");
        }
    }

    /** A row of the detail tables: a label and four right-aligned columns. */
    private static void row4(StringBuilder sb, String label, String a, String b, String c, String d) {
        sb.append(String.format(Locale.ROOT, "%-22s %12s %12s %12s %12s", label, a, b, c, d)).append('\n');
    }

    private static void totalsRow(StringBuilder sb, String label, IoTotals t) {
        row4(sb, label, Units.count(t.readOps()), Units.count(t.writeOps()), Units.bytes(t.bytesRead()),
                Units.bytes(t.bytesWritten()));
    }

    private static String ellipsize(String s, int max) {
        return s.length() <= max ? s : "..." + s.substring(s.length() - (max - 3));
    }
}
