package dev.iops;

/**
 * Base of the unchecked exceptions iops throws when it cannot measure, or cannot measure completely, or cannot read
 * a report back ({@link ReportJsonException}).
 */
public class IopsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what happened, to what, and what to do
     */
    public IopsException(String message) {
        super(message);
    }

    /**
     * @param message what happened, to what, and what to do
     * @param cause   the underlying failure
     */
    public IopsException(String message, Throwable cause) {
        super(message, cause);
    }
}
