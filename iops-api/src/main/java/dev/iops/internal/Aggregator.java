package dev.iops.internal;

import dev.iops.Figure;
import dev.iops.IoTotals;
import dev.iops.LatencySummary;
import dev.iops.OpDetail;
import dev.iops.OpKind;
import dev.iops.PathStats;
import dev.iops.SiteStats;
import dev.iops.SizeHistogram;
import dev.iops.TargetKind;
import dev.iops.TimeSizeGrid;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place where operations from every per-operation profiler become figures: totals, size histogram,
 * per-target and per-path tables, latency sketches, error count and the time x size grid. Memory is bounded
 * (see {@link OpDetail}) whatever the number of operations. Not thread-safe: one aggregator per session,
 * fed by the thread that stops it.
 */
public final class Aggregator implements OpSink {
    /** Number of time slices the block is split into for the timeline. */
    public static final int TIME_BINS = 50;

    private final SizeHistogram.Builder histogram = SizeHistogram.builder();
    private final long[][] totals = new long[TargetKind.values().length][4];
    private final Tracked paths = new Tracked();
    private final Tracked sites = new Tracked();
    private final LatencySketch readLatency = new LatencySketch();
    private final LatencySketch writeLatency = new LatencySketch();
    // Time x size cells per kind (0 = reads, 1 = writes), and bytes per time slice per kind.
    private final long[][] grid = new long[2][TIME_BINS * SizeHistogram.MAX_BUCKETS];
    private final long[][] binBytes = new long[2][TIME_BINS];
    private long windowNanos = 1;
    private long errors;
    private boolean timed;

    /** Mutable totals of one key (a path, a call site). */
    private static final class Acc {
        final TargetKind target;
        final long[] t = new long[4];

        Acc(TargetKind target) {
            this.target = target;
        }
    }

    /**
     * Totals per key for the first {@link OpDetail#MAX_TRACKED_PATHS} keys seen, so memory stays bounded; later keys
     * are summed in {@link #untracked}. Shared by the path and call-site tables.
     */
    private static final class Tracked {
        final Map<String, Acc> byKey = new HashMap<>();
        final long[] untracked = new long[4];

        void add(String key, TargetKind target, int kind, long bytes) {
            Acc acc = byKey.get(key);
            if (acc == null && byKey.size() < OpDetail.MAX_TRACKED_PATHS) {
                acc = new Acc(target);
                byKey.put(key, acc);
            }
            Aggregator.add(acc == null ? untracked : acc.t, kind, bytes);
        }

        /** The busiest keys, by operations then bytes (descending) then key, at most {@link OpDetail#MAX_TOP_PATHS}. */
        List<Map.Entry<String, Acc>> top() {
            List<Map.Entry<String, Acc>> all = new ArrayList<>(byKey.entrySet());
            all.sort(Comparator.comparingLong((Map.Entry<String, Acc> e) -> e.getValue().t[0] + e.getValue().t[1])
                    .reversed()
                    .thenComparing(Comparator.comparingLong(
                            (Map.Entry<String, Acc> e) -> e.getValue().t[2] + e.getValue().t[3]).reversed())
                    .thenComparing(Map.Entry::getKey));
            return all.subList(0, Math.min(OpDetail.MAX_TOP_PATHS, all.size()));
        }
    }

    /**
     * Sets the duration the timeline spans; call before the first operation arrives.
     *
     * @param nanos duration of the block in nanoseconds
     */
    public void window(long nanos) {
        this.windowNanos = Math.max(1, nanos);
    }

