package dev.iops.linux;

import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.OpDetail;
import dev.iops.OpKind;
import dev.iops.PathStats;
import dev.iops.Scope;
import dev.iops.spi.ProfilerStartException;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 9's acceptance list for perf: real I/O under a real perf, against exact truths, and its failures. */
@EnabledIf("usable")
@Timeout(180)
class PerfAcceptanceTest {
    private static final List<Path> TRACEFS_STATE = List.of(
            Path.of("/sys/kernel/tracing/events/raw_syscalls/sys_enter/enable"),
            Path.of("/sys/kernel/tracing/events/raw_syscalls/sys_enter/filter"),
            Path.of("/sys/kernel/tracing/events/raw_syscalls/sys_exit/enable"),
            Path.of("/sys/kernel/tracing/events/raw_syscalls/sys_exit/filter"));

    @TempDir
    Path dir;

    /** perf directories that existed before the test (another test's session the Cleaner has not released yet). */
    private List<Path> dirsBefore;

    @org.junit.jupiter.api.BeforeEach
    void rememberTempDirs() throws IOException {
        dirsBefore = tempDirs();
    }

    /** @return perf directories this test left behind */
    private List<Path> newTempDirs() throws IOException {
        List<Path> now = new ArrayList<>(tempDirs());
        now.removeAll(dirsBefore);
        return now;
    }

    static boolean usable() {
        return new PerfProfiler().availability().usable();
    }

    private static Iops.Builder perf(Scope scope) {
        return Iops.with().profiler(PerfProfiler.NAME).scope(scope);
    }

    /** Runs once unmeasured (class loading reads files), then measured. */
    private static IopsReport measure(Scope scope, Workloads.IoWork work, Path file) throws IOException {
        work.run(file);
        return perf(scope).histogram().measure(() -> {
            work.run(file);
        });
    }

    private static OpDetail detail(IopsReport r) {
        return r.detail().orElseThrow(() -> new AssertionError("no detail in " + r));
    }

