package dev.iops;

import java.time.Duration;
import java.util.Objects;

/**
 * Latency of the operations of one kind, from a bounded log-linear sketch: percentiles are within about
 * 3% of the true value (they are reported at the middle of a bucket that is at most 1/16 of its value
 * wide); {@code max} is exact.
 *
 * <p>Immutable and thread-safe.
 *
 * @param count number of operations that had a latency, {@code >= 0}
 * @param p50   median latency
 * @param p90   90th percentile
 * @param p99   99th percentile
 * @param max   largest latency seen
 */
public record LatencySummary(long count, Duration p50, Duration p90, Duration p99, Duration max) {
    /**
     * Validates the summary.
     *
     * @param count number of operations that had a latency, {@code >= 0}
     * @param p50   median latency
     * @param p90   90th percentile
     * @param p99   99th percentile
     * @param max   largest latency seen
     * @throws IllegalArgumentException on a negative count or a null duration
     */
    public LatencySummary {
        if (count < 0) {
            throw new IllegalArgumentException("count must be >= 0, got " + count);
        }
        Objects.requireNonNull(p50, "p50");
        Objects.requireNonNull(p90, "p90");
        Objects.requireNonNull(p99, "p99");
        Objects.requireNonNull(max, "max");
    }
}
