package dev.iops.spi;

import dev.iops.Scope;

import java.util.Objects;

/**
 * What a session asks of a profiler.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scope         which threads to count
 * @param thread        the thread that started the session (the one {@link Scope#THREAD} counts);
 *                      {@link Profiler#start} is called on this thread
 * @param perOperation  true when the caller asked for a histogram; profilers with
 *                      {@link Capability#OPERATION_SIZES} must then deliver every operation
 */
public record RecordingRequest(Scope scope, Thread thread, boolean perOperation) {
    /** Validates the request. */
    public RecordingRequest {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(thread, "thread");
    }
}
