package dev.iops.linux;

import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The perf decoder on real {@code perf script --ns -F trace:pid,tid,time,event,trace} output. The fixture
 * {@code perf/python-workload.script.txt} was recorded on this project's VM (perf 6.1, x86-64) with
 * {@code perf record -k CLOCK_MONOTONIC -e raw_syscalls:sys_enter/exit --filter <the provider's filter> --
 * python3 perf/python-workload.py}; the script printed the facts below (descriptors, process and thread ids, its
 * CLOCK_MONOTONIC window) and its header states the truth inside the window.
 */
class PerfWindowTest {
    private static final long BEGIN = 1_062_285_135_999L;
    private static final long END = 1_062_308_615_068L;
    private static final long PID = 3866;
    private static final long MAIN = 3866;
    private static final long WORKER_0 = 3907;
    private static final long WORKER_1 = 3908;
    private static final String PRE = "/tmp/perffix/pre.bin";
    private static final String DATA = "/tmp/perffix/data.bin";
    private static final String COPY = "/tmp/perffix/copy.bin";
    /** /proc/self/fd at the window's start: pre.bin on 3. At its end: data.bin on 3 (reused twice), copy.bin on 5. */
    private static final LongFunction<TraceWindow.Target> START_FDS = fd -> fd == 3 ? ProcFds.target(PRE) : null;
    private static final LongFunction<TraceWindow.Target> END_FDS = fd -> fd == 3 ? ProcFds.target(DATA)
            : fd == 5 ? ProcFds.target(COPY) : null;

