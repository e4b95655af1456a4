package dev.iops.linux;

import dev.iops.spi.OpSink;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.TraceFormat;

import java.io.IOException;
import java.nio.file.Path;

/**
 * strace's text output ({@code strace -f [-y] [-T] [-tt|-ttt] -o FILE}, with or without thread ids), read by
 * {@link dev.iops.Iops#analyze(Path)} with the parser the live {@code strace} provider uses, so calls split over
 * {@code <unfinished ...>} and {@code <... resumed>} lines, data full of parentheses and quotes, and fake
 * {@code <unfinished ...>} text inside strings count exactly as in a live session.
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

    /** @return true when the first complete lines (up to 8) are all lines strace writes, and there is one */
    @Override
    public boolean detects(byte[] head, int length) {
        StraceLineParser parser = new StraceLineParser();
        return TraceFormat.leadingLinesMatch(head, length, LINES_CHECKED,
                (b, from, to) -> parser.parse(b, from, to) != StraceLineParser.GARBAGE);
    }

    @Override
    public RecordingResult parse(Path trace, OpSink sink) throws IOException {
        StraceProfiler.parseTrace(trace, sink);
        return RecordingResult.ofOperations();
    }
}
