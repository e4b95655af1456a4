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

    /** {@code Thread.isVirtual()} where the JDK has it (21+); {@code null} before. */
    private static final java.lang.reflect.Method IS_VIRTUAL = isVirtualMethod();

    private static java.lang.reflect.Method isVirtualMethod() {
        try {
            return Thread.class.getMethod("isVirtual");
        } catch (NoSuchMethodException | RuntimeException e) {
            return null; // Java 17 to 20: every thread is a platform thread
        }
    }

    /**
     * @return true if {@link #thread()} is a virtual thread (Java 21 and later; always false before)
     */
    public boolean virtualThread() {
        try {
            return IS_VIRTUAL != null && (Boolean) IS_VIRTUAL.invoke(thread);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Refuses {@link Scope#THREAD} on a virtual thread, for a profiler that counts one OS thread ({@code procfs},
     * {@code strace}, {@code perf}): a virtual thread runs on carrier threads and may move to another at any
     * blocking call, so such counts would belong to whichever carriers ran, other virtual threads' work included.
     * Automatic selection expects this refusal: it falls back to a profiler that counts Java threads ({@code jfr})
     * with a note in the report, and logs no warning.
     *
     * @param profiler the refusing profiler's name, for the message
     * @throws RequestDeclinedException for {@link Scope#THREAD} on a virtual thread, saying what to do instead
     */
    public void requirePlatformThread(String profiler) {
        if (scope == Scope.THREAD && virtualThread()) {
            throw new RequestDeclinedException(profiler + " counts one OS thread in Scope.THREAD, but this session "
                    + "runs on a virtual thread (" + thread + "), which can move to another carrier thread at any blocking "
                    + "call; its counts would be the carriers'. Use Scope.PROCESS, run the block on a platform thread, "
                    + "or use -Diops.profiler=jfr, which counts Java threads.");
        }
    }
}
