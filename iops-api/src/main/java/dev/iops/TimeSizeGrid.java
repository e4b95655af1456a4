package dev.iops;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Operations counted by time and by size: the measured block split into {@link #timeBins()} equal slices
 * of {@link #binWidth()}, and the sizes into {@link SizeHistogram}'s power-of-two buckets. Cell
 * {@code (t, s)} holds the number of operations (reads and writes) of size bucket {@code s} that started
 * in time slice {@code t}. Made for heatmaps.
 *
 * <p>Immutable and thread-safe; its size is bounded by {@code timeBins() * SizeHistogram.MAX_BUCKETS}.
 */
public final class TimeSizeGrid {
    private final Duration binWidth;
    private final int timeBins;
    private final int sizeBuckets;
    private final long[] ops; // row-major: [time][size]

    /**
     * Creates a grid from its cells.
     *
     * @param binWidth    width of one time slice, positive
     * @param timeBins    number of time slices, {@code >= 1}
     * @param sizeBuckets number of size buckets kept (0 to the largest non-empty), {@code 0..MAX_BUCKETS}
     * @param ops         {@code timeBins * sizeBuckets} counts, row-major by time; copied
     * @throws IllegalArgumentException on inconsistent dimensions or a negative count
     */
    public TimeSizeGrid(Duration binWidth, int timeBins, int sizeBuckets, long[] ops) {
        Objects.requireNonNull(binWidth, "binWidth");
        if (binWidth.isNegative() || binWidth.isZero()) {
            throw new IllegalArgumentException("binWidth must be positive, got " + binWidth);
        }
        if (timeBins < 1 || sizeBuckets < 0 || sizeBuckets > SizeHistogram.MAX_BUCKETS) {
            throw new IllegalArgumentException("bad grid dimensions " + timeBins + " x " + sizeBuckets);
        }
        if (ops.length != timeBins * sizeBuckets) {
            throw new IllegalArgumentException("expected " + timeBins * sizeBuckets + " cells, got " + ops.length);
        }
        for (long v : ops) {
            if (v < 0) {
                throw new IllegalArgumentException("cell counts must be >= 0, got " + v);
            }
        }
        this.binWidth = binWidth;
        this.timeBins = timeBins;
        this.sizeBuckets = sizeBuckets;
        this.ops = ops.clone();
    }

    /** @return width of one time slice */
    public Duration binWidth() {
        return binWidth;
    }

    /** @return number of time slices */
    public int timeBins() {
        return timeBins;
    }

    /** @return number of size buckets (bucket indexes {@code 0..sizeBuckets()-1}) */
    public int sizeBuckets() {
        return sizeBuckets;
    }

    /**
     * Operations in one cell.
     *
     * @param timeBin    time slice, {@code 0..timeBins()-1}
     * @param sizeBucket size bucket, {@code 0..sizeBuckets()-1}
     * @return the count, {@code >= 0}
     */
    public long ops(int timeBin, int sizeBucket) {
        Objects.checkIndex(timeBin, timeBins);
        Objects.checkIndex(sizeBucket, sizeBuckets);
        return ops[timeBin * sizeBuckets + sizeBucket];
    }

    /** @return sum of all cells */
    public long totalOps() {
        long t = 0;
        for (long v : ops) {
            t += v;
        }
        return t;
    }

    /** @return the largest cell, 0 for an empty grid */
    public long maxCell() {
        long m = 0;
        for (long v : ops) {
            m = Math.max(m, v);
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TimeSizeGrid g && g.binWidth.equals(binWidth) && g.timeBins == timeBins
                && g.sizeBuckets == sizeBuckets && Arrays.equals(g.ops, ops);
    }

    @Override
    public int hashCode() {
        return Objects.hash(binWidth, timeBins, sizeBuckets, Arrays.hashCode(ops));
    }

    @Override
    public String toString() {
        return "TimeSizeGrid[" + timeBins + " x " + sizeBuckets + ", binWidth=" + binWidth + ", ops=" + totalOps() + "]";
    }
}
