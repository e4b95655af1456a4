package dev.iops.internal;

import dev.iops.LatencySummary;

import java.time.Duration;

/**
 * Log-linear histogram of durations in nanoseconds: exact below 16 ns, then 16 sub-buckets per power of two,
 * so a bucket is at most 1/16 of its value wide. 960 counters cover every non-negative {@code long}: memory is
 * constant whatever the number of samples. Not thread-safe.
 */
final class LatencySketch {
    private static final int SUB_BITS = 4;
    private static final int SUB = 1 << SUB_BITS;
    private static final int SIZE = (63 - SUB_BITS + 1) * SUB;

    private final long[] counts = new long[SIZE];
    private long count;
    private long max;

    static int index(long nanos) {
        if (nanos < SUB) {
            return (int) nanos;
        }
        int exp = 63 - Long.numberOfLeadingZeros(nanos);
        int sub = (int) ((nanos >>> (exp - SUB_BITS)) & (SUB - 1));
        return (exp - SUB_BITS + 1) * SUB + sub;
    }

    /** Middle of a bucket: the value a percentile falling in it is reported as. */
    static long midpoint(int index) {
        if (index < SUB) {
            return index;
        }
        int exp = index / SUB + SUB_BITS - 1;
        int sub = index % SUB;
        long width = 1L << (exp - SUB_BITS);
        long low = (long) (SUB + sub) << (exp - SUB_BITS);
        return low + width / 2;
    }

    void record(long nanos) {
        counts[index(nanos)]++;
        count++;
        max = Math.max(max, nanos);
    }

    long count() {
        return count;
    }

    /** @param fraction in (0, 1] */
    long percentile(double fraction) {
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(fraction * count));
        long seen = 0;
        for (int i = 0; i < SIZE; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(midpoint(i), max);
            }
        }
        return max;
    }

    LatencySummary summary() {
        return new LatencySummary(count, Duration.ofNanos(percentile(0.50)), Duration.ofNanos(percentile(0.90)),
                Duration.ofNanos(percentile(0.99)), Duration.ofNanos(max));
    }
}
