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
 * <p>A grid built with {@link #ofKinds} also splits each cell into reads and writes and keeps the exact bytes
 * read and written per time slice ({@link #hasKinds()}), for per-kind heatmaps and throughput over time.
 *
 * <p>Immutable and thread-safe; its size is bounded by {@code timeBins() * SizeHistogram.MAX_BUCKETS}.
 */
public final class TimeSizeGrid {
    private final Duration binWidth;
    private final int timeBins;
    private final int sizeBuckets;
    private final long[] ops; // row-major: [time][size]
    // Per-kind split, or null when the grid was built without it: reads row-major like ops (writes = ops - reads),
    // then exact bytes per time slice, which size buckets alone cannot give.
    private final long[] readOps;
    private final long[] bytesRead;
    private final long[] bytesWritten;

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
        this(binWidth, timeBins, sizeBuckets, ops, null, null, null);
    }

    /**
     * Creates a grid that keeps reads and writes apart.
     *
     * @param binWidth     width of one time slice, positive
     * @param timeBins     number of time slices, {@code >= 1}
     * @param sizeBuckets  number of size buckets kept, {@code 0..MAX_BUCKETS}
     * @param readOps      {@code timeBins * sizeBuckets} read counts, row-major by time; copied
     * @param writeOps     {@code timeBins * sizeBuckets} write counts, row-major by time; copied
     * @param bytesRead    {@code timeBins} byte counts: bytes read by the reads that started in each slice; copied
     * @param bytesWritten {@code timeBins} byte counts: bytes written by the writes that started in each slice; copied
     * @return the grid, whose {@link #hasKinds()} is {@code true}
     * @throws IllegalArgumentException on inconsistent dimensions or a negative count
     */
    public static TimeSizeGrid ofKinds(Duration binWidth, int timeBins, int sizeBuckets, long[] readOps,
                                       long[] writeOps, long[] bytesRead, long[] bytesWritten) {
        if (readOps.length != writeOps.length) {
            throw new IllegalArgumentException("expected as many read cells as write cells, got " + readOps.length
                    + " and " + writeOps.length);
        }
        if (bytesRead.length != timeBins || bytesWritten.length != timeBins) {
            throw new IllegalArgumentException("expected " + timeBins + " byte counts per kind, got "
                    + bytesRead.length + " and " + bytesWritten.length);
        }
        long[] ops = new long[readOps.length];
        for (int i = 0; i < ops.length; i++) {
            if (readOps[i] < 0 || writeOps[i] < 0) {
                throw new IllegalArgumentException("cell counts must be >= 0, got " + Math.min(readOps[i], writeOps[i]));
            }
            ops[i] = readOps[i] + writeOps[i];
        }
        for (int t = 0; t < timeBins; t++) {
            if (bytesRead[t] < 0 || bytesWritten[t] < 0) {
                throw new IllegalArgumentException("byte counts must be >= 0, got "
                        + Math.min(bytesRead[t], bytesWritten[t]));
            }
        }
        return new TimeSizeGrid(binWidth, timeBins, sizeBuckets, ops, readOps.clone(), bytesRead.clone(),
                bytesWritten.clone());
    }

    private TimeSizeGrid(Duration binWidth, int timeBins, int sizeBuckets, long[] ops, long[] readOps,
                         long[] bytesRead, long[] bytesWritten) {
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
        this.readOps = readOps;
        this.bytesRead = bytesRead;
        this.bytesWritten = bytesWritten;
    }

    /**
     * Whether reads and writes are kept apart: {@code true} for grids built with {@link #ofKinds}, as iops'
     * own profilers build them; {@code false} for grids built with the four-argument constructor.
     *
     * @return whether {@link #readOps}, {@link #writeOps}, {@link #bytesRead} and {@link #bytesWritten} answer
     */
    public boolean hasKinds() {
        return readOps != null;
    }

    /**
     * Read operations in one cell.
     *
     * @param timeBin    time slice, {@code 0..timeBins()-1}
     * @param sizeBucket size bucket, {@code 0..sizeBuckets()-1}
     * @return the count, {@code >= 0}
     * @throws IllegalStateException if the grid does not keep kinds apart ({@link #hasKinds()} is false)
     */
    public long readOps(int timeBin, int sizeBucket) {
        Objects.checkIndex(timeBin, timeBins);
        Objects.checkIndex(sizeBucket, sizeBuckets);
        return kinds(readOps)[timeBin * sizeBuckets + sizeBucket];
    }

    /**
     * Write operations in one cell.
     *
     * @param timeBin    time slice, {@code 0..timeBins()-1}
     * @param sizeBucket size bucket, {@code 0..sizeBuckets()-1}
     * @return the count, {@code >= 0}
     * @throws IllegalStateException if the grid does not keep kinds apart ({@link #hasKinds()} is false)
     */
    public long writeOps(int timeBin, int sizeBucket) {
        return ops(timeBin, sizeBucket) - readOps(timeBin, sizeBucket);
    }

    /**
     * Bytes read by the reads that started in one time slice.
     *
     * @param timeBin time slice, {@code 0..timeBins()-1}
     * @return bytes, {@code >= 0}
     * @throws IllegalStateException if the grid does not keep kinds apart ({@link #hasKinds()} is false)
     */
    public long bytesRead(int timeBin) {
        Objects.checkIndex(timeBin, timeBins);
        return kinds(bytesRead)[timeBin];
    }

    /**
     * Bytes written by the writes that started in one time slice.
     *
     * @param timeBin time slice, {@code 0..timeBins()-1}
     * @return bytes, {@code >= 0}
     * @throws IllegalStateException if the grid does not keep kinds apart ({@link #hasKinds()} is false)
     */
    public long bytesWritten(int timeBin) {
        Objects.checkIndex(timeBin, timeBins);
        return kinds(bytesWritten)[timeBin];
    }

    private long[] kinds(long[] values) {
        if (values == null) {
            throw new IllegalStateException("this grid counts reads and writes together (it was built with"
                    + " new TimeSizeGrid(binWidth, timeBins, sizeBuckets, ops)); check hasKinds() first, or build it"
                    + " with TimeSizeGrid.ofKinds");
        }
        return values;
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

    /**
     * Value equality: the same bin width and dimensions, the same count in every cell and, for grids that keep
     * kinds apart, the same read counts and bytes per slice. A grid with kinds never equals one without.
     *
     * @param o the other object
     * @return whether {@code o} is a grid with the same cells
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof TimeSizeGrid g && g.binWidth.equals(binWidth) && g.timeBins == timeBins
                && g.sizeBuckets == sizeBuckets && Arrays.equals(g.ops, ops) && Arrays.equals(g.readOps, readOps)
                && Arrays.equals(g.bytesRead, bytesRead) && Arrays.equals(g.bytesWritten, bytesWritten);
    }

    @Override
    public int hashCode() {
        return Objects.hash(binWidth, timeBins, sizeBuckets, Arrays.hashCode(ops), Arrays.hashCode(readOps));
    }

    @Override
    public String toString() {
        return "TimeSizeGrid[" + timeBins + " x " + sizeBuckets + ", binWidth=" + binWidth + ", ops=" + totalOps() + "]";
    }
}
