package dev.iops.spi;

import dev.iops.IopsException;

/**
 * A profiler could not start although it said it was usable (for example strace was refused ptrace). During
 * automatic selection the session then tries the next candidate, with one warning; when the caller named the
 * profiler, this exception reaches the caller. The message must say what failed and what to do.
 */
public class ProfilerStartException extends IopsException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, to what, and what to do */
    public ProfilerStartException(String message) {
        super(message);
    }

    /**
     * @param message what failed, to what, and what to do
     * @param cause   the underlying failure
     */
    public ProfilerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
