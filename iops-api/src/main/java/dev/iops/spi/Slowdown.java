package dev.iops.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * What a source that stops the measured code (a ptrace tracer: {@code strace}) added to a block's time: the calls
 * it stopped in the window, times its cost per call. The session turns it into a note that sets the estimate against
 * the block's elapsed time, so that an elapsed time, IOPS or throughput figure is never silently many times off.
 *
 * <p>Immutable and thread-safe.
 *
 * @param source       the source that slowed the block, such as {@code "strace"}
 * @param stoppedCalls the calls of the window it stopped and traced, {@code >= 0}; a lower bound when it also stops
 *                     calls it does not trace
 * @param costPerCall  what it adds to one call, as measured (when it attached, for strace);
 *                     {@link Duration#ZERO} when it could not be measured
 */
public record Slowdown(String source, long stoppedCalls, Duration costPerCall) {
    /**
     * Validates the value.
     *
     * @param source       the source that slowed the block
     * @param stoppedCalls the calls of the window it stopped, {@code >= 0}
     * @param costPerCall  what it adds to one call, {@code >= 0}; zero when unknown
     * @throws IllegalArgumentException on a negative count or cost
     */
    public Slowdown {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(costPerCall, "costPerCall");
        if (stoppedCalls < 0) {
            throw new IllegalArgumentException("stoppedCalls must be >= 0, got " + stoppedCalls);
        }
        if (costPerCall.isNegative()) {
            throw new IllegalArgumentException("costPerCall must be >= 0, got " + costPerCall);
        }
    }

    /** @return true if the cost per call was measured (is not zero) */
    public boolean isCostKnown() {
        return !costPerCall.isZero();
    }

    /** @return the estimated time it added: {@code stoppedCalls × costPerCall} (zero when the cost is unknown) */
    public Duration estimate() {
        return costPerCall.multipliedBy(stoppedCalls);
    }
}
