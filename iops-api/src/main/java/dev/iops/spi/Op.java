package dev.iops.spi;

import dev.iops.OpKind;
import dev.iops.TargetKind;

import java.util.Objects;

/**
 * One I/O operation seen by a per-operation profiler. Profilers turn their source's raw output into these
 * and hand them to an {@link OpSink}; they do not aggregate.
 *
 * <p>A call that moves data both ways (for example {@code sendfile}) is two operations: a read of the
 * source and a write of the sink, as the kernel's own counters see it. A failed call is one operation with
 * {@code failed = true} and {@code bytes = 0}: it counts as an error, not as an operation.
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind          read or write
 * @param bytes         bytes moved, {@code >= 0}
 * @param threadId      id of the thread that did it, in the profiler's own numbering (OS thread id for
 *                      tracers, Java thread id for JVM providers); informational
 * @param target        what the descriptor referred to
 * @param path          the path or descriptor description, or {@code null} when unknown
 * @param offsetNanos   when it started, in nanoseconds after the start of the profiler's window, or
 *                      {@code -1} when unknown
 * @param durationNanos how long it took in nanoseconds, or {@code -1} when unknown
 * @param failed        true if the call returned an error
 * @param site          the Java call site that made it ({@code com.example.Store.flush:42}), or {@code null}
 *                      when unknown or not asked for
 */
public record Op(OpKind kind, long bytes, long threadId, TargetKind target, String path,
                 long offsetNanos, long durationNanos, boolean failed, String site) {
    /**
     * Validates the operation.
     *
     * @param kind          read or write
     * @param bytes         bytes moved, {@code >= 0}
     * @param threadId      id of the thread that did it, in the profiler's own numbering (OS thread id for
     *                      tracers, Java thread id for JVM providers); informational
     * @param target        what the descriptor referred to
     * @param path          the path or descriptor description, or {@code null} when unknown
     * @param offsetNanos   when it started, in nanoseconds after the start of the profiler's window, or
     *                      {@code -1} when unknown
     * @param durationNanos how long it took in nanoseconds, or {@code -1} when unknown
     * @param failed        true if the call returned an error
     * @param site          the Java call site that made it ({@code com.example.Store.flush:42}), or {@code null}
     *                      when unknown or not asked for
     */
    public Op {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(target, "target");
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
        }
        if (offsetNanos < -1 || durationNanos < -1) {
            throw new IllegalArgumentException("offsetNanos and durationNanos must be >= 0 or -1 (unknown)");
        }
    }

    /**
     * An operation without a call site.
     *
     * @param kind          read or write
     * @param bytes         bytes moved
     * @param threadId      thread id in the profiler's numbering
     * @param target        what the descriptor referred to
     * @param path          path or descriptor description, or {@code null}
     * @param offsetNanos   start, nanoseconds after the window opened, or {@code -1}
     * @param durationNanos duration in nanoseconds, or {@code -1}
     * @param failed        whether the call returned an error
     */
    public Op(OpKind kind, long bytes, long threadId, TargetKind target, String path,
              long offsetNanos, long durationNanos, boolean failed) {
        this(kind, bytes, threadId, target, path, offsetNanos, durationNanos, failed, null);
    }

    /**
     * A successful operation of known size and nothing else known, for tests and simple sources.
     *
     * @param kind  read or write
     * @param bytes bytes moved
     * @return the operation
     */
    public static Op of(OpKind kind, long bytes) {
        return new Op(kind, bytes, -1, TargetKind.UNKNOWN, null, -1, -1, false, null);
    }
}
