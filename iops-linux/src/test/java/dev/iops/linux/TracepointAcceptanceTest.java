package dev.iops.linux;

import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.spi.Op;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * The in-process tracepoint reader on real I/O, beyond the compatibility kit: the default as root, the cell the
 * Python tool is measured on, threads and processes started inside the block, overflowing buffers, and what 500
 * sessions leave behind.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TracepointAcceptanceTest {
    @TempDir
    Path dir;

    @BeforeEach
    void usable() {
        ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals(TracepointProfiler.NAME))
                .findFirst().orElseThrow();
        assumeThat(info.usable()).as("tracepoints: " + info.reason()).isTrue();
    }

    /** 1000 x 4 KiB FileOutputStream writes, then read back 4 KiB at a time: 1000 writes, 1001 reads. */
    private static void cell(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < 1000; i++) {
                out.write(block);
            }
        }
        try (InputStream in = Files.newInputStream(file)) {
            while (in.read(block) >= 0) {
                // read to the end
            }
        }
    }

    @Test
    void isTheDefaultAsRootAndExactOnTheNotebookCell() throws Exception {
        Path file = dir.resolve("cell.bin");
        cell(file);
        Iops.measure(() -> cell(file)); // the first default session of this JVM loads the JDK classes it uses
        IopsReport r = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            r = Workloads.whileHarnessQuiet(() -> Iops.measure(() -> cell(file)));
            // the JIT can make the block's thread load a JDK class (a read of the runtime image, lib/modules, whose
            // descriptor is always open, so it is always named): real I/O, but not the cell's; measured again
            if (r.detail().orElseThrow().topPaths().stream().noneMatch(p -> p.path().endsWith("/lib/modules"))) {
                break;
            }
        }
        assertThat(r.profiler()).isEqualTo(TracepointProfiler.NAME);
        assertThat(r.writeOps()).as(r.toText()).isEqualTo(1000);
        assertThat(r.bytesWritten()).isEqualTo(4_096_000);
        assertThat(r.readOps()).as(r.toText()).isEqualTo(1001);
        assertThat(r.bytesRead()).isEqualTo(4_096_000);
    }

    @Test
    void countsAThreadStartedInsideTheBlock() throws Exception {
        Path file = dir.resolve("t.bin");
        Workloads.writeStream(file);
        IopsReport r = Workloads.whileHarnessQuiet(() -> Iops.with().profiler(TracepointProfiler.NAME)
                .scope(Scope.PROCESS).measure(() -> {
                    AtomicReference<IOException> error = new AtomicReference<>();
                    Thread t = new Thread(() -> {
                        try {
                            Workloads.writeStream(file);
                        } catch (IOException e) {
                            error.set(e);
                        }
                    }, "started-inside");
                    t.start();
                    t.join(60_000);
                    if (error.get() != null) {
                        throw error.get();
                    }
                }));
        Workloads.assertExact("a thread started inside the block", r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
    }

    @Test
    void countsTheWritesOfAProcessStartedInsideTheBlock() throws Exception {
        Path file = dir.resolve("dd.bin");
        List<String> dd = List.of("dd", "if=/dev/zero", "of=" + file, "bs=4096", "count=25", "status=none");
        run(dd); // the JVM's first process start loads its classes outside the window
        IopsReport r = Iops.with().profiler(TracepointProfiler.NAME).scope(Scope.PROCESS).histogram()
                .measure(() -> run(dd));
        // dd writes 25 x 4096 B; the JVM's side of starting a process writes far less than one block
        assertThat(r.bytesWritten()).as(r.toText()).isGreaterThanOrEqualTo(25 * 4096L).isLessThan(26 * 4096L);
        assertThat(r.notes()).anyMatch(n -> n.contains("child process"));
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("%s ended", command).isTrue();
            assertThat(p.exitValue()).isZero();
        } finally {
            p.destroyForcibly();
            p.getOutputStream().close();
        }
    }

    @Test
    void buffersThatOverflowGiveAnIncompleteReportNeverAShortOne() throws Exception {
        TracepointProfiler profiler = new TracepointProfiler();
        TracepointRecording.Settings settings = profiler.settings(1, TracepointProfiler.DEFAULT_MAX_EVENTS, false);
        TracepointRecording recording = new TracepointRecording(settings, Scope.THREAD, false); // no draining
        Path file = dir.resolve("o.bin");
        Workloads.writeStream(file);
        List<Op> ops = new ArrayList<>();
        try {
            recording.begin();
            Workloads.writeStream(file); // 1000 calls, ~150 KB of records, into 4 KiB, nobody draining
            assertThatThrownBy(() -> recording.stop(ops::add)).isInstanceOf(RecordingFailedException.class)
                    .hasMessageContaining("dropped").hasMessageContaining(TracepointProfiler.BUFFER_PROPERTY);
        } finally {
            recording.close();
        }
    }

    @Test
    void aNeighbourFloodingIoCallsSinceBeforeTheBlockCostsItNoRecord() throws Exception {
        // One dd per CPU making 1-byte calls without pause: ~10^6 records a second each, filling the default 2 MiB
        // buffers in milliseconds, while the drainer competes with them for the CPUs. They were running before the
        // block, so the kernel filter drops their records (OwnTids) and the block is exact; without that filter
        // these windows failed, lost records.
        TracepointProfiler profiler = new TracepointProfiler();
        TracepointRecording.Settings settings = profiler.settings(TracepointProfiler.DEFAULT_BUFFER_PAGES,
                TracepointProfiler.DEFAULT_MAX_EVENTS, false);
        List<Process> flood = new ArrayList<>();
        Path file = dir.resolve("n.bin");
        Workloads.writeStream(file);
        try {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                flood.add(new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=1")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            for (int session = 0; session < 5; session++) {
                TracepointRecording recording = new TracepointRecording(settings, Scope.THREAD, true);
                List<Op> ops = new ArrayList<>();
                try {
                    recording.begin();
                    Workloads.writeStream(file);
                    recording.stop(ops::add);
                } finally {
                    recording.close();
                }
                List<Op> writes = ops.stream().filter(o -> o.kind() == dev.iops.OpKind.WRITE).toList();
                assertThat(writes).as("session %d", session).hasSize(Workloads.BLOCKS);
                assertThat(writes.stream().mapToLong(Op::bytes).sum()).isEqualTo(Workloads.TOTAL);
                assertThat(flood).as("the neighbours ran throughout").allMatch(Process::isAlive);
            }
        } finally {
            for (Process p : flood) {
                p.destroyForcibly();
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
        }
    }

    @Test
    void theDrainingThreadRunsAheadOfOrdinaryThreadsAsRoot() throws Exception {
        assumeThat(TracepointProfiler.read("/proc/self/status")).as("root").containsPattern("Uid:\\s+0\\s");
        List<Integer> nice = new ArrayList<>();
        Iops.with().profiler(TracepointProfiler.NAME).measure(() -> {
            try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    String comm = Files.readString(t.resolve("comm")).trim();
                    if (comm.startsWith("iops-tracepoint")) {
                        String stat = Files.readString(t.resolve("stat"));
                        // after "(comm) ": state is field 3; nice is field 19
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        nice.add(Integer.parseInt(f[16]));
                    }
                }
            }
        });
        // an earlier session's drainer may still be releasing its events: it was raised too
        assertThat(nice).as("the drainers' nice values").isNotEmpty()
                .allMatch(n -> n == TracepointRecording.DRAINER_NICE);
    }

    @Test
    void aFileOpenedAndClosedInsideTheBlockHasItsPathWhenResolvedWhileOpen() throws Exception {
        TracepointProfiler profiler = new TracepointProfiler();
        TracepointRecording recording = new TracepointRecording(profiler.settings(
                TracepointProfiler.DEFAULT_BUFFER_PAGES, TracepointProfiler.DEFAULT_MAX_EVENTS, true), Scope.THREAD,
                true);
        Path file = dir.resolve("opened-inside.bin");
        Workloads.writeStream(file);
        List<Op> ops = new ArrayList<>();
        try {
            recording.begin();
            String real = file.toRealPath().toString();
            try (OutputStream out = Files.newOutputStream(file)) {
                // held open until the draining thread, woken by the open, has resolved it (bounded wait)
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (!recording.resolved(real) && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                assertThat(recording.resolved(real)).as("resolved within 30 s").isTrue();
                for (int i = 0; i < 10; i++) {
                    out.write(new byte[4096]);
                }
            }
            recording.stop(ops::add);
        } finally {
            recording.close();
        }
        assertThat(ops).filteredOn(op -> op.kind() == dev.iops.OpKind.WRITE).hasSize(10)
                .allSatisfy(op -> assertThat(op.path()).isEqualTo(file.toRealPath().toString()));
    }

    @Test
    void aBlockWithMoreEventsThanKeptFailsSayingSo() throws Exception {
        Path file = dir.resolve("m.bin");
        Workloads.writeStream(file);
        String old = System.setProperty(TracepointProfiler.MAX_EVENTS_PROPERTY, "100");
        try {
            assertThatThrownBy(() -> Iops.with().profiler(TracepointProfiler.NAME).scope(Scope.THREAD)
                    .measure(() -> Workloads.writeStream(file)))
                    .isInstanceOf(IncompleteReportException.class)
                    .hasMessageContaining("more than 100").hasMessageContaining(TracepointProfiler.MAX_EVENTS_PROPERTY);
        } finally {
            if (old == null) {
                System.clearProperty(TracepointProfiler.MAX_EVENTS_PROPERTY);
            } else {
                System.setProperty(TracepointProfiler.MAX_EVENTS_PROPERTY, old);
            }
        }
    }

    @Test
    void fiveHundredSessionsLeaveNoDescriptorMappingOrThread() throws Exception {
        Path file = dir.resolve("s.bin");
        Workloads.writeStream(file);
        awaitNoneOpen();
        long fdsBefore = perfDescriptors();
        for (int i = 0; i < 500; i++) {
            IopsReport r = Iops.with().profiler(TracepointProfiler.NAME).scope(Scope.THREAD)
                    .measure(() -> Files.write(file, new byte[64]));
            assertThat(r.writeOps()).as("session %d:%n%s", i, r.toText()).isEqualTo(1);
        }
        awaitNoneOpen();
        assertThat(perfDescriptors()).isEqualTo(fdsBefore).isZero();
        assertThat(Files.readAllLines(Path.of("/proc/self/maps"))).noneMatch(l -> l.contains("perf_event"));
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().startsWith("iops-tracepoints"));
    }

    @Test
    void readsTheIdsThroughAPrivateMountWithoutTouchingTheMachinesMounts() throws Exception {
        assumeThat(TracepointProfiler.hasCapability(Files.readString(Path.of("/proc/self/status")), 21))
                .as("CAP_SYS_ADMIN").isTrue();
        String before = Files.readString(Path.of("/proc/self/mountinfo"));
        TracepointIds ids = TracepointIds.privately();
        assertThat(ids.sysEnter()).isPositive().isNotEqualTo(ids.sysExit());
        assertThat(ids.source()).contains("private");
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).isEqualTo(before);
        Path mounted = TracepointIds.mounted();
        if (mounted != null) { // the same ids as the machine's own mount says
            TracepointIds machine = TracepointIds.read(mounted, mounted.toString());
            assertThat(ids.sysEnter()).isEqualTo(machine.sysEnter());
            assertThat(ids.sysExit()).isEqualTo(machine.sysExit());
        }
    }

    private static void awaitNoneOpen() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (TracepointSet.OPEN.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(TracepointSet.OPEN.get()).as("event sets still open after 30 s").isZero();
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().startsWith("iops-tracepoints"))
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static long perfDescriptors() throws IOException {
        long n = 0;
        try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    if (Files.readSymbolicLink(fd).toString().contains("perf_event")) {
                        n++;
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
        }
        return n;
    }
}
