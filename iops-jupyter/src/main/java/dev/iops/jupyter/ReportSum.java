package dev.iops.jupyter;

import dev.iops.Figure;
import dev.iops.IopsReport;
import dev.iops.OpDetail;
import dev.iops.SizeHistogram;
import dev.iops.StorageBytes;

import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One report for a cell measured snippet by snippet (JJava a7+ telemetry): the reports of its invocations added up.
 * Pure. Counts, bytes, storage bytes, elapsed time and size histograms add exactly; per-path, latency and timeline
 * detail do not (a percentile of two windows is not a sum), so it is kept only when the cell had one invocation.
 */
final class ReportSum {
    static final String DETAIL_DROPPED = "per-path, latency and timeline detail is shown only for a cell of one "
            + "statement when JShell's compilation is excluded (the figures above add up every statement exactly)";

    private ReportSum() {
    }

    /**
     * @param parts the reports of one cell's invocations, in order, all from the same profiler and scope; not empty
     */
    static IopsReport of(List<IopsReport> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("no reports to add");
        }
        if (parts.size() == 1) {
            return parts.get(0);
        }
        IopsReport first = parts.get(0);
        Set<Figure> measured = EnumSet.allOf(Figure.class);
        Duration elapsed = Duration.ZERO;
        long ro = 0;
        long wo = 0;
        long rb = 0;
        long wb = 0;
        boolean storage = true;
        long sr = 0;
        long sw = 0;
        boolean histogram = true;
        SizeHistogram h = SizeHistogram.empty();
        boolean detail = false;
        Set<String> notes = new LinkedHashSet<>();
        for (IopsReport r : parts) {
            if (!r.profiler().equals(first.profiler()) || r.scope() != first.scope()) {
                throw new IllegalArgumentException("cannot add a report of " + r.profiler() + "/" + r.scope()
                        + " to one of " + first.profiler() + "/" + first.scope());
            }
            measured.retainAll(r.measured());
            elapsed = elapsed.plus(r.elapsed());
            ro += r.figure(Figure.READ_OPS).orElse(0);
            wo += r.figure(Figure.WRITE_OPS).orElse(0);
            rb += r.figure(Figure.BYTES_READ).orElse(0);
            wb += r.figure(Figure.BYTES_WRITTEN).orElse(0);
            storage &= r.storage().isPresent();
            if (r.storage().isPresent()) {
                sr += r.storage().get().bytesRead();
                sw += r.storage().get().bytesWritten();
            }
            histogram &= r.histogram().isPresent();
            if (r.histogram().isPresent()) {
                h = h.merge(r.histogram().get());
            }
            detail |= r.detail().isPresent();
            notes.addAll(r.notes());
        }
        if (detail) {
            notes.add(DETAIL_DROPPED);
        }
        // a figure one part did not measure is unknown for the sum: its value must be 0 then
        return new IopsReport(first.profiler(), first.scope(), elapsed,
                measured.contains(Figure.READ_OPS) ? ro : 0, measured.contains(Figure.WRITE_OPS) ? wo : 0,
                measured.contains(Figure.BYTES_READ) ? rb : 0, measured.contains(Figure.BYTES_WRITTEN) ? wb : 0,
                measured, storage ? Optional.of(new StorageBytes(sr, sw)) : Optional.empty(),
                histogram ? Optional.of(h) : Optional.empty(), Optional.<OpDetail>empty(), List.copyOf(notes));
    }
}
