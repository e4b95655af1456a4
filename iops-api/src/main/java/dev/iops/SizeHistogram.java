package dev.iops;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Distribution of operation sizes in power-of-two buckets.
 *
 * <p>Bucket 0 holds operations that moved zero bytes (an end-of-file read, an empty write). Bucket
 * {@code i >= 1} holds operations of {@code [2^(i-1), 2^i)} bytes: bucket 1 is exactly 1 byte, bucket 13 is
 * 4 KiB up to (not including) 8 KiB. There are at most {@value #MAX_BUCKETS} buckets, so a histogram has
 * the same small size whatever the number of operations. {@link #buckets()} lists every bucket from 0 up to
 * the largest one that holds an operation, empty ones included, so the list can be drawn as an axis.
 *
 * <p>Instances are immutable and thread-safe. Build one with {@link #builder()}; combine two with
 * {@link #merge(SizeHistogram)}.
 */
public final class SizeHistogram {
    /** Number of possible buckets: zero, then one per bit of a non-negative {@code long}. */
    public static final int MAX_BUCKETS = 64;

    private static final SizeHistogram EMPTY = new SizeHistogram(new long[0], new long[0], new long[0], new long[0]);

    private final long[] readOps;
    private final long[] writeOps;
    private final long[] readBytes;
    private final long[] writeBytes;

    private SizeHistogram(long[] readOps, long[] writeOps, long[] readBytes, long[] writeBytes) {
        this.readOps = readOps;
        this.writeOps = writeOps;
        this.readBytes = readBytes;
        this.writeBytes = writeBytes;
    }

    /** @return the histogram of no operations */
    public static SizeHistogram empty() {
        return EMPTY;
    }

    /** @return a new, empty, single-threaded builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The bucket an operation of {@code bytes} bytes falls in.
     *
     * @param bytes operation size in bytes, {@code >= 0}
     * @return 0 for zero bytes, else {@code floor(log2(bytes)) + 1}
     * @throws IllegalArgumentException if {@code bytes} is negative
     */
    public static int bucketIndex(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("operation size must be >= 0 bytes, got " + bytes);
        }
        return 64 - Long.numberOfLeadingZeros(bytes);
    }

    /**
     * Smallest size held by a bucket.
     *
     * @param index bucket index, 0 to {@value #MAX_BUCKETS} - 1
     * @return the inclusive lower bound in bytes
     */
    public static long lowerBoundBytes(int index) {
        checkIndex(index);
        return index == 0 ? 0 : 1L << (index - 1);
    }

    /**
     * Bound above the sizes held by a bucket.
     *
     * @param index bucket index, 0 to {@value #MAX_BUCKETS} - 1
     * @return the exclusive upper bound in bytes; for the last bucket {@link Long#MAX_VALUE}, which is inclusive
     */
    public static long upperBoundBytes(int index) {
        checkIndex(index);
        return index == MAX_BUCKETS - 1 ? Long.MAX_VALUE : 1L << index;
    }

    private static void checkIndex(int index) {
        if (index < 0 || index >= MAX_BUCKETS) {
            throw new IllegalArgumentException("bucket index must be 0.." + (MAX_BUCKETS - 1) + ", got " + index);
        }
    }

    /**
     * Every bucket from 0 to the largest non-empty one, in size order.
     *
     * @return an unmodifiable list; empty when the histogram holds no operation
     */
    public List<Bucket> buckets() {
        List<Bucket> list = new ArrayList<>(readOps.length);
        for (int i = 0; i < readOps.length; i++) {
            list.add(new Bucket(i, readOps[i], writeOps[i], readBytes[i], writeBytes[i]));
        }
        return Collections.unmodifiableList(list);
    }

    /**
     * The bucket at {@code index}, which may be empty.
     *
     * @param index bucket index, 0 to {@value #MAX_BUCKETS} - 1
     * @return the bucket, never {@code null}
     */
    public Bucket bucket(int index) {
        checkIndex(index);
        if (index >= readOps.length) {
            return new Bucket(index, 0, 0, 0, 0);
        }
        return new Bucket(index, readOps[index], writeOps[index], readBytes[index], writeBytes[index]);
    }

    /** @return true when no operation was recorded */
    public boolean isEmpty() {
        return readOps.length == 0;
    }

    /** @return read operations over all buckets */
    public long readOps() {
        return sum(readOps);
    }

    /** @return write operations over all buckets */
    public long writeOps() {
        return sum(writeOps);
    }

    /** @return bytes read over all buckets */
    public long bytesRead() {
        return sum(readBytes);
    }

    /** @return bytes written over all buckets */
    public long bytesWritten() {
        return sum(writeBytes);
    }

    /** @return read plus write operations */
    public long totalOps() {
        return readOps() + writeOps();
    }

    private static long sum(long[] values) {
        long total = 0;
        for (long v : values) {
            total += v;
        }
        return total;
    }

    /**
     * Adds two histograms bucket by bucket.
     *
     * @param other the other histogram, not {@code null}
     * @return a new histogram holding the operations of both
     */
    public SizeHistogram merge(SizeHistogram other) {
        Objects.requireNonNull(other, "other");
        Builder b = builder();
        b.addAll(this);
        b.addAll(other);
        return b.build();
    }

    /**
     * Value equality: two histograms are equal when every bucket holds the same operations and bytes of each kind.
     *
     * @param o the other object
     * @return whether {@code o} is a histogram with the same buckets
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof SizeHistogram h
                && Arrays.equals(readOps, h.readOps) && Arrays.equals(writeOps, h.writeOps)
                && Arrays.equals(readBytes, h.readBytes) && Arrays.equals(writeBytes, h.writeBytes);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(readOps), Arrays.hashCode(writeOps),
                Arrays.hashCode(readBytes), Arrays.hashCode(writeBytes));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("SizeHistogram[");
        boolean first = true;
        for (Bucket b : buckets()) {
            if (b.totalOps() == 0) {
                continue;
            }
            sb.append(first ? "" : ", ").append(b.index()).append(": r=").append(b.readOps())
                    .append(" w=").append(b.writeOps());
            first = false;
        }
        return sb.append(']').toString();
    }

    /**
     * One power-of-two bucket.
     *
     * @param index      bucket index (see {@link SizeHistogram})
     * @param readOps    read operations in this bucket
     * @param writeOps   write operations in this bucket
     * @param readBytes  bytes moved by those reads
     * @param writeBytes bytes moved by those writes
     */
    public record Bucket(int index, long readOps, long writeOps, long readBytes, long writeBytes) {
        /**
         * Validates the bucket.
         *
         * @param index      bucket index (see {@link SizeHistogram})
         * @param readOps    read operations in this bucket
         * @param writeOps   write operations in this bucket
         * @param readBytes  bytes moved by those reads
         * @param writeBytes bytes moved by those writes
         * @throws IllegalArgumentException on a bad index or a negative figure
         */
        public Bucket {
            checkIndex(index);
            if (readOps < 0 || writeOps < 0 || readBytes < 0 || writeBytes < 0) {
                throw new IllegalArgumentException("bucket figures must be >= 0");
            }
        }

        /** @return smallest size in this bucket, in bytes (inclusive) */
        public long lowerBoundBytes() {
            return SizeHistogram.lowerBoundBytes(index);
        }

        /** @return bound above the sizes in this bucket, in bytes (exclusive, except for the last bucket) */
        public long upperBoundBytes() {
            return SizeHistogram.upperBoundBytes(index);
        }

        /** @return read plus write operations */
        public long totalOps() {
            return readOps + writeOps;
        }

        /** @return read plus write bytes */
        public long totalBytes() {
            return readBytes + writeBytes;
        }
    }

    /**
     * Collects operations into a histogram. Not thread-safe: confine a builder to one thread.
     */
    public static final class Builder {
        private final long[] readOps = new long[MAX_BUCKETS];
        private final long[] writeOps = new long[MAX_BUCKETS];
        private final long[] readBytes = new long[MAX_BUCKETS];
        private final long[] writeBytes = new long[MAX_BUCKETS];
        private int highest = -1;

        private Builder() {
        }

        /**
         * Records one operation.
         *
         * @param kind  read or write, not {@code null}
         * @param bytes bytes moved, {@code >= 0}
         * @return this builder
         */
        public Builder record(OpKind kind, long bytes) {
            return add(kind, bucketIndex(bytes), 1, bytes);
        }

        /**
         * Adds {@code ops} operations totalling {@code bytes} bytes to one bucket.
         *
         * @param kind  read or write, not {@code null}
         * @param index bucket index
         * @param ops   number of operations, {@code >= 0}
         * @param bytes their bytes, {@code >= 0}
         * @return this builder
         */
        public Builder add(OpKind kind, int index, long ops, long bytes) {
            checkIndex(index);
            if (ops < 0 || bytes < 0) {
                throw new IllegalArgumentException("ops and bytes must be >= 0, got ops=" + ops + ", bytes=" + bytes);
            }
            if (ops == 0 && bytes == 0) {
                return this;
            }
            if (kind == OpKind.READ) {
                readOps[index] += ops;
                readBytes[index] += bytes;
            } else {
                writeOps[index] += ops;
                writeBytes[index] += bytes;
            }
            highest = Math.max(highest, index);
            return this;
        }

        /**
         * Adds every bucket of a histogram.
         *
         * @param histogram the histogram to add, not {@code null}
         * @return this builder
         */
        public Builder addAll(SizeHistogram histogram) {
            for (Bucket b : histogram.buckets()) {
                add(OpKind.READ, b.index(), b.readOps(), b.readBytes());
                add(OpKind.WRITE, b.index(), b.writeOps(), b.writeBytes());
            }
            return this;
        }

        /** @return an immutable histogram of what was recorded so far; the builder stays usable */
        public SizeHistogram build() {
            if (highest < 0) {
                return EMPTY;
            }
            int n = highest + 1;
            return new SizeHistogram(Arrays.copyOf(readOps, n), Arrays.copyOf(writeOps, n),
                    Arrays.copyOf(readBytes, n), Arrays.copyOf(writeBytes, n));
        }
    }
}