    @Override
    public void accept(Op op) {
        if (op.failed()) {
            errors++;
            return;
        }
        int k = op.kind() == OpKind.READ ? 0 : 1;
        histogram.record(op.kind(), op.bytes());
        add(totals[op.target().ordinal()], k, op.bytes());
        if (op.path() != null) {
            paths.add(op.path(), op.target(), k, op.bytes());
        }
        if (op.site() != null) {
            sites.add(op.site(), op.target(), k, op.bytes());
        }
        if (op.durationNanos() >= 0) {
            (k == 0 ? readLatency : writeLatency).record(op.durationNanos());
        }
        if (op.offsetNanos() >= 0) {
            timed = true;
            int bin = (int) Math.min(TIME_BINS - 1, op.offsetNanos() * TIME_BINS / windowNanos);
            grid[k][bin * SizeHistogram.MAX_BUCKETS + SizeHistogram.bucketIndex(op.bytes())]++;
            binBytes[k][bin] += op.bytes();
        }
    }

    private static void add(long[] t, int kind, long bytes) {
        t[kind]++;
        t[2 + kind] += bytes;
    }

    private static IoTotals totalsOf(long[] t) {
        return new IoTotals(t[0], t[1], t[2], t[3]);
    }

    /** @return the size histogram of what was accepted so far */
    public SizeHistogram histogram() {
        return histogram.build();
    }

    /** @return totals over every target */
    public IoTotals totals() {
        IoTotals sum = IoTotals.ZERO;
        for (long[] t : totals) {
            sum = sum.plus(totalsOf(t));
        }
        return sum;
    }

    /** @return the figures every per-operation profiler measures */
    public static Set<Figure> measuredFigures() {
        return EnumSet.allOf(Figure.class);
    }

    /** @return the detail of what was accepted so far */
    public OpDetail detail() {
        Map<TargetKind, IoTotals> byTarget = new EnumMap<>(TargetKind.class);
        for (TargetKind kind : TargetKind.values()) {
            IoTotals t = totalsOf(totals[kind.ordinal()]);
            if (t.totalOps() > 0) {
                byTarget.put(kind, t);
            }
        }
        List<PathStats> topPaths = new ArrayList<>();
        for (Map.Entry<String, Acc> e : paths.top()) {
            topPaths.add(new PathStats(e.getKey(), e.getValue().target, totalsOf(e.getValue().t)));
        }
        List<SiteStats> topSites = new ArrayList<>();
        for (Map.Entry<String, Acc> e : sites.top()) {
            topSites.add(new SiteStats(e.getKey(), totalsOf(e.getValue().t)));
        }

        Map<OpKind, LatencySummary> latency = new EnumMap<>(OpKind.class);
        if (readLatency.count() > 0) {
            latency.put(OpKind.READ, readLatency.summary());
        }
        if (writeLatency.count() > 0) {
            latency.put(OpKind.WRITE, writeLatency.summary());
        }
        return new OpDetail(byTarget, topPaths, paths.byKey.size(), totalsOf(paths.untracked), latency, errors, timeline(),
                topSites);
    }

    private Optional<TimeSizeGrid> timeline() {
        if (!timed) {
            return Optional.empty();
        }
        int sizes = 0;
        for (int t = 0; t < TIME_BINS; t++) {
            for (int s = 0; s < SizeHistogram.MAX_BUCKETS; s++) {
                if (grid[0][t * SizeHistogram.MAX_BUCKETS + s] + grid[1][t * SizeHistogram.MAX_BUCKETS + s] > 0) {
                    sizes = Math.max(sizes, s + 1);
                }
            }
        }
        long[][] cells = new long[2][TIME_BINS * sizes];
        for (int k = 0; k < 2; k++) {
            for (int t = 0; t < TIME_BINS; t++) {
                System.arraycopy(grid[k], t * SizeHistogram.MAX_BUCKETS, cells[k], t * sizes, sizes);
            }
        }
        long binNanos = Math.max(1, (windowNanos + TIME_BINS - 1) / TIME_BINS);
        return Optional.of(TimeSizeGrid.ofKinds(Duration.ofNanos(binNanos), TIME_BINS, sizes, cells[0], cells[1],
                binBytes[0], binBytes[1]));
    }
}
