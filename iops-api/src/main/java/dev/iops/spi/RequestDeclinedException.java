package dev.iops.spi;

/**
 * A profiler cannot serve this request by its nature, though nothing failed: {@link dev.iops.Scope#THREAD} on a
 * virtual thread for a profiler that counts one OS thread ({@link RecordingRequest#requirePlatformThread}).
 * Automatic selection expects such refusals: it passes the profiler over with a note in the report and without a
 * warning in the log, where a {@link ProfilerStartException} of another kind is logged as a warning. When the caller
 * named the profiler, this exception reaches the caller. The message must say why and what to do instead.
 */
public class RequestDeclinedException extends ProfilerStartException {
    private static final long serialVersionUID = 1L;

    /** @param message why this profiler cannot serve the request, and what to do instead */
    public RequestDeclinedException(String message) {
        super(message);
    }
}
