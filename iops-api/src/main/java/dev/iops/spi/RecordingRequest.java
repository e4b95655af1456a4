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
 * @param callSites     true when the caller asked for call sites; profilers with {@link Capability#CALL_SITES}
 *                      must then fill {@link Op#site()} (it may cost more per operation, so only then)
 */
public record RecordingRequest(Scope scope, Thread thread, boolean perOperation, boolean callSites) {
    /**
     * Validates the request.
     *
     * @param scope        which threads to count
     * @param thread       the thread that started the session (the one {@link Scope#THREAD} counts);
     *                     {@link Profiler#start} is called on this thread
     * @param perOperation true when the caller asked for a histogram; profilers with
     *                     {@link Capability#OPERATION_SIZES} must then deliver every operation
     * @param callSites    true when the caller asked for call sites; profilers with {@link Capability#CALL_SITES}
     *                     must then fill {@link Op#site()} (it may cost more per operation, so only then)
     */
    public RecordingRequest {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(thread, "thread");
    }

    /**
     * A request without call sites.
     *
     * @param scope        which threads to count
     * @param thread       the session's thread
     * @param perOperation whether a histogram was asked
     */
    public RecordingRequest(Scope scope, Thread thread, boolean perOperation) {
        this(scope, thread, perOperation, false);
    }
}
