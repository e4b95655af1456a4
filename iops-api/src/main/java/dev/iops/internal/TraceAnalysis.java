package dev.iops.internal;

import dev.iops.IopsException;
import dev.iops.IopsReport;
import dev.iops.IoTotals;
import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.UnreadableTraceException;
import dev.iops.Units;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.TraceFormat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link dev.iops.Iops#analyze(Path)}: picks the format from the file's first bytes, runs its reader and makes the
 * report. Whatever a reader lets through is caught here: a byte total that would overflow, a runtime exception
 * (a reader's bug on a file it did not expect), a file in no format; the caller gets a report with notes or an
 * {@link UnreadableTraceException}. Thread-safe (stateless).
 */
public final class TraceAnalysis {
    private static final int FIRST_BYTES_SHOWN = 16;
    private static final int FIRST_LINE_SHOWN = 80;

    private TraceAnalysis() {
    }

    /**
     * @param trace   the file
     * @param formats the formats installed
     * @return the report
     * @throws IOException if the file cannot be read
     */
    public static IopsReport analyze(Path trace, List<TraceFormat> formats) throws IOException {
        byte[] head = new byte[TraceFormat.HEAD_BYTES];
        int length;
        try (InputStream in = Files.newInputStream(trace)) {
            length = in.readNBytes(head, 0, head.length);
        }
        if (length == 0) {
            throw new UnreadableTraceException(trace + " is empty: there is no trace to read. Check that the tracer "
                    + "wrote to this file and has finished.");
        }
        for (TraceFormat format : formats) {
            if (detects(format, head, length)) {
                return read(trace, format);
            }
        }
        StringBuilder known = new StringBuilder();
        for (TraceFormat f : formats) {
            known.append(known.length() == 0 ? "" : "; ").append(f.name()).append(" (").append(f.recordedBy())
                    .append(')');
        }
        throw new UnreadableTraceException(trace + " is not a trace iops can read (" + describe(head, length) + "). "
                + (formats.isEmpty() ? "No trace format is installed: add iops-linux to the class path or module path."
                : "Formats known: " + known + "."));
    }

    private static boolean detects(TraceFormat format, byte[] head, int length) {
        try {
            return format.detects(head.clone(), length);
        } catch (RuntimeException e) {
            return false; // the contract says it must not throw: a format that does cannot read this file
        }
    }

    private static IopsReport read(Path trace, TraceFormat format) throws IOException {
        Aggregator aggregator = new Aggregator();
        Bounded sink = new Bounded(aggregator);
        RecordingResult result;
        try {
            result = format.parse(trace, sink);
        } catch (IopsException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new UnreadableTraceException("iops could not read " + trace + " as a " + format.name()
                    + " trace: its reader failed with " + e.getClass().getName()
                    + ". The file is damaged, or the reader has a bug: if the file is a whole trace, please report "
                    + "this with the file.", e);
        }
        List<String> notes = new ArrayList<>();
        notes.add("read from " + trace + " (" + format.name() + " trace, " + format.recordedBy() + ")");
        notes.addAll(result.notes());
        if (sink.dropped > 0) {
            notes.add(format.name() + ": " + Units.count(sink.dropped) + (sink.dropped == 1
                    ? " operation was not counted: its size" : " operations were not counted: their sizes")
                    + " would carry the byte totals past " + Units.count(Long.MAX_VALUE) + " B; the trace is damaged");
        }
        IoTotals t = aggregator.totals();
        return new IopsReport(format.name(), Scope.PROCESS, Duration.ZERO, t.readOps(), t.writeOps(),
                t.bytesRead(), t.bytesWritten(), Aggregator.measuredFigures(), Optional.empty(),
                Optional.of(aggregator.histogram()), Optional.of(aggregator.detail()), notes);
    }

    /**
     * What the first bytes are, for the message when no format matches: the first line of a text file (printable
     * characters only), or the first bytes in hexadecimal of a binary one; never raw bytes.
     */
    static String describe(byte[] head, int length) {
        int end = 0;
        while (end < length && head[end] != '\n') {
            end++;
        }
        int lineEnd = end > 0 && head[end - 1] == '\r' ? end - 1 : end;
        String line = null;
        if (!isBinary(head, length)) {
            try {
                line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(head, 0, lineEnd)).toString();
            } catch (CharacterCodingException e) {
                // a cut multi-byte character at the end of the head, or not UTF-8: show it as binary
                line = lineEnd == length ? cutAtLastWholeCharacter(head, lineEnd) : null;
            }
        }
        if (line == null) {
            StringBuilder hex = new StringBuilder("it is binary; its first bytes: ");
            for (int i = 0; i < Math.min(FIRST_BYTES_SHOWN, length); i++) {
                hex.append(String.format("%02x ", head[i] & 0xff));
            }
            return hex.append(length > FIRST_BYTES_SHOWN ? "..." : "").toString().trim();
        }
        if (line.isBlank()) {
            return "its first line is blank";
        }
        boolean cut = line.length() > FIRST_LINE_SHOWN;
        return "its first line: \"" + (cut ? line.substring(0, FIRST_LINE_SHOWN) + "..." : line) + "\"";
    }

    private static String cutAtLastWholeCharacter(byte[] head, int end) {
        for (int drop = 1; drop <= 3 && drop < end; drop++) {
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(head, 0, end - drop)).toString();
            } catch (CharacterCodingException e) {
                // try one byte less
            }
        }
        return null;
    }

    /** Control bytes other than tab, newline, carriage return and form feed mean binary. */
    private static boolean isBinary(byte[] head, int length) {
        for (int i = 0; i < length; i++) {
            int c = head[i] & 0xff;
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /**
     * Passes operations on while the byte totals stay representable: an operation whose size would carry the read,
     * write or combined total past {@link Long#MAX_VALUE} is dropped and counted (no system call moves that much;
     * only a damaged trace claims it).
     */
    static final class Bounded implements OpSink {
        private final OpSink next;
        private long read;
        private long written;
        long dropped;

        Bounded(OpSink next) {
            this.next = next;
        }

        @Override
        public void accept(Op op) {
            if (!op.failed()) {
                if (op.bytes() > Long.MAX_VALUE - read - written) {
                    dropped++;
                    return;
                }
                if (op.kind() == OpKind.READ) {
                    read += op.bytes();
                } else {
                    written += op.bytes();
                }
            }
            next.accept(op);
        }
    }
}
