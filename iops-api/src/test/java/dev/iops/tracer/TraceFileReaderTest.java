package dev.iops.tracer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bounded reads of a file that is still growing. */
class TraceFileReaderTest {
    @TempDir
    Path dir;

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.ISO_8859_1, StandardOpenOption.APPEND);
    }

    @Test
    void deliversEachCompleteLineOnceAndHoldsBackAnUnfinishedOne() throws IOException {
        Path file = Files.createFile(dir.resolve("t.trace"));
        List<String> lines = new ArrayList<>();
        try (TraceFile ch = TraceFile.open(file)) {
            TraceFileReader reader = new TraceFileReader(ch, 0);
            append(file, "one\ntwo\nthr");
            reader.readAvailable((b, from, to) -> lines.add(new String(b, from, to - from, StandardCharsets.ISO_8859_1)));
            assertThat(lines).containsExactly("one", "two");
            append(file, "ee\nfour\n");
            reader.readAvailable((b, from, to) -> lines.add(new String(b, from, to - from, StandardCharsets.ISO_8859_1)));
            assertThat(lines).containsExactly("one", "two", "three", "four");
        }
    }

    @Test
    void stopsAsSoonAsTheCallerIsSatisfied() throws IOException {
        Path file = Files.writeString(dir.resolve("t.trace"), "a\nEND\nb\nc\n");
        List<String> lines = new ArrayList<>();
        try (TraceFile ch = TraceFile.open(file)) {
            new TraceFileReader(ch, 0).readAvailable(new TraceFileReader.LineSink() {
                @Override
                public void line(byte[] b, int from, int to) {
                    lines.add(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
                }

                @Override
                public boolean done() {
                    return lines.contains("END");
                }
            });
        }
        assertThat(lines).containsExactly("a", "END");
    }

    @Test
    void doesNotChaseAFileThatGrowsBecauseItIsRead() throws IOException {
        Path file = Files.writeString(dir.resolve("t.trace"), "a\nb\nc\n");
        List<String> lines = new ArrayList<>();
        try (TraceFile ch = TraceFile.open(file)) {
            TraceFileReader reader = new TraceFileReader(ch, 0);
            // like strace, every line read makes the file longer: one call must still end
            boolean any = reader.readAvailable((b, from, to) -> {
                lines.add(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
                try {
                    append(file, "pread64(...) = 1\n");
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            assertThat(any).isTrue();
            assertThat(lines).containsExactly("a", "b", "c");
            assertThat(reader.position()).isEqualTo(6);
        }
    }

    @Test
    void skipsALineLongerThanTheBoundAndKeepsGoing() throws IOException {
        byte[] huge = new byte[TraceFileReader.MAX_LINE + 10];
        Arrays.fill(huge, (byte) 'x');
        Path file = Files.createFile(dir.resolve("t.trace"));
        Files.write(file, "first\n".getBytes(StandardCharsets.ISO_8859_1), StandardOpenOption.APPEND);
        Files.write(file, huge, StandardOpenOption.APPEND);
        Files.write(file, "\nlast\n".getBytes(StandardCharsets.ISO_8859_1), StandardOpenOption.APPEND);
        List<String> lines = new ArrayList<>();
        try (TraceFile ch = TraceFile.open(file)) {
            TraceFileReader reader = new TraceFileReader(ch, 0);
            reader.readAvailable((b, from, to) -> lines.add(new String(b, from, to - from, StandardCharsets.ISO_8859_1)));
            assertThat(reader.skippedLines()).isEqualTo(1);
        }
        assertThat(lines).containsExactly("first", "last");
    }

    @Test
    void readsOnAnInterruptedThreadKeepsTheFlagAndBooksEveryReadAsOwnIo() throws IOException {
        Path file = Files.writeString(dir.resolve("t.trace"), "a\nb\n");
        List<String> lines = new ArrayList<>();
        dev.iops.spi.SelfIo.Totals before = dev.iops.spi.SelfIo.thread();
        try (TraceFile ch = TraceFile.open(file)) {
            assertThat(dev.iops.spi.SelfIo.isOwnPath(file.toRealPath().toString())).isTrue();
            Thread.currentThread().interrupt();
            try {
                new TraceFileReader(ch, 0).readAvailable((b, from, to) -> lines.add(new String(b, from, to - from,
                        StandardCharsets.ISO_8859_1)));
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            } finally {
                Thread.interrupted();
            }
        }
        assertThat(lines).containsExactly("a", "b");
        // one read of the 4 bytes the file had: a FileChannel would have thrown ClosedByInterruptException
        assertThat(dev.iops.spi.SelfIo.thread().minus(before)).isEqualTo(new dev.iops.spi.SelfIo.Totals(1, 4, 0, 0));
        assertThat(dev.iops.spi.SelfIo.isOwnPath(file.toRealPath().toString())).isFalse();
    }
}