    private static List<String> fixture() {
        try {
            return Files.readAllLines(Path.of(PerfWindowTest.class.getResource("/perf/python-workload.script.txt")
                    .toURI()), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Op> decode(long begin, long end, long tid, Predicate<String> ownPath,
                                   PerfWindow.OwnTime ownTime) {
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, begin, end, tid, PID, START_FDS, END_FDS, ownPath,
                pid -> false, ownTime, ops::add);
        fixture().forEach(w::accept);
        w.finish();
        assertThat(w.garbage()).as("lines not understood").isZero();
        return ops;
    }

    /** The same window, decoded from the recording's perf.data by the provider's Java reader. */
    private static List<Op> windowFromPerfData() throws IOException, java.net.URISyntaxException {
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, BEGIN, END, -1, PID, START_FDS, END_FDS, p -> false,
                pid -> false, PerfWindow.OwnTime.NONE, ops::add);
        try (java.nio.channels.FileChannel data = java.nio.channels.FileChannel.open(Path.of(
                PerfWindowTest.class.getResource("/perf/python-workload.data").toURI()))) {
            PerfData.Summary summary = PerfData.read(data, w);
            assertThat(summary.lost()).isZero();
            assertThat(summary.skipped()).isZero();
            assertThat(summary.samples()).isEqualTo(fixture().size());
        }
        w.finish();
        return ops;
    }

    @Test
    void theJavaReaderOfPerfDataGivesExactlyWhatPerfScriptPrints() throws Exception {
        // python-workload.script.txt is perf script's output of python-workload.data
        assertThat(windowFromPerfData()).containsExactlyElementsOf(window());
    }

    private static List<Op> window() {
        return decode(BEGIN, END, -1, p -> false, PerfWindow.OwnTime.NONE);
    }

    private static long count(List<Op> ops, OpKind kind, String path) {
        return ops.stream().filter(o -> !o.failed() && o.kind() == kind && (path == null || path.equals(o.path())))
                .count();
    }

    private static long bytes(List<Op> ops, OpKind kind, String path) {
        return ops.stream().filter(o -> !o.failed() && o.kind() == kind && (path == null || path.equals(o.path())))
                .mapToLong(Op::bytes).sum();
    }

    @Test
    void windowOfTheRecordedWorkloadIsExactPerPath() {
        List<Op> ops = window();
        assertThat(count(ops, OpKind.WRITE, DATA)).isEqualTo(12);
        assertThat(bytes(ops, OpKind.WRITE, DATA)).isEqualTo(10 * 4096 + 100 + 30);
        assertThat(count(ops, OpKind.READ, DATA)).as("7 reads to end of file and sendfile's read").isEqualTo(8);
        assertThat(bytes(ops, OpKind.READ, DATA)).isEqualTo(40_990 + 5000);
        assertThat(count(ops, OpKind.WRITE, COPY)).isEqualTo(1);
        assertThat(bytes(ops, OpKind.WRITE, COPY)).isEqualTo(5000);
        assertThat(count(ops, OpKind.WRITE, PRE)).as("open at the start, closed inside").isEqualTo(2);
        assertThat(bytes(ops, OpKind.WRITE, PRE)).isEqualTo(100);
        assertThat(ops).filteredOn(o -> o.path() != null).allMatch(o -> o.target() == TargetKind.FILE)
                .extracting(Op::path).containsOnly(PRE, DATA, COPY);
    }

    @Test
    void aDescriptorOpenedAndClosedInsideHasNoPathEvenWhenItsNumberIsReused() {
        // first.bin had descriptor 3 between pre.bin and data.bin: neither path may be given to its 3 writes
        assertThat(window()).filteredOn(o -> o.threadId() == MAIN && o.path() == null && !o.failed())
                .hasSize(3).allMatch(o -> o.bytes() == 7 && o.kind() == OpKind.WRITE);
    }

    @Test
    void windowOfTheRecordedWorkloadIsExactInTotal() {
        List<Op> ops = window();
        assertThat(count(ops, OpKind.WRITE, null)).isEqualTo(2 + 3 + 12 + 1 + 100);
        assertThat(bytes(ops, OpKind.WRITE, null)).isEqualTo(100 + 21 + 41_090 + 5000 + 150);
        assertThat(count(ops, OpKind.READ, null)).isEqualTo(8);
        assertThat(bytes(ops, OpKind.READ, null)).isEqualTo(45_990);
        assertThat(ops).filteredOn(Op::failed).singleElement()
                .satisfies(o -> assertThat(o.kind()).isEqualTo(OpKind.WRITE))
                .satisfies(o -> assertThat(o.bytes()).isZero());
    }

    @Test
    void workersDescriptorsOpenedAndClosedInsideHaveNoPath() {
        List<Op> ops = window();
        assertThat(ops).filteredOn(o -> o.threadId() == WORKER_0 || o.threadId() == WORKER_1)
                .hasSize(100).allMatch(o -> o.path() == null && o.target() == TargetKind.UNKNOWN);
    }

    @Test
    void threadWindowCountsOnlyThatThread() {
        List<Op> main = decode(BEGIN, END, MAIN, p -> false, PerfWindow.OwnTime.NONE);
        assertThat(count(main, OpKind.WRITE, null)).isEqualTo(2 + 3 + 13);
        assertThat(bytes(main, OpKind.WRITE, null)).isEqualTo(100 + 21 + 41_090 + 5000);
        List<Op> w0 = decode(BEGIN, END, WORKER_0, p -> false, PerfWindow.OwnTime.NONE);
        List<Op> w1 = decode(BEGIN, END, WORKER_1, p -> false, PerfWindow.OwnTime.NONE);
        assertThat(w0).hasSize(50).allMatch(o -> o.threadId() == WORKER_0);
        assertThat(w1).hasSize(50).allMatch(o -> o.threadId() == WORKER_1);
        assertThat(bytes(w0, OpKind.WRITE, null) + bytes(w1, OpKind.WRITE, null)).isEqualTo(50 + 100);
    }

    @Test
    void callsOutsideTheWindowAreNotCounted() {
        List<Op> all = decode(Long.MIN_VALUE, Long.MAX_VALUE, -1, p -> false, PerfWindow.OwnTime.NONE);
        // python's start-up reads its libraries and modules before the window; the json dump writes after it
        assertThat(count(all, OpKind.READ, null)).isGreaterThan(8);
        assertThat(all).allMatch(o -> o.offsetNanos() == -1);
        assertThat(window()).allMatch(o -> o.offsetNanos() >= 0 && o.offsetNanos() <= END - BEGIN)
                .allMatch(o -> o.durationNanos() >= 0);
    }

    @Test
    void ownPathsAndOwnStretchesAreDropped() {
        List<Op> ownData = decode(BEGIN, END, -1, DATA::equals, PerfWindow.OwnTime.NONE);
        assertThat(ownData).noneMatch(o -> DATA.equals(o.path()));
        assertThat(count(ownData, OpKind.WRITE, COPY)).isEqualTo(1);
        assertThat(ownData).hasSize(window().size() - 20); // 12 writes and 8 reads on data.bin
        List<Op> ownWorker = decode(BEGIN, END, -1, p -> false, (tid, nanos) -> tid == WORKER_0);
        assertThat(ownWorker).noneMatch(o -> o.threadId() == WORKER_0).hasSize(window().size() - 50);
    }

    @Test
    void pairsPerThreadDropsUnpairedHalvesAndReadsSignedResults() {
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, 0, Long.MAX_VALUE, -1, -1, null, null, p -> false,
                p -> false, PerfWindow.OwnTime.NONE, ops::add);
        w.accept("  7     1.000000100:  raw_syscalls:sys_exit: NR 1 = 4096"); // entered before the window
        w.accept("  8     1.000000200: raw_syscalls:sys_enter: NR 0 (a, 7f00, 1000, 0, 0, 0)");
        w.accept("  9     1.000000300: raw_syscalls:sys_enter: NR 1 (b, 7f00, 10, 0, 0, 0)");
        w.accept("  8     1.000000400:  raw_syscalls:sys_exit: NR 0 = 4096");
        w.accept("  9     1.000000500:  raw_syscalls:sys_exit: NR 1 = -11");
        w.accept(" 10     1.000000600: raw_syscalls:sys_enter: NR 1 (c, 7f00, 10, 0, 0, 0)"); // never returned
        w.accept("not perf output");
        assertThat(ops).containsExactly(
                new Op(OpKind.READ, 4096, 8, TargetKind.UNKNOWN, null, 1_000_000_200L, 200, false),
                new Op(OpKind.WRITE, 0, 9, TargetKind.UNKNOWN, null, 1_000_000_300L, 200, true));
        assertThat(w.unpairedExits()).isEqualTo(1);
        assertThat(w.garbage()).isEqualTo(1);
    }

