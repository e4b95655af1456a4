package dev.iops.spi;

import dev.iops.IopsException;

/**
 * Thrown by {@link Recording#stop(OpSink)} when the source failed during the window (a tracer died, a counter
 * could not be read). A per-operation profiler gives the sink what it captured before throwing; the session
 * turns that into an {@link dev.iops.IncompleteReportException} carrying the partial report.
 */
public class RecordingFailedException extends IopsException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and when */
    public RecordingFailedException(String message) {
        super(message);
    }

    /**
     * @param message what failed and when
     * @param cause   the underlying failure
     */
    public RecordingFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
