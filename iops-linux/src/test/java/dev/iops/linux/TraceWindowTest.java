package dev.iops.linux;

import dev.iops.TargetKind;
import dev.iops.spi.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/** The parser and window on golden fixtures: real strace 6.1 lines captured on this VM, and crafted ugly cases. */
class TraceWindowTest {
    private static final String BEGIN = "/nonexistent/iops-strace/t-1-begin";
    private static final String END = "/nonexistent/iops-strace/t-2-end";

    private static List<String> fixture(String name) throws IOException {
        try (InputStream in = TraceWindowTest.class.getResourceAsStream("/strace/" + name)) {
            assertThat(in).as(name).isNotNull();
            return List.of(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1).split("\n"));
        }
    }

    /** One op as a line: kind bytes tid target path offset duration ok|failed. */
    private static String show(Op op) {
        return op.kind() + " " + op.bytes() + " " + op.threadId() + " " + op.target() + " " + op.path() + " "
                + op.offsetNanos() + " " + op.durationNanos() + (op.failed() ? " failed" : " ok");
    }

    private static List<String> run(List<String> lines, String begin, String end, boolean threadOnly,
                                    Set<String> excluded) {
        List<String> ops = new ArrayList<>();
        TraceWindow w = new TraceWindow(begin, end, threadOnly, excluded, op -> ops.add(show(op)));
        lines.forEach(w::accept);
        return ops;
    }

    private static List<String> runAll(List<String> lines) {
        return run(lines, null, null, false, Set.of());
    }

    @Test
    void turnsEveryRealStraceLineIntoTheOperationsTheKernelCounts() throws IOException {
        assertThat(runAll(fixture("reference-6.1.txt"))).containsExactly(
                "WRITE 8192 19009 FILE /tmp/work/s-a.dat -1 41000 ok",
                "WRITE 8192 19037 UNKNOWN null -1 -1 ok",
                "WRITE 18 19009 TTY /dev/pts/0 -1 38000 ok",
                "READ 100 19009 FILE /tmp/work/s-a.dat -1 25000 ok",
                "WRITE 10 19009 FILE /tmp/work/s-a.dat -1 21000 ok",
                "READ 100 19037 UNKNOWN null -1 -1 ok",
                "WRITE 300 19009 FILE /tmp/work/s-a.dat -1 71000 ok",
                "READ 300 19009 FILE /tmp/work/s-a.dat -1 22000 ok",
                "READ 5 19034 PIPE pipe:[35050] -1 49726000 ok",
                "WRITE 5 19009 PIPE pipe:[35050] -1 80000 ok",
                "READ 0 19009 PIPE pipe:[35049] -1 33000 failed",
                "READ 8192 19009 FILE /tmp/work/s-a.dat -1 47000 ok",
                "WRITE 8192 19009 FILE /tmp/work/s-b.dat -1 47000 ok",
                "READ 8192 19009 FILE /tmp/work/s-a.dat -1 44000 ok",
                "WRITE 8192 19009 FILE /tmp/work/s-c.dat -1 44000 ok",
                "READ 0 19009 FILE /tmp/work/s-a.dat -1 34000 ok",
                "WRITE 0 19009 FILE /tmp/work/s-c.dat -1 34000 ok",
                "READ 4096 19009 FILE /tmp/work/s-a.dat -1 52000 ok",
                "WRITE 4096 19009 SOCKET socket:[35060] -1 52000 ok",
                "WRITE 1000 19009 SOCKET socket:[35056] -1 48000 ok",
                "READ 1000 19009 SOCKET socket:[35057] -1 38000 ok",
                "WRITE 10 19009 SOCKET socket:[35062] -1 127000 ok",
                "READ 16384 19665 FILE /tmp/work/a.dat -1 49000 ok",
                "WRITE 16384 19665 FILE /tmp/work/b.dat -1 49000 ok",
                "READ 4096 19665 FILE /tmp/work/a.dat -1 35000 ok",
                "WRITE 4096 19665 PIPE pipe:[37265] -1 35000 ok");
    }

    @Test
    void survivesQuotesParenthesesEscapesTruncationInterleavingAndGarbage() throws IOException {
        assertThat(runAll(fixture("ugly.txt"))).containsExactly(
                "WRITE 8 13910 FILE /work/wt-strace/scratch/we ird)\"<>\n\u00e9.dat -1 130000 ok",
                "WRITE 24 13910 FILE /tmp/x.dat -1 10000 ok",
                "WRITE 4096 13910 FILE /tmp/x.dat -1 11000 ok",
                "READ 11 203 FILE /tmp/c.dat -1 8000 ok",
                "READ 2 201 PIPE pipe:[1] -1 20000 ok",
                "WRITE 3 202 FILE /tmp/b.dat -1 29000 ok",
                "WRITE 7 204 UNKNOWN null -1 100000 ok",
                "WRITE 0 13910 SOCKET socket:[77] -1 4000 failed",
                "WRITE 0 13910 FILE /tmp/out.dat -1 3000 failed",
                "WRITE 5 13910 FILE /tmp/x.dat -1 12000 ok",
                "READ 0 13910 FILE /tmp/x.dat -1 2000 ok");
    }

    @Test
    void parsesAFinishedTraceFileOfflineThroughThePublicEntryPoint(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("t.trace");
        Files.write(file, String.join("\n", fixture("reference-6.1.txt")).concat("\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        List<Op> ops = new ArrayList<>();
        assertThat(StraceProfiler.parseTrace(file, ops::add)).isEqualTo(fixture("reference-6.1.txt").size());
        assertThat(ops).hasSize(26);
        assertThat(ops.stream().mapToLong(Op::bytes).sum()).isEqualTo(2 * 8192 + 18 + 100 + 10 + 100 + 300 + 300
                + 5 + 5 + 2 * 8192 + 2 * 8192 + 2 * 4096 + 1000 + 1000 + 10 + 2 * 16384 + 2 * 4096);
    }

    @Test
    void countsGarbageLinesInsideTheWindowWithoutThrowing() throws IOException {
        TraceWindow w = new TraceWindow(null, null, false, Set.of(), op -> { });
        fixture("ugly.txt").forEach(w::accept);
        assertThat(w.garbageLines()).isEqualTo(15); // 10 comment lines and 5 broken ones
        assertThat(w.pendingCalls()).isZero();
    }

    private static final List<String> WINDOW = List.of(
            "1 100.000000 write(3</tmp/a>, \"x\", 1) = 1 <0.000001>",
            "2 100.000050 read(5<pipe:[9]>,  <unfinished ...>",
            "1 100.000100 readlink(\"" + BEGIN + "\", 0x7f, 4097) = -1 ENOENT (No such file or directory) <0.000002>",
            "2 100.000150 write(4</tmp/b>, \"x\", 1) = 1 <0.000001>",
            "1 100.000200 write(3</tmp/a>, \"xy\", 2) = 2 <0.000003>",
            "2 100.000210 <... read resumed>\"abc\", 64) = 3 <0.000160>",
            "1 100.000250 pread64(9</tmp/iops-strace-1.trace>, \"1 100\"..., 65536, 0) = 100 <0.000001>",
            "1 100.000300 readlink(\"" + END + "\",  <unfinished ...>",
            "2 100.000350 write(4</tmp/b>, \"x\", 1) = 1 <0.000001>",
            "1 100.000400 <... readlink resumed>0x7f, 4097) = -1 ENOENT (No such file or directory) <0.000002>",
            "1 100.000500 write(3</tmp/a>, \"x\", 1) = 1 <0.000001>");

    @Test
    void countsOnlyBetweenTheMarkersWithOffsetsFromTheBeginMarker() {
        assertThat(run(WINDOW, BEGIN, END, false, Set.of())).containsExactly(
                "WRITE 1 2 FILE /tmp/b 50000 1000 ok",
                "WRITE 2 1 FILE /tmp/a 100000 3000 ok",
                "READ 3 2 PIPE pipe:[9] 0 160000 ok", // in flight when the window opened: counted at completion
                "READ 100 1 FILE /tmp/iops-strace-1.trace 150000 1000 ok");
    }

    @Test
    void threadScopeCountsOnlyTheThreadThatOpenedTheWindow() {
        assertThat(run(WINDOW, BEGIN, END, true, Set.of())).containsExactly(
                "WRITE 2 1 FILE /tmp/a 100000 3000 ok",
                "READ 100 1 FILE /tmp/iops-strace-1.trace 150000 1000 ok");
    }

    @Test
    void neverCountsTheLibrarysOwnTraceFile() {
        assertThat(run(WINDOW, BEGIN, END, true, Set.of("/tmp/iops-strace-1.trace")))
                .containsExactly("WRITE 2 1 FILE /tmp/a 100000 3000 ok");
    }

    @Test
    void countsNothingWhenTheBeginMarkerNeverCame() {
        TraceWindow w = new TraceWindow("/nonexistent/iops-strace/other-begin", END, false, Set.of(), op -> {
            throw new AssertionError("no operation expected: " + show(op));
        });
        WINDOW.forEach(w::accept);
        assertThat(w.begun()).isFalse();
        assertThat(w.ended()).isFalse();
    }

    @Test
    void computesOffsetsAcrossMidnightWithWallClockStamps() {
        List<String> lines = List.of(
                "7 23:59:59.999000 readlink(\"" + BEGIN + "\", 0x7f, 4097) = -1 ENOENT (No such file or directory)",
                "7 00:00:00.001000 write(1</dev/pts/0>, \"hi\\n\", 3) = 3",
                "7 00:00:00.002000 readlink(\"" + END + "\", 0x7f, 4097) = -1 ENOENT (No such file or directory)");
        assertThat(run(lines, BEGIN, END, true, Set.of())).containsExactly("WRITE 3 7 TTY /dev/pts/0 2000000 -1 ok");
    }

    @Test
    void readsLinesWithoutThreadIdOrTimeAndProtocolNamedSockets() {
        assertThat(runAll(List.of(
                "write(1</dev/pts/3>, \"hi\\n\", 3)                 = 3",
                "12:00:00.000001 read(0</dev/pts/3>, \"x\", 1) = 1 <0.000010>",
                "77 sendmsg(5<TCP:[127.0.0.1:40000->127.0.0.1:8080]>, {msg_name=NULL, msg_iov=[{iov_base=\"GET /\", "
                        + "iov_len=5}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, MSG_NOSIGNAL) = 5",
                "77 recvfrom(5<UNIX-STREAM:[123->124]>, \"ok\", 8192, 0, NULL, NULL) = 2",
                "77 splice(3</tmp/a>, NULL, 6<pipe:[9]>, NULL, 65536, SPLICE_F_MOVE) = -1 EAGAIN (Resource temporarily unavailable)")))
                .containsExactly(
                        "WRITE 3 -1 TTY /dev/pts/3 -1 -1 ok",
                        "READ 1 -1 TTY /dev/pts/3 -1 10000 ok",
                        "WRITE 5 77 SOCKET TCP:[127.0.0.1:40000->127.0.0.1:8080] -1 -1 ok",
                        "READ 2 77 SOCKET UNIX-STREAM:[123->124] -1 -1 ok",
                        "WRITE 0 77 PIPE pipe:[9] -1 -1 failed");
    }

    @Test
    void classifiesDescriptorTargets() {
        assertThat(TraceWindow.classify("/tmp/a.dat")).isEqualTo(TargetKind.FILE);
        assertThat(TraceWindow.classify("/dev/shm/x")).isEqualTo(TargetKind.FILE);
        assertThat(TraceWindow.classify("/dev/vda")).isEqualTo(TargetKind.FILE);
        assertThat(TraceWindow.classify("pipe:[35050]")).isEqualTo(TargetKind.PIPE);
        assertThat(TraceWindow.classify("socket:[35056]")).isEqualTo(TargetKind.SOCKET);
        assertThat(TraceWindow.classify("TCP:[127.0.0.1:4000->127.0.0.1:8080]")).isEqualTo(TargetKind.SOCKET);
        assertThat(TraceWindow.classify("/dev/pts/0")).isEqualTo(TargetKind.TTY);
        assertThat(TraceWindow.classify("/dev/tty")).isEqualTo(TargetKind.TTY);
        assertThat(TraceWindow.classify("/dev/null")).isEqualTo(TargetKind.OTHER);
        assertThat(TraceWindow.classify("anon_inode:[eventfd]")).isEqualTo(TargetKind.OTHER);
        assertThat(TraceWindow.classify("")).isEqualTo(TargetKind.UNKNOWN);
    }

    @Test
    void unescapesStracePaths() {
        byte[] b = "a\\\"b\\74\\76\\n\\303\\251\\x41\\\\".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(TraceWindow.unescape(b, 0, b.length)).isEqualTo("a\"b<>\n\u00e9A\\");
    }

    @Test
    void neverThrowsOnRandomBytesOrOnAnyPrefixOfARealLine() throws IOException {
        TraceWindow w = new TraceWindow(null, null, false, Set.of(), op -> assertThat(op.bytes()).isNotNegative());
        Random random = new Random(42);
        byte[] alphabet = "0123456789 .:<>()[]{}\"\\,=?-+_abcdefghijklmnopqrstuvwxyz\n\0\377".getBytes(
                StandardCharsets.ISO_8859_1);
        for (int i = 0; i < 20_000; i++) {
            byte[] line = new byte[random.nextInt(120)];
            for (int j = 0; j < line.length; j++) {
                line[j] = random.nextBoolean() ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt();
            }
            assertThatCode(() -> w.accept(line, 0, line.length)).doesNotThrowAnyException();
        }
        List<String> real = new ArrayList<>(fixture("reference-6.1.txt"));
        real.addAll(fixture("ugly.txt"));
        for (String line : real) {
            for (int cut = 0; cut <= line.length(); cut++) {
                String prefix = line.substring(0, cut);
                assertThatCode(() -> w.accept(prefix)).as(prefix).doesNotThrowAnyException();
            }
        }
    }
}
