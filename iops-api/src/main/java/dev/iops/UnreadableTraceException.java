package dev.iops;

/**
 * {@link Iops#analyze(java.nio.file.Path)} cannot read a file: it is empty, in no format iops knows, or in a known
 * format but damaged where the reader needs it (a {@code perf.data} header whose sections lie outside the file,
 * for example). The message names the file, says what is wrong and what to do; it never quotes a binary file's
 * bytes. Damage that leaves the rest of a file readable gives a report whose notes say what was skipped instead.
 */
public class UnreadableTraceException extends IopsException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong with which file, and what to do
     */
    public UnreadableTraceException(String message) {
        super(message);
    }

    /**
     * @param message what is wrong with which file, and what to do
     * @param cause   the underlying failure
     */
    public UnreadableTraceException(String message, Throwable cause) {
        super(message, cause);
    }
}
