package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.UnreadableTraceException;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.spi.RecordingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code Iops.analyze} on strace text that is legal but unusual, or damaged: never silently wrong. Each test is a
 * case a tester found (issue #19, item 6); the traces are generated here, in the shapes strace 6.1 writes (see
 * {@code /work/shared/reference/strace-6.1-lines.txt}).
 */
@Timeout(60)
class AnalyzeStraceOffTheHappyPathTest {
    private static final String READ_FROM = "read from ";

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code count} lines of {@code write(3</tmp/out>, "xxxxxxxx", 8) = 8}, thread 100. */
    private static String smallWrites(int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append("100 write(3</tmp/out>, \"xxxxxxxx\", 8) = 8\n");
        }
        return b.toString();
    }

    /**
     * One line of {@code strace -s 8000000} writing {@code bytes} bytes whose printed form is {@code data} repeated,
     * streamed so the test never holds the line.
     */
    private static void hugeWrite(OutputStream out, String prefix, String data, long printed, long bytes,
                                  String suffix) throws IOException {
        out.write(ascii(prefix + "write(1</dev/null>, \""));
        byte[] chunk = ascii(data.repeat(Math.max(1, 64 * 1024 / data.length())));
        long written = 0;
        while (written < printed) {
            int n = (int) Math.min(chunk.length, printed - written);
            out.write(chunk, 0, n);
            written += n;
        }
        out.write(ascii("\"..., " + bytes + ") = " + bytes + suffix + "\n"));
    }

    private static String notes(IopsReport r) {
        return String.join("\n", r.notes());
    }

    @Test
    void linesOfMegabytesOfDataCountTheirWritesAsDdBs8MCount3Does() throws IOException {
        // strace -f -s 8000000 -o FILE dd if=/dev/zero of=/dev/null bs=8M count=3: 32 MB lines ("\0" per byte)
        Path trace = dir.resolve("dd.strace");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(trace), 1 << 16)) {
            out.write(ascii("4242 read(0</dev/zero>, \"\\0\\0\\0\\0\"..., 8388608) = 8388608\n"));
            for (int i = 0; i < 3; i++) {
                hugeWrite(out, "4242 ", "\\0", 8_000_000L * 2, 8_388_608, "");
            }
            out.write(ascii("4242 write(2</dev/pts/0>, \"3+0 records in\\n3+0 records out\\n\", 32) = 32\n"));
            out.write(ascii("4242 write(2</dev/pts/0>, \"25165824 bytes (25 MB, 24 MiB) copied, 0.0123 s, 2.0 GB/s"
                    + "\\n\", 60) = 60\n"));
            out.write(ascii("4242 +++ exited with 0 +++\n"));
        }
        assertThat(Files.size(trace)).as("each write's line is over 4 MiB").isGreaterThan(3L * 16_000_000);
        IopsReport r = Iops.analyze(trace);
        assertThat(r.writeOps()).as(notes(r)).isEqualTo(5);
        assertThat(r.bytesWritten()).isEqualTo(3L * 8_388_608 + 92);
        assertThat(r.readOps()).isEqualTo(1);
        assertThat(r.notes()).singleElement().asString().startsWith(READ_FROM);
    }

    @Test
    void aLineOfHundredsOfMegabytesAmongOrdinaryWritesIsOneWriteAndItsQuotesAndParenthesesDoNotFoolTheScan()
            throws IOException {
        Path trace = dir.resolve("big.strace");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(trace), 1 << 16)) {
            out.write(ascii(smallWrites(500)));
            // data that looks like the end of a call and like another line; 96 MiB printed
            hugeWrite(out, "100 1700000000.000001 ", "\\\") = 5\\n<unfinished ...>\\\\", 96L << 20, 1L << 30,
                    " <0.500000>");
            out.write(ascii(smallWrites(500)));
        }
        IopsReport r = Iops.analyze(trace);
        assertThat(r.writeOps()).as(notes(r)).isEqualTo(1001);
        assertThat(r.bytesWritten()).isEqualTo(1000 * 8L + (1L << 30));
        assertThat(r.notes()).singleElement().asString().startsWith(READ_FROM);
    }

    @Test
    void aFirstLineLongerThanTheBytesLookedAtIsStillRecognisedAsStrace() throws IOException {
        Path trace = dir.resolve("first.strace");
        Files.writeString(trace, "100 write(1</dev/null>, \"" + "y".repeat(10_000) + "\", 10000) = 10000\n"
                + smallWrites(2), StandardCharsets.ISO_8859_1);
        IopsReport r = Iops.analyze(trace);
        assertThat(r.profiler()).isEqualTo("strace");
        assertThat(r.writeOps()).isEqualTo(3);
        assertThat(r.bytesWritten()).isEqualTo(10_016);
    }

    @Test
    void aLastLineWithoutItsNewlineIsCountedAndSaidSo() throws IOException {
        Path trace = dir.resolve("last.strace");
        Files.writeString(trace, smallWrites(3) + "100 write(3</tmp/out>, \"abc\", 3) = 3");
        IopsReport r = Iops.analyze(trace);
        assertThat(r.writeOps()).isEqualTo(4);
        assertThat(r.bytesWritten()).isEqualTo(27);
        assertThat(r.notes()).contains("strace: the last line (36 B) has no newline: it was read as it is; if the "
                + "file was cut there, its call may be cut too");
    }

    @Test
    void aLastLineCutInsideItsCallIsNotCountedAndSaidSo() throws IOException {
        Path trace = dir.resolve("cut.strace");
        Files.writeString(trace, smallWrites(3) + "100 write(3</tmp/out>, \"abc\", 3");
        IopsReport r = Iops.analyze(trace);
        assertThat(r.writeOps()).isEqualTo(3);
        assertThat(r.notes()).containsExactly(r.notes().get(0), "strace: 1 of 4 lines (31 B) could not be read as "
                + "strace's and were skipped (the first is line 4, at byte 126; the last has no newline: the file may "
                + "have been cut there)");
    }

    @Test
    void randomBytesAfterValidLinesAreSkippedWithANoteThatCountsThemWithoutQuotingThem() throws IOException {
        Path trace = dir.resolve("tail.strace");
        byte[] valid = ascii(smallWrites(10));
        byte[] noise = new byte[100_000];
        new Random(19).nextBytes(noise);
        Files.write(trace, valid);
        Files.write(trace, noise, StandardOpenOption.APPEND);
        IopsReport r = Iops.analyze(trace);
        assertThat(r.writeOps()).isEqualTo(10);
        long noiseLines = 0;
        for (byte b : noise) {
            noiseLines += b == '\n' ? 1 : 0;
        }
        boolean endsInNewline = noise[noise.length - 1] == '\n';
        long skipped = noiseLines + (endsInNewline ? 0 : 1);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).isEqualTo("strace: " + skipped + " of " + (10 + skipped)
                + " lines (100,000 B) could not be read as strace's and were skipped (the first is line 11, at byte "
                + valid.length + (endsInNewline ? ")"
                : "; the last has no newline: the file may have been cut there)")));
        assertThat(notes(r)).as("no raw bytes in a note").matches("[\\x20-\\x7e\\n]*");
    }

    @Test
    void aFailedCallWithAnErrnoNumberInsteadOfItsNameIsAnError() throws IOException {
        Path trace = dir.resolve("errno.strace");
        // strace -X raw, or an errno strace has no name for: "= -5" alone; and an -X verbose one
        Files.writeString(trace, "100 write(3, \"x\", 1) = -5\n"
                + "100 read(3, 0x7ffd, 1)                  = -5 <0.000010>\n"
                + "100 write(3, \"x\", 1) = -1 EIO (Input/output error)\n");
        IopsReport r = Iops.analyze(trace);
        assertThat(r.detail().orElseThrow().errors()).as(notes(r)).isEqualTo(3);
        assertThat(r.totalOps()).isZero();
        assertThat(r.notes()).singleElement().asString().startsWith(READ_FROM);
    }

    @Test
    void sizesNearTwoToTheSixtyThirdDoNotOverflowTheTotalsButAreSaidToBeImpossible() throws IOException {
        Path trace = dir.resolve("huge.strace");
        Files.writeString(trace, "100 write(3, \"x\", 1) = 9223372036854775000\n"
                + "100 write(3, \"x\", 1) = 9223372036854775000\n"
                + "100 read(3, \"x\", 1) = 99999999999999999999999\n"
                + smallWrites(2));
        IopsReport r = Iops.analyze(trace);
        assertThat(r.writeOps()).as(notes(r)).isEqualTo(2);
        assertThat(r.bytesWritten()).isEqualTo(16);
        assertThat(r.readOps()).isZero();
        assertThat(r.notes()).contains("strace: 3 operations were not counted: each claims more than 2,147,479,552 "
                + "B, the most one Linux system call moves; the trace is damaged");
    }

    @Test
    void aTraceThatGrowsWhileItIsReadIsReadUpToItsSizeAtTheStart() throws IOException {
        Path trace = dir.resolve("growing.strace");
        Files.writeString(trace, smallWrites(1000));
        long size = Files.size(trace);
        byte[] more = ascii(smallWrites(2));
        long[] appended = {0};
        // each operation read makes the file grow by two more: a reader that follows the file never ends
        OpSink growing = op -> {
            if (appended[0] < 200_000) {
                try {
                    Files.write(trace, more, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                appended[0] += 2;
            }
        };
        long[] ops = {0};
        RecordingResult result = new StraceTraceFormat().parse(trace, op -> {
            ops[0]++;
            growing.accept(op);
        });
        assertThat(ops[0]).isEqualTo(1000);
        assertThat(result.notes()).containsExactly("strace: read up to " + String.format("%,d", size)
                + " B, the file's size when the reading began; it grew while it was read, to "
                + String.format("%,d", Files.size(trace)) + " B: the rest was not read");
    }

    @Test
    void aFileOfRandomBytesIsRefusedWithoutQuotingThem() throws IOException {
        Path noise = dir.resolve("noise.bin");
        byte[] b = new byte[10_000];
        new Random(7).nextBytes(b);
        b[0] = 0x7f;
        b[1] = 'E';
        b[2] = 'L';
        b[3] = 'F';
        Files.write(noise, b);
        assertThatThrownBy(() -> Iops.analyze(noise)).isInstanceOf(UnreadableTraceException.class)
                .hasMessageStartingWith(noise + " is not a trace iops can read (it is binary; its first bytes: 7f 45 "
                        + "4c 46 ")
                .satisfies(e -> assertThat(e.getMessage()).matches("[\\x20-\\x7e]*"));
    }

    @Test
    void anEmptyFileIsRefusedAsEmpty() throws IOException {
        Path empty = Files.createFile(dir.resolve("empty.strace"));
        assertThatThrownBy(() -> Iops.analyze(empty)).isInstanceOf(UnreadableTraceException.class)
                .hasMessageStartingWith(empty + " is empty: there is no trace to read.");
    }

    @Test
    void linesOfOtherCallsSignalsExitsAndDataDumpsAreNotSkippedLines() throws IOException {
        Path trace = dir.resolve("other.strace");
        Files.writeString(trace, String.join("\n",
                "4242 execve(\"/bin/dd\", [\"dd\", \"bs=8M\"], 0x7ffe /* 30 vars */) = 0",
                "4242 mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0) = 0x7f1c9c6e4000",
                "4242 restart_syscall(<... resuming interrupted read ...>) = 0",
                "4242 clone3({flags=CLONE_VM, child_tid=0x7f} => {parent_tid=[4243]}, 88) = 4243",
                "4243 futex(0x7f, FUTEX_WAIT_PRIVATE, 0, NULL <unfinished ...>",
                "4242 write(1, \"hi\\n\", 3) = 3",
                " | 00000  68 69 0a                                         hi.              |",
                "4242 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=4244} ---",
                "4243 <... futex resumed>) = ? ERESTARTSYS (To be restarted if SA_RESTART is set)",
                "4243 +++ exited with 0 +++",
                "4242 +++ killed by SIGKILL (core dumped) +++",
                ""));
        IopsReport r = Iops.analyze(trace);
        assertThat(r.writeOps()).isEqualTo(1);
        assertThat(r.notes()).singleElement().asString().startsWith(READ_FROM);
    }

    @Test
    void traceWindowTakesOpsOnlyWhenTheLineIsWhole() {
        // guards the test helpers above: the small write line is what strace prints
        java.util.List<Op> ops = new java.util.ArrayList<>();
        TraceWindow w = new TraceWindow(null, null, false, java.util.Set.of(), ops::add);
        w.accept(smallWrites(1));
        assertThat(ops).singleElement().extracting(Op::bytes).isEqualTo(8L);
    }
}
