package dev.iops;

import java.util.Objects;

/**
 * The value a measured block returned, with the report of its I/O.
 *
 * <p>Immutable; thread-safe if the value is.
 *
 * @param value  what the block returned (may be {@code null})
 * @param report the report of the block, never {@code null}
 * @param <T>    the block's result type
 */
public record Measured<T>(T value, IopsReport report) {
    /**
     * Validates the report is present.
     *
     * @param value  what the block returned (may be {@code null})
     * @param report the report of the block, never {@code null}
     */
    public Measured {
        Objects.requireNonNull(report, "report");
    }
}