    @Test
    void writesHaveSizesLatencyTimelineAndTheirPathWhenOpenAcrossTheBlock() throws IOException {
        Path file = dir.resolve("open.bin");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer buf = ByteBuffer.allocate(4096);
            IopsReport r = perf(Scope.THREAD).histogram().measure(() -> {
                for (int i = 0; i < 1000; i++) {
                    buf.clear();
                    ch.write(buf, (long) i * 4096); // pwrite64
                }
            });
            String real = file.toRealPath().toString();
            assertThat(detail(r).topPaths()).filteredOn(p -> p.path().equals(real)).singleElement()
                    .satisfies(p -> assertThat(p.totals().writeOps()).isEqualTo(1000))
                    .satisfies(p -> assertThat(p.totals().bytesWritten()).isEqualTo(4_096_000));
            assertThat(r.histogram().orElseThrow().buckets()).filteredOn(b -> b.writeOps() > 0).singleElement()
                    .satisfies(b -> assertThat(b.writeOps()).isEqualTo(1000));
            assertThat(detail(r).latency()).containsKey(OpKind.WRITE);
            assertThat(detail(r).timeline()).isPresent();
            assertThat(r.notes()).isEmpty();
        }
    }

    @Test
    void countsPositionalGatherAndScatterCallsExactly() throws IOException {
        IopsReport w = measure(Scope.THREAD, f -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer[] bufs = {ByteBuffer.allocate(2048), ByteBuffer.allocate(2048)};
                for (int i = 0; i < 500; i++) {
                    bufs[0].clear();
                    bufs[1].clear();
                    ch.write(bufs); // writev
                }
            }
        }, dir.resolve("v.bin"));
        assertThat(w.writeOps()).isEqualTo(500);
        assertThat(w.bytesWritten()).isEqualTo(2_048_000);
        IopsReport r = measure(Scope.THREAD, f -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(4096);
                for (int i = 0; i < 500; i++) {
                    buf.clear();
                    ch.read(buf, (long) i * 4096); // pread64
                }
            }
        }, dir.resolve("v.bin"));
        assertThat(r.readOps()).isEqualTo(500);
        assertThat(r.bytesRead()).isEqualTo(2_048_000);
        assertThat(r.notes()).singleElement().asString()
                .startsWith("perf: 500 operations have no path: their descriptors were opened and closed inside");
    }

    @Test
    void countsTransferToAsSendfileReadsAndWrites() throws IOException {
        Path source = dir.resolve("src.bin");
        Files.write(source, new byte[4 << 20]);
        IopsReport r = measure(Scope.THREAD, f -> {
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                long done = 0;
                while (done < in.size()) {
                    done += in.transferTo(done, in.size() - done, out);
                }
            }
        }, dir.resolve("transfer.bin"));
        assertThat(r.bytesRead()).isEqualTo(4 << 20);
        assertThat(r.bytesWritten()).isEqualTo(4 << 20);
        assertThat(r.readOps()).isPositive().isEqualTo(r.writeOps());
    }

    @Test
    void countsDataFullOfParenthesesAndQuotesExactly() throws IOException {
        byte[] nasty = ") = 5 <0.1>\"\n\0\\\"), \" <unfinished ...>".getBytes(StandardCharsets.ISO_8859_1);
        IopsReport r = measure(Scope.THREAD, f -> {
            try (OutputStream out = new FileOutputStream(f.toFile())) {
                for (int i = 0; i < 1000; i++) {
                    out.write(nasty);
                }
            }
        }, dir.resolve(") \"odd\" (.bin"));
        assertThat(r.writeOps()).isEqualTo(1000);
        assertThat(r.bytesWritten()).isEqualTo(1000L * nasty.length);
    }

    @Test
    void processScopeCountsFourThreadsAndThreadScopeOnlyTheCaller() throws Exception {
        StraceAcceptanceTest.writer(dir.resolve("warm"), 1).run();
        IopsReport all = perf(Scope.PROCESS).measure(() -> {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(StraceAcceptanceTest.writer(dir.resolve("w" + t), 250));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
        });
        assertThat(all.writeOps()).isEqualTo(1000);
        assertThat(all.bytesWritten()).isEqualTo(4_096_000);
        IopsReport mine = perf(Scope.THREAD).measure(() -> {
            Thread other = StraceAcceptanceTest.writer(dir.resolve("x"), 250);
            other.start();
            StraceAcceptanceTest.writer(dir.resolve("mine"), 250).run(); // on the caller's thread
            other.join();
        });
        assertThat(mine.writeOps()).isEqualTo(250);
        assertThat(mine.bytesWritten()).isEqualTo(1_024_000);
    }

    @Test
    void lostEventsFromATinyBufferMakeTheReportIncompleteNotExact() throws IOException {
        Path file = dir.resolve("lost.bin");
        System.setProperty(PerfProfiler.BUFFER_PROPERTY, "1");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            IopsSession s = perf(Scope.THREAD).start();
            for (int i = 0; i < 300_000; i++) {
                one.clear();
                ch.write(one, i);
            }
            assertThatThrownBy(s::stop).isInstanceOfSatisfying(IncompleteReportException.class, e -> {
                assertThat(e.getMessage()).contains("perf lost ").contains("Raise -Diops.perf.buffer");
                assertThat(e.partialReport().writeOps()).isPositive().isLessThan(300_000);
            });
        } finally {
            System.clearProperty(PerfProfiler.BUFFER_PROPERTY);
        }
        assertThat(perfChildren()).isEmpty();
        assertThat(newTempDirs()).isEmpty();
    }

    @Test
    void perfKilledDuringTheBlockYieldsAnIncompleteReportAndNothingLeftBehind() throws IOException {
        Path file = dir.resolve("d.bin");
        StraceAcceptanceTest.writer(file, 1).run();
        IopsSession s = perf(Scope.THREAD).start();
        StraceAcceptanceTest.writer(file, 100).run();
        for (ProcessHandle p : perfChildren()) {
            p.destroyForcibly();
            p.onExit().join();
        }
        assertThatThrownBy(s::stop).isInstanceOfSatisfying(IncompleteReportException.class,
                e -> assertThat(e.getMessage()).contains("perf record (pid ").contains(") exited during the block (exit code 137").endsWith("events are lost (was it killed?). The partial "
                        + "report is attached (IncompleteReportException.partialReport())."));
        assertThat(perfChildren()).isEmpty();
        assertThat(newTempDirs()).isEmpty();
        assertThat(measure(Scope.THREAD, Workloads::writeStream, file).writeOps()).isEqualTo(Workloads.BLOCKS);
    }

    @Test
    void aRefusedStartQuotesPerfAndAutomaticSelectionFallsBack() throws IOException {
        Path fake = dir.resolve("fake-perf");
        Files.writeString(fake, "#!/bin/sh\nprintf '%s\\n' \"event syntax error: 'raw_syscalls:sys_enter'\" "
                + "\"                     \\\\___ can't access trace events\" >&2\nexit 129\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();
        System.setProperty(PerfProfiler.PATH_PROPERTY, fake.toString());
        // tracepoints ranks above perf: a buffer size that is not a power of two keeps it from starting, so that
        // automatic selection tries perf next here
        System.setProperty(TracepointProfiler.BUFFER_PROPERTY, "3");
        try {
            assertThatThrownBy(() -> perf(Scope.THREAD).measure(() -> { }))
                    .isInstanceOf(ProfilerStartException.class)
                    .hasMessage("perf may not trace this JVM's system calls: \"\\___ can't access trace events\". "
                            + "perf runs as the JVM's user with the capabilities of the JVM's ambient set only: run "
                            + "as root, or start the JVM with CAP_PERFMON in its ambient set and tracefs readable to its "
                            + "group (see docs/profilers/perf.md#permissions), or use -Diops.profiler=strace.");
            IopsReport r = Iops.with().scope(Scope.THREAD).histogram().measure(() -> { });
            assertThat(r.profiler()).isNotEqualTo(PerfProfiler.NAME);
            assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("passed over perf (priority 350): failed to "
                    + "start: perf may not trace this JVM"));
        } finally {
            System.clearProperty(PerfProfiler.PATH_PROPERTY);
            System.clearProperty(TracepointProfiler.BUFFER_PROPERTY);
        }
        assertThat(newTempDirs()).isEmpty();
    }

    @Test
    void anExceptionInTheBlockStopsPerfAndAnInterruptedThreadStillGetsItsReport() throws IOException {
        Path file = dir.resolve("e.bin");
        Workloads.writeStream(file);
        assertThatThrownBy(() -> perf(Scope.THREAD).measure(() -> {
            Workloads.writeStream(file);
            throw new IOException("boom");
        })).isInstanceOf(IOException.class).hasMessage("boom");
        assertThat(perfChildren()).isEmpty();
        assertThat(newTempDirs()).isEmpty();
        IopsReport r = perf(Scope.THREAD).measure(() -> {
            Workloads.writeStream(file);
            Thread.currentThread().interrupt();
        });
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        assertThat(r.writeOps()).isEqualTo(Workloads.BLOCKS);
    }

    @Test
    void twoHundredSessionsLeaveNoPerfProcessFileDescriptorOrTracefsStateBehind() throws IOException {
        perf(Scope.THREAD).measure(() -> { });
        List<String> tracefsBefore = tracefsState();
        var fdsBefore = StraceAcceptanceTest.openDescriptors();
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            perf(i % 2 == 0 ? Scope.THREAD : Scope.PROCESS).measure(() -> { });
        }
        System.out.println("200 perf sessions: " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        assertThat(perfChildren()).isEmpty();
        assertThat(newTempDirs()).isEmpty();
        assertThat(StraceAcceptanceTest.openDescriptors()).isEqualTo(fdsBefore);
        assertThat(tracefsState()).isEqualTo(tracefsBefore);
    }

    private static List<ProcessHandle> perfChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/perf") || c.contains("/perf_")).orElse(false))
                .toList();
    }

    /** @return this JVM's perf directories: other JVMs on the machine (test runs, users) share the temp directory */
    static List<Path> tempDirs() throws IOException {
        String own = "iops-perf-" + ProcessHandle.current().pid() + "-";
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith(own)).toList();
        }
    }

    private static List<String> tracefsState() throws IOException {
        List<String> state = new ArrayList<>();
        for (Path p : TRACEFS_STATE) {
            state.add(p + "=" + (Files.isReadable(p) ? Files.readString(p).trim() : "?"));
        }
        try (Stream<Path> s = Files.list(Path.of("/sys/kernel/tracing/instances"))) {
            s.forEach(p -> state.add("instance " + p.getFileName()));
        } catch (IOException e) {
            state.add("no instances directory");
        }
        return state;
    }
}
