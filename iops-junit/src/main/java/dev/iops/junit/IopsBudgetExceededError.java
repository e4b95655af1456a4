package dev.iops.junit;

import dev.iops.IopsReport;

import java.util.List;
import java.util.Objects;

/**
 * Fails a test that exceeded its {@link IopsBudget}. The message states each budget exceeded with the measured
 * figure, for example {@code 5 write operations, budget 3}, followed by the report's table
 * ({@link IopsReport#toText()}).
 *
 * <p>Instances are immutable once thrown.
 */
public final class IopsBudgetExceededError extends AssertionError {
    private static final long serialVersionUID = 1L;

    /** The report is not serialisable; a deserialised error keeps only its message. */
    private final transient IopsReport report;
    /** One line per budget exceeded. */
    private final List<String> exceeded;

    /**
     * Creates the error.
     *
     * @param message  the full message
     * @param report   the report of the test's invocation
     * @param exceeded one line per budget exceeded, such as {@code 5 write operations, budget 3}
     */
    public IopsBudgetExceededError(String message, IopsReport report, List<String> exceeded) {
        super(Objects.requireNonNull(message, "message"));
        this.report = Objects.requireNonNull(report, "report");
        this.exceeded = List.copyOf(exceeded);
    }

    /** @return the report of the test's invocation ({@code null} only after deserialisation) */
    public IopsReport report() {
        return report;
    }

    /** @return one line per budget exceeded, in the order read ops, write ops, bytes read, bytes written */
    public List<String> exceeded() {
        return exceeded;
    }
}
