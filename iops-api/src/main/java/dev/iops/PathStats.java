package dev.iops;

import java.util.Objects;

/**
 * Totals of the operations on one path (a file name, or a descriptor description such as
 * {@code pipe:[35050]} or {@code socket:[35056]} as the profiler reported it).
 *
 * <p>Immutable and thread-safe.
 *
 * @param path   the path as the profiler saw it, never {@code null}
 * @param target the kind of target, never {@code null}
 * @param totals operations and bytes on this path
 */
public record PathStats(String path, TargetKind target, IoTotals totals) {
    /**
     * Validates the value.
     *
     * @param path   the path as the profiler saw it, never {@code null}
     * @param target the kind of target, never {@code null}
     * @param totals operations and bytes on this path
     */
    public PathStats {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(totals, "totals");
    }
}
