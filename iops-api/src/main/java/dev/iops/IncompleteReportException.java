package dev.iops;

import java.util.Objects;

/**
 * The profiler failed while the block ran (for example its tracer process died), so the figures cover only
 * part of the block. The exception carries what was captured, clearly marked as partial, instead of a report
 * that would silently undercount.
 */
public class IncompleteReportException extends IopsException {
    private static final long serialVersionUID = 1L;

    private final transient IopsReport partial;

    /**
     * @param message what failed and when
     * @param partial the figures captured before the failure, with a note saying they are partial
     * @param cause   the underlying failure, may be {@code null}
     */
    public IncompleteReportException(String message, IopsReport partial, Throwable cause) {
        super(message, cause);
        this.partial = Objects.requireNonNull(partial, "partial");
    }

    /** @return what was captured before the failure; undercounts the block */
    public IopsReport partialReport() {
        return partial;
    }
}
