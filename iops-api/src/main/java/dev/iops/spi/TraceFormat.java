package dev.iops.spi;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A format of trace files recorded outside iops (for example by {@code strace -f -o FILE}) that
 * {@link dev.iops.Iops#analyze(Path)} can turn into a report. Implementations are found with
 * {@link java.util.ServiceLoader}: declare them with {@code provides dev.iops.spi.TraceFormat with ...} and in
 * {@code META-INF/services/dev.iops.spi.TraceFormat}, with a public no-argument constructor. A format reuses its
 * live provider's parser, so a trace file and a live session of the same tool give the same operations.
 *
 * <p>Thread-safety: instances are shared by every caller, so both methods must be thread-safe.
 */
public interface TraceFormat {
    /** How many leading bytes {@link #detects} is given, at most. */
    int HEAD_BYTES = 4096;

    /**
     * Short, stable name, shown in reports ({@link dev.iops.IopsReport#profiler()}) and in the message that lists
     * the formats known, such as {@code "strace"}.
     *
     * @return the name, never {@code null}
     */
    String name();

    /**
     * One line saying which commands write this format, for the message when no format matches a file, such as
     * {@code "strace -f [-y] [-T] [-tt|-ttt] -o FILE"}.
     *
     * @return the description, never {@code null}
     */
    String recordedBy();

    /**
     * Whether a file is in this format, from its first bytes alone. Pure: no I/O; must not throw.
     *
     * @param head   the file's first bytes
     * @param length how many of them are valid ({@code <= HEAD_BYTES}; fewer for a short file)
     * @return true if the file is in this format
     */
    boolean detects(byte[] head, int length);

    /**
     * Reads the file up to its size when the call begins (a file still being written is not followed) and gives
     * every I/O operation in it to {@code sink}, on the calling thread, in bounded memory whatever the file's size
     * or its header claims.
     *
     * <p>Never silently wrong: every part of the file that is not turned into operations for a reason other than
     * the format's own (a line of another system call, say) is counted in a note that says how much and why:
     * lines or records that cannot be read, a last line cut short, growth after the size was taken. Notes never
     * quote a binary file's bytes.
     *
     * @param trace the file
     * @param sink  receives the operations
     * @return notes for the report (what the format cannot say, what was skipped and why)
     * @throws IOException                      if the file cannot be read
     * @throws dev.iops.UnreadableTraceException if the file is damaged where the reader needs it (the message says
     *                                          what is wrong and what to do); no other runtime exception may escape
     */
    RecordingResult parse(Path trace, OpSink sink) throws IOException;

    /** A test of one line of a file's first bytes; see {@link #leadingLinesMatch}. */
    @FunctionalInterface
    interface LineTest {
        /**
         * @param head the bytes
         * @param from the line's first byte
         * @param to   the index of its newline
         * @return true if the line is one the format writes
         */
        boolean matches(byte[] head, int from, int to);
    }

    /**
     * The usual {@link #detects} of a line-oriented format: whether the first complete lines of a file, at most
     * {@code maxLines}, all pass {@code test}, and there is at least one. Blank lines (whitespace only) are skipped
     * and not counted; a last line without its newline is not looked at, since {@code head} may end inside it.
     * Pure and thread-safe.
     *
     * @param head     the file's first bytes
     * @param length   how many of them are valid
     * @param maxLines how many non-blank lines to test at most
     * @param test     the test of one line (without its newline)
     * @return true if every line tested passed and at least one was tested
     */
    static boolean leadingLinesMatch(byte[] head, int length, int maxLines, LineTest test) {
        int lines = 0;
        int from = 0;
        for (int i = 0; i < length && lines < maxLines; i++) {
            if (head[i] != '\n') {
                continue;
            }
            boolean blank = true;
            for (int j = from; j < i && blank; j++) {
                blank = head[j] <= ' ';
            }
            if (!blank) {
                if (!test.matches(head, from, i)) {
                    return false;
                }
                lines++;
            }
            from = i + 1;
        }
        return lines > 0;
    }
}
