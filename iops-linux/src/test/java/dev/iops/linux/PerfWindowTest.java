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
 * The perf decoder on real {@code perf script} output. The fixture {@code perf/python-workload.script.txt} was
 * recorded on this project's VM (perf 6.1, x86-64) with {@code perf record -k CLOCK_MONOTONIC -e
 * raw_syscalls:sys_enter/exit --filter <the provider's filter> -- python3 perf/python-workload.py}; the script
 * printed the facts below (descriptors, thread ids and its CLOCK_MONOTONIC window), and its comments state the
 * truth: 10 x 4096 B write, a 100 B pwrite64, a 30 B writev, reads of 8192 B to end of file (7 calls, 40,990 B),
 * a 5000 B sendfile to a second file, one write to a bad descriptor (EBADF) and two threads writing 50 x 1 B and
 * 50 x 2 B to files they open and close themselves.
 */
class PerfWindowTest {
    private static final long BEGIN = 655_522_060_348L;
    private static final long END = 655_523_140_300L;
    private static final long MAIN = 21232;
    private static final long WORKER_0 = 21319;
    private static final long WORKER_1 = 21320;
    private static final String DATA = "/tmp/perffix/data.bin";
    private static final String COPY = "/tmp/perffix/copy.bin";
    private static final LongFunction<TraceWindow.Target> FDS = fd -> fd == 3 ? ProcFds.target(DATA)
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
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, begin, end, tid, FDS, ownPath, ownTime, ops::add);
        fixture().forEach(w::accept);
        assertThat(w.garbage()).as("lines not understood").isZero();
        return ops;
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
        assertThat(ops).filteredOn(o -> o.path() != null).allMatch(o -> o.target() == TargetKind.FILE);
    }

    @Test
    void windowOfTheRecordedWorkloadIsExactInTotal() {
        List<Op> ops = window();
        assertThat(count(ops, OpKind.WRITE, null)).isEqualTo(12 + 1 + 100);
        assertThat(bytes(ops, OpKind.WRITE, null)).isEqualTo(41_090 + 5000 + 150);
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
        assertThat(count(main, OpKind.WRITE, null)).isEqualTo(13);
        assertThat(bytes(main, OpKind.WRITE, null)).isEqualTo(41_090 + 5000);
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
        List<Op> ownWorker = decode(BEGIN, END, -1, p -> false, (tid, nanos) -> tid == WORKER_0);
        assertThat(ownWorker).noneMatch(o -> o.threadId() == WORKER_0).hasSize(window().size() - 50);
    }

    @Test
    void pairsPerThreadDropsUnpairedHalvesAndReadsSignedResults() {
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, 0, Long.MAX_VALUE, -1, fd -> null, p -> false,
                PerfWindow.OwnTime.NONE, ops::add);
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
    void decodesDescriptorArgumentsAsHexadecimal() {
        List<Long> asked = new ArrayList<>();
        PerfWindow w = new PerfWindow(PerfSyscalls.X86_64, Long.MIN_VALUE, Long.MAX_VALUE, -1, fd -> {
            asked.add(fd);
            return ProcFds.target("/x/" + fd);
        }, p -> false, PerfWindow.OwnTime.NONE, o -> { });
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
            PerfWindow w = new PerfWindow(table, Long.MIN_VALUE, Long.MAX_VALUE, -1, fd -> null, p -> false,
                    PerfWindow.OwnTime.NONE, ops::add);
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
        assertThat(PerfSyscalls.X86_64.filter()).isEqualTo("id == 0 || id == 1 || id == 17 || id == 18 || "
                + "id == 19 || id == 20 || id == 40 || id == 44 || id == 45 || id == 46 || id == 47 || id == 275 || "
                + "id == 295 || id == 296 || id == 326 || id == 327 || id == 328");
    }

    @Test
    void descriptorLinksAreClassified() {
        assertThat(ProcFds.target("pipe:[123]")).isEqualTo(new TraceWindow.Target("pipe:[123]", TargetKind.PIPE));
        assertThat(ProcFds.target("/tmp/x (deleted)")).isEqualTo(new TraceWindow.Target("/tmp/x", TargetKind.FILE));
        assertThat(Map.of(1, ProcFds.target("socket:[9]").kind())).containsEntry(1, TargetKind.SOCKET);
    }
}
