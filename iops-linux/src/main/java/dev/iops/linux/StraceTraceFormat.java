package dev.iops.linux;

import dev.iops.spi.OpSink;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.TraceFormat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * strace's text output ({@code strace -f [-y] [-T] [-tt|-ttt] -o FILE}, with or without thread ids), read by
 * {@link dev.iops.Iops#analyze(Path)} with the parser the live {@code strace} provider uses, so calls split over
 * {@code <unfinished ...>} and {@code <... resumed>} lines, data full of parentheses and quotes, and fake
 * {@code <unfinished ...>} text inside strings count exactly as in a live session.
 *
 * <p>Lines of any length are read in bounded memory: a line longer than {@link SnapshotLines#BUFFER} (the data of
 * {@code strace -s 8000000}) is read by its call and result, its strings shortened as they stream by
 * ({@link StraceLongLine}). The file is read up to its size when the reading began; lines that cannot be read,
 * a last line without its newline, growth while reading and sizes no system call can have are noted.
 *
 * <p>Thread-safe (stateless).
 */
public final class StraceTraceFormat implements TraceFormat {
    private static final int LINES_CHECKED = 8;

    /** Creates the format. */
    public StraceTraceFormat() {
    }

    @Override
    public String name() {
        return StraceProfiler.NAME;
    }

    @Override
    public String recordedBy() {
        return "strace -f [-y] [-T] [-tt|-ttt] -o FILE";
    }

    /**
     * @return true when the first complete lines (up to 8) are all lines strace writes, and there is one; or, when
     *         the first line is longer than {@code head}, when it begins as a strace call does
     */
    @Override
    public boolean detects(byte[] head, int length) {
        StraceLineParser parser = new StraceLineParser();
        if (TraceFormat.leadingLinesMatch(head, length, LINES_CHECKED,
                (b, from, to) -> parser.parse(b, from, to) != StraceLineParser.GARBAGE)) {
            return true;
        }
        int from = 0;
        while (from < length && head[from] <= ' ') {
            from++; // blank lines before the first
        }
        for (int i = from; i < length; i++) {
            if (head[i] == '\n') {
                return false; // a whole first line that is not strace's
            }
        }
        // the first line goes on past the head (strace -s with big data, execve with a big environment)
        return length == HEAD_BYTES && from < length
                && (parser.parse(head, from, length) != StraceLineParser.GARBAGE || parser.truncated);
    }

    @Override
    public RecordingResult parse(Path trace, OpSink sink) throws IOException {
        List<String> notes = new ArrayList<>();
        read(trace, sink, notes);
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }

    /**
     * Reads a finished trace (see the class comment).
     *
     * @param trace the file
     * @param sink  receives the operations
     * @param notes receives what was skipped and why
     * @return the lines read
     * @throws IOException if the file cannot be read
     */
    static long read(Path trace, OpSink sink, List<String> notes) throws IOException {
        PlausibleSizes plausible = new PlausibleSizes(sink);
        TraceWindow window = new TraceWindow(null, null, false, Set.of(), plausible);
        StraceLongLine[] longLine = {null}; // 1 MiB: made for the first long line only
        SnapshotLines lines = new SnapshotLines();
        long[] count = {0};
        lines.read(trace, new SnapshotLines.Sink() {
            @Override
            public void line(byte[] b, int from, int to) {
                count[0]++;
                long garbage = window.garbageLines();
                window.accept(b, from, to);
                if (window.garbageLines() > garbage) {
                    lines.skipped();
                }
            }

            @Override
            public void longLineStart() {
                if (longLine[0] == null) {
                    longLine[0] = new StraceLongLine();
                }
                longLine[0].start();
            }

            @Override
            public void piece(byte[] b, int from, int to) {
                longLine[0].piece(b, from, to);
            }

            @Override
            public void longLineEnd(boolean read) {
                if (!read) {
                    return;
                }
                if (longLine[0].fits()) {
                    line(longLine[0].bytes(), 0, longLine[0].length());
                } else {
                    count[0]++;
                    lines.skipped();
                }
            }
        });
        lines.notes(StraceProfiler.NAME, "could not be read as strace's", notes);
        plausible.notes(StraceProfiler.NAME, notes);
        return count[0];
    }
}