    @Test
    void readsPerfScriptsDefaultFieldsWithACommandNameThatHasSpaces() {
        List<Op> ops = new ArrayList<>();
        PerfWindow w = PerfWindow.offline(PerfSyscalls.X86_64, ops::add);
        w.accept("    my worker 1  6963 [001]  1234.567890: raw_syscalls:sys_enter: NR 1 (3, 7f00, 40, 0, 0, 0)");
        w.accept("    my worker 1  6963 [000]  1234.567900:  raw_syscalls:sys_exit: NR 1 = 40");
        assertThat(ops).containsExactly(new Op(OpKind.WRITE, 40, 6963, TargetKind.UNKNOWN, null, -1, 10_000, false));
        assertThat(w.garbage()).isZero();
    }

    @Test
    void decodesDescriptorArgumentsAsHexadecimal() {
        List<Long> asked = new ArrayList<>();
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, Long.MIN_VALUE, Long.MAX_VALUE, -1, 1, fd -> {
            asked.add(fd);
            return ProcFds.target("/x/" + fd);
        }, fd -> null, p -> false, p -> false, PerfWindow.OwnTime.NONE, o -> { });
        w.accept("1 1.000000001: raw_syscalls:sys_enter: NR 40 (1f, 1a, 0, 10, 0, 0)"); // sendfile(31, 26, ...)
        w.accept("1 1.000000002:  raw_syscalls:sys_exit: NR 40 = 16");
        assertThat(asked).containsExactly(26L, 31L); // read of in_fd, then write of out_fd
    }

    @Test
    void genericTableNumbersAreUsedOnArm64AndRiscv() {
        assertThat(PerfSyscalls.forArch("aarch64")).isSameAs(PerfSyscalls.GENERIC);
        assertThat(PerfSyscalls.forArch("riscv64")).isSameAs(PerfSyscalls.GENERIC);
        assertThat(PerfSyscalls.forArch("amd64")).isSameAs(PerfSyscalls.X86_64);
        assertThat(PerfSyscalls.forArch("s390x")).isNull();
        List<Op> ops = new ArrayList<>();
        for (PerfSyscalls table : List.of(PerfSyscalls.GENERIC, PerfSyscalls.X86_64)) {
            PerfWindow w = PerfWindow.offline(table, ops::add);
            w.accept("1 1.000000001: raw_syscalls:sys_enter: NR 64 (1, 7f00, 5, 0, 0, 0)");
            w.accept("1 1.000000002:  raw_syscalls:sys_exit: NR 64 = 5");
        }
        // 64 is write on the generic table and semop on x86-64
        assertThat(ops).singleElement().satisfies(o -> assertThat(o.kind()).isEqualTo(OpKind.WRITE));
    }

    @Test
    void everyTracedCallHasANumberOnEveryArchitecture() {
        for (PerfSyscalls table : List.of(PerfSyscalls.X86_64, PerfSyscalls.GENERIC)) {
            int found = 0;
            for (int nr = 0; nr < 512; nr++) {
                if (table.lookup(nr) != null) {
                    found++;
                }
            }
            assertThat(found).as(table.toString()).isEqualTo(Syscall.values().length - 1); // all but the marker
        }
        // the I/O calls, and close (3), dup2 (33), dup3 (292), close_range (436) to follow descriptors
        assertThat(PerfSyscalls.X86_64.filter()).isEqualTo("id == 0 || id == 1 || id == 3 || id == 17 || id == 18 "
                + "|| id == 19 || id == 20 || id == 33 || id == 40 || id == 44 || id == 45 || id == 46 || id == 47 "
                + "|| id == 275 || id == 292 || id == 295 || id == 296 || id == 326 || id == 327 || id == 328 "
                + "|| id == 436");
    }

    @Test
    void childProcessesHaveNoPathAndOwnProcessesAreDropped() {
        String[] lines = {
            "  100/100   1.000000001: raw_syscalls:sys_enter: NR 1 (3, 7f00, 5, 0, 0, 0)",
            "  100/100   1.000000002:  raw_syscalls:sys_exit: NR 1 = 5",
            "  200/200   1.000000003: raw_syscalls:sys_enter: NR 3 (3, 0, 0, 0, 0, 0)", // a child closes its own 3
            "  200/200   1.000000004:  raw_syscalls:sys_exit: NR 3 = 0",
            "  200/200   1.000000005: raw_syscalls:sys_enter: NR 1 (3, 7f00, 6, 0, 0, 0)",
            "  200/200   1.000000006:  raw_syscalls:sys_exit: NR 1 = 6",
            "  300/301   1.000000007: raw_syscalls:sys_enter: NR 1 (3, 7f00, 7, 0, 0, 0)",
            "  300/301   1.000000008:  raw_syscalls:sys_exit: NR 1 = 7",
            "  100/100   1.000000009: raw_syscalls:sys_enter: NR 1 (3, 7f00, 8, 0, 0, 0)",
            "  100/100   1.000000010:  raw_syscalls:sys_exit: NR 1 = 8",
        };
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, 0, Long.MAX_VALUE, -1, 100,
                fd -> fd == 3 ? ProcFds.target("/a") : null, fd -> fd == 3 ? ProcFds.target("/a") : null,
                p -> false, pid -> pid == 300, PerfWindow.OwnTime.NONE, ops::add);
        for (String l : lines) {
            w.accept(l);
        }
        w.finish();
        assertThat(ops).extracting(Op::bytes, Op::path).containsExactly(
                org.assertj.core.groups.Tuple.tuple(5L, "/a"), org.assertj.core.groups.Tuple.tuple(6L, null),
                org.assertj.core.groups.Tuple.tuple(8L, "/a"));
    }

    @Test
    void heldOperationsBeyondTheBoundAreCountedWithoutAPath() {
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, 0, Long.MAX_VALUE, -1, 1, fd -> null,
                fd -> ProcFds.target("/end"), p -> false, p -> false, PerfWindow.OwnTime.NONE, ops::add);
        int n = PerfWindow.MAX_HELD + 10;
        for (int i = 0; i < n; i++) {
            w.accept("1/1 1.000000001: raw_syscalls:sys_enter: NR 1 (4, 7f00, 1, 0, 0, 0)");
            w.accept("1/1 1.000000002:  raw_syscalls:sys_exit: NR 1 = 1");
        }
        w.finish();
        assertThat(ops).hasSize(n);
        assertThat(ops).filteredOn(o -> "/end".equals(o.path())).hasSize(PerfWindow.MAX_HELD);
        assertThat(w.unresolved()).isEqualTo(10);
    }

    @Test
    void descriptorLinksAreClassified() {
        assertThat(ProcFds.target("pipe:[123]")).isEqualTo(new TraceWindow.Target("pipe:[123]", TargetKind.PIPE));
        assertThat(ProcFds.target("/tmp/x (deleted)")).isEqualTo(new TraceWindow.Target("/tmp/x", TargetKind.FILE));
        assertThat(Map.of(1, ProcFds.target("socket:[9]").kind())).containsEntry(1, TargetKind.SOCKET);
    }
}
