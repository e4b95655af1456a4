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
import dev.iops.TargetKind;
import dev.iops.TimeSizeGrid;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Renders {@link IopsReport#toJson()}, schema {@code iops-report/1} (docs/report-json.md); {@link JsonReportReader}
 * reads it back. A hand-written writer: no dependency. Counts are exact integers (a sum beyond a {@code long} too),
 * doubles are written with {@link Double#toString} so they read back to the same value, and a rate that is not
 * finite is {@code null}. Stateless and thread-safe.
 */
public final class JsonFormat {
    /** Identifies the layout; bumped on any incompatible change. */
    public static final String SCHEMA = "iops-report/1";

    private JsonFormat() {
    }

    public static String format(IopsReport r) {
        StringBuilder sb = new StringBuilder(512);
        sb.append('{');
        field(sb, "schema").append(str(SCHEMA)).append(',');
        field(sb, "profiler").append(str(r.profiler())).append(',');
        field(sb, "scope").append(str(r.scope().name())).append(',');
        field(sb, "elapsedNanos").append(r.elapsed().toNanos()).append(',');
        field(sb, "measured").append('[');
        boolean first = true;
        for (Figure f : r.measured()) {
            sb.append(first ? "" : ",").append(str(f.key()));
            first = false;
        }
        sb.append("],");
        OptionalLong ro = r.figure(Figure.READ_OPS);
        OptionalLong wo = r.figure(Figure.WRITE_OPS);
        OptionalLong rb = r.figure(Figure.BYTES_READ);
        OptionalLong wb = r.figure(Figure.BYTES_WRITTEN);
        field(sb, "readOps").append(num(ro)).append(',');
        field(sb, "writeOps").append(num(wo)).append(',');
        field(sb, "bytesRead").append(num(rb)).append(',');
        field(sb, "bytesWritten").append(num(wb)).append(',');
        field(sb, "totalOps").append(sum(ro, wo)).append(',');
        field(sb, "totalBytes").append(sum(rb, wb)).append(',');
        field(sb, "iops").append(rateOfSum(r, ro, wo)).append(',');
        field(sb, "readIops").append(rate(r, ro)).append(',');
        field(sb, "writeIops").append(rate(r, wo)).append(',');
        field(sb, "bytesPerSecond").append(rateOfSum(r, rb, wb)).append(',');
        field(sb, "readBytesPerSecond").append(rate(r, rb)).append(',');
        field(sb, "writeBytesPerSecond").append(rate(r, wb)).append(',');
        field(sb, "storage");
        if (r.storage().isPresent()) {
            sb.append('{');
            field(sb, "bytesRead").append(r.storage().get().bytesRead()).append(',');
            field(sb, "bytesWritten").append(r.storage().get().bytesWritten()).append('}');
        } else {
            sb.append("null");
        }
        sb.append(',');
        field(sb, "histogram");
        if (r.histogram().isPresent()) {
            histogram(sb, r.histogram().get());
        } else {
            sb.append("null");
        }
        sb.append(',');
        field(sb, "detail");
        if (r.detail().isPresent()) {
            detail(sb, r.detail().get());
        } else {
            sb.append("null");
        }
        sb.append(',');
        field(sb, "notes").append('[');
        for (int i = 0; i < r.notes().size(); i++) {
            sb.append(i == 0 ? "" : ",").append(str(r.notes().get(i)));
        }
        sb.append("],");
        field(sb, "devices"); // last: added after iops-report/1 was published, a compatible addition
        devices(sb, r.devices());
        sb.append('}');
        return sb.toString();
    }

    /** {@code null} when not asked; {@code machineWide} says the figures include every process's requests. */
    private static void devices(StringBuilder sb, List<DeviceIo> devices) {
        if (devices.isEmpty()) {
            sb.append("null");
            return;
        }
        sb.append("{\"machineWide\":true,\"disks\":[");
        for (int i = 0; i < devices.size(); i++) {
            DeviceIo d = devices.get(i);
            sb.append(i == 0 ? "{" : ",{");
            field(sb, "name").append(str(d.name())).append(',');
            field(sb, "readOps").append(d.readOps()).append(',');
            field(sb, "writeOps").append(d.writeOps()).append(',');
            field(sb, "bytesRead").append(d.bytesRead()).append(',');
            field(sb, "bytesWritten").append(d.bytesWritten()).append(',');
            field(sb, "busyNanos").append(d.busy().toNanos()).append('}');
        }
        sb.append("]}");
    }

    private static void histogram(StringBuilder sb, SizeHistogram h) {
        sb.append("{\"buckets\":[");
        boolean first = true;
        for (SizeHistogram.Bucket b : h.buckets()) {
            sb.append(first ? "{" : ",{");
            first = false;
            field(sb, "index").append(b.index()).append(',');
            field(sb, "minBytes").append(b.lowerBoundBytes()).append(',');
            field(sb, "maxBytesExclusive").append(b.upperBoundBytes()).append(',');
            field(sb, "readOps").append(b.readOps()).append(',');
            field(sb, "writeOps").append(b.writeOps()).append(',');
            field(sb, "readBytes").append(b.readBytes()).append(',');
            field(sb, "writeBytes").append(b.writeBytes()).append('}');
        }
        sb.append("]}");
    }

    private static void detail(StringBuilder sb, OpDetail d) {
        sb.append('{');
        field(sb, "errors").append(d.errors()).append(',');
        field(sb, "byTarget").append('{');
        boolean first = true;
        for (Map.Entry<TargetKind, IoTotals> e : d.byTarget().entrySet()) {
            sb.append(first ? "" : ",");
            first = false;
            field(sb, e.getKey().name());
            totals(sb, e.getValue());
        }
        sb.append("},");
        field(sb, "distinctPaths").append(d.distinctPaths()).append(',');
        field(sb, "topPaths").append('[');
        first = true;
        for (PathStats p : d.topPaths()) {
            sb.append(first ? "{" : ",{");
            first = false;
            field(sb, "path").append(str(p.path())).append(',');
            field(sb, "target").append(str(p.target().name())).append(',');
            field(sb, "totals");
            totals(sb, p.totals());
            sb.append('}');
        }
        sb.append("],");
        field(sb, "untrackedPaths");
        totals(sb, d.untrackedPaths());
        sb.append(',');
        field(sb, "topSites").append('[');
        first = true;
        for (SiteStats site : d.topSites()) {
            sb.append(first ? "{" : ",{");
            first = false;
            field(sb, "site").append(str(site.site())).append(',');
            field(sb, "totals");
            totals(sb, site.totals());
            sb.append('}');
        }
        sb.append("],");
        field(sb, "latency").append('{');
        first = true;
        for (Map.Entry<OpKind, LatencySummary> e : d.latency().entrySet()) {
            LatencySummary l = e.getValue();
            sb.append(first ? "" : ",");
            first = false;
            field(sb, e.getKey().name()).append('{');
            field(sb, "count").append(l.count()).append(',');
            field(sb, "p50Nanos").append(l.p50().toNanos()).append(',');
            field(sb, "p90Nanos").append(l.p90().toNanos()).append(',');
            field(sb, "p99Nanos").append(l.p99().toNanos()).append(',');
            field(sb, "maxNanos").append(l.max().toNanos()).append('}');
        }
        sb.append("},");
        field(sb, "timeline");
        if (d.timeline().isPresent()) {
            TimeSizeGrid g = d.timeline().get();
            sb.append('{');
            field(sb, "binWidthNanos").append(g.binWidth().toNanos()).append(',');
            field(sb, "timeBins").append(g.timeBins()).append(',');
            field(sb, "sizeBuckets").append(g.sizeBuckets()).append(',');
            field(sb, "ops").append('[');
            for (int t = 0; t < g.timeBins(); t++) {
                sb.append(t == 0 ? "[" : ",[");
                for (int s = 0; s < g.sizeBuckets(); s++) {
                    sb.append(s == 0 ? "" : ",").append(g.ops(t, s));
                }
                sb.append(']');
            }
            sb.append(']');
            // the per-kind split, a compatible addition to iops-report/1: null for a grid built without it
            sb.append(',');
            field(sb, "readOps");
            if (g.hasKinds()) {
                cells(sb, g, true);
            } else {
                sb.append("null");
            }
            sb.append(',');
            field(sb, "writeOps");
            if (g.hasKinds()) {
                cells(sb, g, false);
            } else {
                sb.append("null");
            }
            sb.append(',');
            field(sb, "bytesRead");
            slices(sb, g, true);
            sb.append(',');
            field(sb, "bytesWritten");
            slices(sb, g, false);
            sb.append('}');
        } else {
            sb.append("null");
        }
        sb.append('}');
    }

    private static void cells(StringBuilder sb, TimeSizeGrid g, boolean reads) {
        sb.append('[');
        for (int t = 0; t < g.timeBins(); t++) {
            sb.append(t == 0 ? "[" : ",[");
            for (int s = 0; s < g.sizeBuckets(); s++) {
                sb.append(s == 0 ? "" : ",").append(reads ? g.readOps(t, s) : g.writeOps(t, s));
            }
            sb.append(']');
        }
        sb.append(']');
    }

    private static void slices(StringBuilder sb, TimeSizeGrid g, boolean reads) {
        if (!g.hasKinds()) {
            sb.append("null");
            return;
        }
        sb.append('[');
        for (int t = 0; t < g.timeBins(); t++) {
            sb.append(t == 0 ? "" : ",").append(reads ? g.bytesRead(t) : g.bytesWritten(t));
        }
        sb.append(']');
    }

    private static void totals(StringBuilder sb, IoTotals t) {
        sb.append('{');
        field(sb, "readOps").append(t.readOps()).append(',');
        field(sb, "writeOps").append(t.writeOps()).append(',');
        field(sb, "bytesRead").append(t.bytesRead()).append(',');
        field(sb, "bytesWritten").append(t.bytesWritten()).append('}');
    }

    private static StringBuilder field(StringBuilder sb, String name) {
        return sb.append('"').append(name).append("\":");
    }

    private static String num(OptionalLong v) {
        return v.isPresent() ? Long.toString(v.getAsLong()) : "null";
    }

    /** The exact sum of two figures, or null when either is unmeasured; beyond a long it is still exact. */
    private static String sum(OptionalLong a, OptionalLong b) {
        if (a.isEmpty() || b.isEmpty()) {
            return "null";
        }
        return exactSum(a.getAsLong(), b.getAsLong()).toString();
    }

    private static BigInteger exactSum(long a, long b) {
        return BigInteger.valueOf(a).add(BigInteger.valueOf(b));
    }

    private static String rateOfSum(IopsReport r, OptionalLong a, OptionalLong b) {
        if (a.isEmpty() || b.isEmpty()) {
            return "null";
        }
        BigInteger total = exactSum(a.getAsLong(), b.getAsLong());
        if (total.bitLength() < Long.SIZE) {
            return rate(r, OptionalLong.of(total.longValue()));
        }
        long nanos = r.elapsed().toNanos();
        return nanos == 0 ? "null" : finite(total.doubleValue() * 1e9 / nanos);
    }

    /**
     * A rate, or null when unmeasured or not finite: over a zero elapsed time any count but 0 is
     * {@link Double#POSITIVE_INFINITY}, which JSON cannot write.
     */
    private static String rate(IopsReport r, OptionalLong v) {
        if (v.isEmpty()) {
            return "null";
        }
        return finite(r.perSecond(v.getAsLong()));
    }

    /** {@link Double#toString}, which reads back to the same double; null for NaN and the infinities. */
    private static String finite(double d) {
        return Double.isFinite(d) ? Double.toString(d) : "null";
    }

    /** A JSON string literal: quotes, backslashes, control characters, U+2028/9 and lone surrogates escaped. */
    public static String str(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                        sb.append(c).append(s.charAt(++i));
                    } else if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c)) {
                        // a lone surrogate is escaped: raw, it would not survive encoding the text as UTF-8
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
