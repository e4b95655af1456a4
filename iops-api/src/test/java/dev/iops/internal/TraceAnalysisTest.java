package dev.iops.internal;

import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.UnreadableTraceException;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.TraceFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@code Iops.analyze} does around a format's reader, whatever the reader does. */
class TraceAnalysisTest {
    @TempDir
    Path dir;

    /** A format that takes every file starting with "fake" and gives what {@code parse} does. */
    private interface Parse {
        RecordingResult parse(OpSink sink) throws IOException;
    }

    private static TraceFormat fake(Parse parse) {
        return new TraceFormat() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public String recordedBy() {
                return "a test";
            }

            @Override
            public boolean detects(byte[] head, int length) {
                return length >= 4 && new String(head, 0, 4, StandardCharsets.US_ASCII).equals("fake");
            }

            @Override
            public RecordingResult parse(Path trace, OpSink sink) throws IOException {
                return parse.parse(sink);
            }
        };
    }

    private Path file(String text) throws IOException {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, text);
        return f;
    }

    private static Op write(long bytes) {
        return new Op(OpKind.WRITE, bytes, 1, TargetKind.FILE, "/tmp/x", -1, -1, false);
    }

    @Test
    void anOperationThatWouldOverflowTheByteTotalsIsDroppedWithANote() throws IOException {
        IopsReport r = TraceAnalysis.analyze(file("fake"), List.of(fake(sink -> {
            sink.accept(write(Long.MAX_VALUE / 2 + 1));
            sink.accept(new Op(OpKind.READ, Long.MAX_VALUE / 2, 1, TargetKind.FILE, "/tmp/x", -1, -1, false));
            sink.accept(write(Long.MAX_VALUE / 2)); // would overflow
            sink.accept(write(1)); // would overflow the read + write total
            return RecordingResult.ofOperations();
        })));
        assertThat(r.writeOps()).isEqualTo(1);
        assertThat(r.readOps()).isEqualTo(1);
        assertThat(r.totalBytes()).isEqualTo(Long.MAX_VALUE);
        assertThat(r.notes()).containsExactly("read from " + dir.resolve("t.txt") + " (fake trace, a test)",
                "fake: 2 operations were not counted: their sizes would carry the byte totals past "
                        + "9,223,372,036,854,775,807 B; the trace is damaged");
    }

    @Test
    void aReaderThatThrowsARuntimeExceptionGivesAnUnreadableTraceExceptionThatNamesFileAndFormat()
            throws IOException {
        Path f = file("fake");
        assertThatThrownBy(() -> TraceAnalysis.analyze(f, List.of(fake(sink -> {
            throw new ArrayIndexOutOfBoundsException(7);
        })))).isInstanceOf(UnreadableTraceException.class)
                .hasCauseInstanceOf(ArrayIndexOutOfBoundsException.class)
                .hasMessage("iops could not read " + f + " as a fake trace: its reader failed with "
                        + "java.lang.ArrayIndexOutOfBoundsException. The file is damaged, or the reader has a bug: if "
                        + "the file is a whole trace, please report this with the file.");
    }

    @Test
    void aFormatWhoseDetectionThrowsDoesNotMatch() throws IOException {
        TraceFormat throwing = new TraceFormat() {
            @Override
            public String name() {
                return "throwing";
            }

            @Override
            public String recordedBy() {
                return "nothing";
            }

            @Override
            public boolean detects(byte[] head, int length) {
                throw new IllegalStateException("bug");
            }

            @Override
            public RecordingResult parse(Path trace, OpSink sink) {
                throw new AssertionError("not detected");
            }
        };
        Path f = file("fake");
        assertThat(TraceAnalysis.analyze(f, List.of(throwing, fake(sink -> RecordingResult.ofOperations())))
                .profiler()).isEqualTo("fake");
    }

    @Test
    void theFirstBytesOfABinaryFileAreShownInHexAndATextFilesFirstLineAsText() {
        byte[] elf = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0};
        assertThat(TraceAnalysis.describe(elf, elf.length))
                .isEqualTo("it is binary; its first bytes: 7f 45 4c 46 02 01 01 00 00 00 00 00 00 00 00 00 ...");
        byte[] text = "caf\u00e9 au lait\nsecond line".getBytes(StandardCharsets.UTF_8);
        assertThat(TraceAnalysis.describe(text, text.length)).isEqualTo("its first line: \"caf\u00e9 au lait\"");
        byte[] cut = "a\u00e9".getBytes(StandardCharsets.UTF_8);
        assertThat(TraceAnalysis.describe(cut, cut.length - 1)).as("a head that ends inside a character")
                .isEqualTo("its first line: \"a\"");
        byte[] latin1 = "caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(TraceAnalysis.describe(latin1, latin1.length))
                .startsWith("it is binary; its first bytes: 63 61 66 e9");
        byte[] blank = "   \n".getBytes(StandardCharsets.US_ASCII);
        assertThat(TraceAnalysis.describe(blank, blank.length)).isEqualTo("its first line is blank");
    }

    @Test
    void anEmptyFileIsRefusedAsEmpty() throws IOException {
        Path f = Files.createFile(dir.resolve("empty"));
        assertThatThrownBy(() -> TraceAnalysis.analyze(f, List.of(fake(sink -> RecordingResult.ofOperations()))))
                .isInstanceOf(UnreadableTraceException.class)
                .hasMessage(f + " is empty: there is no trace to read. Check that the tracer wrote to this file and "
                        + "has finished.");
    }
}
