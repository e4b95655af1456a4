package dev.iops.linux;

import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.OpDetail;
import dev.iops.OpKind;
import dev.iops.PathStats;
import dev.iops.Scope;
import dev.iops.SizeHistogram;
import dev.iops.TargetKind;
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
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The acceptance list: real I/O under a real strace, against exact truths. */
@EnabledIf("usable")
@Timeout(180)
class StraceAcceptanceTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    static boolean usable() {
        return new StraceProfiler().availability().usable();
    }

    private static Iops.Builder strace(Scope scope) {
        return Iops.with().profiler(StraceProfiler.NAME).scope(scope);
    }

    /** Runs once unmeasured (class loading reads files), then measured. */
    private static IopsReport measure(Scope scope, Workloads.IoWork work, Path file) throws IOException {
        work.run(file);
        return strace(scope).histogram().measureValue(() -> {
            work.run(file);
            return null;
        }).report();
    }

    /** The figures of one path: class loading may read the JDK's modules file on the thread at any time. */
    private static dev.iops.IoTotals on(IopsReport r, Path file) throws IOException {
        String real = file.toRealPath().toString();
        return detail(r).topPaths().stream().filter(p -> p.path().equals(real)).map(PathStats::totals).findFirst()
                .orElseThrow(() -> new AssertionError(real + " not in " + r.toText()));
    }

    private static OpDetail detail(IopsReport r) {
        return r.detail().orElseThrow(() -> new AssertionError("no detail in " + r));
    }

    @Test
    void fixedSizeWritesFillOneHistogramBucketWithPathTargetLatencyAndTimeline() throws IOException {
        Path file = dir.resolve("h.bin");
        IopsReport r = measure(Scope.THREAD, Workloads::writeStream, file);
        assertThat(r.writeOps()).isEqualTo(1000);
        assertThat(r.bytesWritten()).isEqualTo(4_096_000);
        SizeHistogram h = r.histogram().orElseThrow();
        assertThat(h.buckets()).filteredOn(b -> b.totalOps() > 0).singleElement()
                .satisfies(b -> assertThat(b.writeOps()).isEqualTo(1000))
                .satisfies(b -> assertThat(b.lowerBoundBytes()).isEqualTo(4096))
                .satisfies(b -> assertThat(b.upperBoundBytes()).isEqualTo(8192));
        OpDetail d = detail(r);
        assertThat(d.byTarget()).containsOnlyKeys(TargetKind.FILE);
        assertThat(d.topPaths()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo(file.toRealPath().toString());
            assertThat(p.totals().writeOps()).isEqualTo(1000);
        });
        assertThat(d.latency()).containsKey(OpKind.WRITE);
        assertThat(d.errors()).isZero();
        assertThat(d.timeline()).hasValueSatisfying(g -> assertThat(g.totalOps()).isEqualTo(1000));
    }

    @Test
    void countsPositionalWritesAndReadsExactly() throws IOException {
        Path file = dir.resolve("p.bin");
        IopsReport w = measure(Scope.THREAD, f -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.allocate(4096);
                for (int i = 0; i < 1000; i++) {
                    buf.clear();
                    ch.write(buf, (long) i * 4096); // pwrite64
                }
            }
        }, file);
        assertThat(on(w, file).writeOps()).isEqualTo(1000);
        assertThat(on(w, file).bytesWritten()).isEqualTo(4_096_000);
        IopsReport r = measure(Scope.THREAD, f -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(4096);
                for (int i = 0; i < 1000; i++) {
                    buf.clear();
                    ch.read(buf, (long) i * 4096); // pread64
                }
            }
        }, file);
        assertThat(on(r, file).readOps()).isEqualTo(1000);
        assertThat(on(r, file).bytesRead()).isEqualTo(4_096_000);
        assertThat(r.writeOps()).isZero();
    }

    @Test
    void countsGatherWritesAndScatterReadsExactly() throws IOException {
        Path file = dir.resolve("v.bin");
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
        }, file);
        assertThat(on(w, file).writeOps()).isEqualTo(500);
        assertThat(on(w, file).bytesWritten()).isEqualTo(2_048_000);
        IopsReport r = measure(Scope.THREAD, f -> {
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                ByteBuffer[] bufs = {ByteBuffer.allocate(2048), ByteBuffer.allocate(2048)};
                while (true) {
                    bufs[0].clear();
                    bufs[1].clear();
                    if (ch.read(bufs) < 0) { // readv
                        break;
                    }
                }
            }
        }, file);
        assertThat(on(r, file).readOps()).isEqualTo(501);
        assertThat(on(r, file).bytesRead()).isEqualTo(2_048_000);
    }

    @Test
    void countsSendfileCopiesAsAReadAndAWrite() throws IOException {
        Path source = dir.resolve("src.bin");
        Files.write(source, new byte[4 * MIB]);
        IopsReport copy = measure(Scope.THREAD, f -> Files.copy(source, f, StandardCopyOption.REPLACE_EXISTING),
                dir.resolve("copy.bin"));
        assertThat(copy.bytesRead()).isEqualTo(4 * MIB);
        assertThat(copy.bytesWritten()).isEqualTo(4 * MIB);
        assertThat(copy.readOps()).isPositive().isEqualTo(copy.writeOps());
        IopsReport transfer = measure(Scope.THREAD, f -> {
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                long done = 0;
                while (done < in.size()) {
                    done += in.transferTo(done, in.size() - done, out);
                }
            }
        }, dir.resolve("transfer.bin"));
        assertThat(transfer.bytesRead()).isEqualTo(4 * MIB);
        assertThat(transfer.bytesWritten()).isEqualTo(4 * MIB);
    }

    @Test
    void countsDataFullOfParenthesesQuotesNewlinesAndNulExactly() throws IOException {
        byte[] nasty = new byte[64];
        byte[] head = ") = 5 <0.1>\"\n\0\\\"), \"".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < nasty.length; i++) {
            nasty[i] = head[i % head.length];
        }
        IopsReport r = measure(Scope.THREAD, f -> {
            try (OutputStream out = new FileOutputStream(f.toFile())) {
                for (int i = 0; i < 1000; i++) {
                    out.write(nasty);
                }
            }
        }, dir.resolve(") \"odd\" (.bin"));
        assertThat(r.writeOps()).isEqualTo(1000);
        assertThat(r.bytesWritten()).isEqualTo(64_000);
        // no line skipped: the one note is how much strace slowed the block
        assertThat(r.notes()).singleElement().asString().startsWith("strace slowed this block: 1000 traced calls");
    }

    /** A thread that writes {@code count} 4 KiB blocks to {@code file} (shared with the perf tests). */
    static Thread writer(Path file, int count) {
        return new Thread(() -> {
            try (OutputStream out = new FileOutputStream(file.toFile())) {
                byte[] block = new byte[4096];
                for (int i = 0; i < count; i++) {
                    out.write(block);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Test
    void processScopeCountsEveryThreadAndThreadScopeOnlyTheCaller() throws Exception {
        writer(dir.resolve("warm"), 1).run();
        IopsReport all = strace(Scope.PROCESS).measureValue(() -> {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                threads.add(writer(dir.resolve("w" + t), 250));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            return null;
        }).report();
        assertThat(all.writeOps()).isEqualTo(1000);
        assertThat(all.bytesWritten()).isEqualTo(4_096_000);

        IopsReport mine = strace(Scope.THREAD).measureValue(() -> {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                threads.add(writer(dir.resolve("x" + t), 250));
            }
            threads.forEach(Thread::start);
            writer(dir.resolve("mine"), 250).run(); // on the caller's thread
            for (Thread t : threads) {
                t.join();
            }
            return null;
        }).report();
        assertThat(mine.writeOps()).isEqualTo(250);
        assertThat(mine.bytesWritten()).isEqualTo(1_024_000);
    }

    @Test
    void processScopeFollowsChildProcesses() throws Exception {
        Path out = dir.resolve("dd.bin");
        IopsReport r = strace(Scope.PROCESS).measureValue(() -> new ProcessBuilder("dd", "if=/dev/zero", "of=" + out,
                "bs=4096", "count=10").redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor()).report();
        String real = out.toRealPath().toString();
        assertThat(detail(r).topPaths()).filteredOn(p -> p.path().equals(real)).singleElement()
                .satisfies(p -> assertThat(p.totals().writeOps()).isEqualTo(10))
                .satisfies(p -> assertThat(p.totals().bytesWritten()).isEqualTo(40_960));
    }

    @Test
    void nestedSessionsAreEachExactAndTheOuterOneNeverSeesTheLibrary() throws IOException {
        Path file = dir.resolve("n.bin");
        Workloads.writeStream(file);
        IopsReport[] inner = new IopsReport[1];
        IopsReport outer = strace(Scope.THREAD).measureValue(() -> {
            writer(dir.resolve("before"), 100).run();
            inner[0] = strace(Scope.THREAD).measureValue(() -> {
                Workloads.writeStream(file);
                return null;
            }).report();
            writer(dir.resolve("after"), 100).run();
            return null;
        }).report();
        assertThat(inner[0].writeOps()).isEqualTo(1000);
        assertThat(inner[0].readOps()).isZero();
        assertThat(outer.writeOps()).isEqualTo(1200);
        assertThat(outer.bytesWritten()).isEqualTo(1200L * 4096);
        assertThat(outer.readOps()).as("the inner session's reads of the trace file:%n%s", outer.toText()).isZero();
    }

    @Test
    void concurrentSessionsOnTwoThreadsAreEachExact() throws Exception {
        writer(dir.resolve("warm"), 1).run();
        CyclicBarrier together = new CyclicBarrier(2);
        AtomicReference<IopsReport> a = new AtomicReference<>();
        AtomicReference<IopsReport> b = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread ta = new Thread(() -> run(together, a, failure, dir.resolve("a"), 1000));
        Thread tb = new Thread(() -> run(together, b, failure, dir.resolve("b"), 300));
        ta.start();
        tb.start();
        ta.join(60_000);
        tb.join(60_000);
        assertThat(ta.isAlive() || tb.isAlive()).as("a session thread is stuck").isFalse();
        assertThat(failure.get()).isNull();
        assertThat(a.get().writeOps()).isEqualTo(1000);
        assertThat(b.get().writeOps()).isEqualTo(300);
        assertThat(a.get().readOps()).isZero();
        assertThat(b.get().readOps()).isZero();
    }

    private static void run(CyclicBarrier together, AtomicReference<IopsReport> report,
                            AtomicReference<Throwable> failure, Path file, int writes) {
        try {
            together.await(30, TimeUnit.SECONDS); // both sessions open at once
            IopsSession s = strace(Scope.THREAD).start();
            together.await(30, TimeUnit.SECONDS);
            writer(file, writes).run();
            together.await(30, TimeUnit.SECONDS); // both stop after both wrote
            report.set(s.stop());
            s.close();
        } catch (Throwable t) {
            failure.set(t);
        }
    }

    @Test
    void aProcessScopeSessionNeverCountsTheLibrarysReadsOfItsTraceFile() throws Exception {
        Path file = dir.resolve("own.bin");
        Workloads.writeStream(file);
        IopsReport r = strace(Scope.PROCESS).measureValue(() -> {
            Thread other = new Thread(() -> {
                for (int i = 0; i < 5; i++) {
                    // each inner session reads the shared trace file when it stops
                    strace(Scope.THREAD).measure(() -> {
                        try {
                            Workloads.writeStream(file);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    });
                }
            });
            other.start();
            other.join();
            return null;
        }).report();
        assertThat(detail(r).topPaths()).extracting(PathStats::path)
                .noneMatch(p -> p.contains("iops-strace-"));
        assertThat(detail(r).byTarget().get(TargetKind.FILE).writeOps()).isEqualTo(5000);
    }

    @Test
    void aTracerThatDiesDuringTheBlockYieldsAPartialReportNotASilentOne() throws IOException {
        Path file = dir.resolve("d.bin");
        writer(file, 1).run();
        IopsSession s = strace(Scope.THREAD).start();
        writer(file, 100).run();
        ProcessHandle strace = ProcessHandle.of(StraceTracer.current().pid()).orElseThrow();
        strace.destroyForcibly();
        strace.onExit().join();
        writer(file, 100).run();
        assertThatThrownBy(s::stop).isInstanceOfSatisfying(IncompleteReportException.class, e -> {
            assertThat(e.getMessage()).contains("stopped tracing during the measured block");
            assertThat(e.partialReport().writeOps()).isEqualTo(100);
        });
        // the next session attaches a fresh tracer
        assertThat(measure(Scope.THREAD, Workloads::writeStream, file).writeOps()).isEqualTo(1000);
    }

    @Test
    void aRefusedAttachSaysWhyAndAutomaticSelectionFallsBackToTheNextCandidate() throws IOException {
        Path fake = dir.resolve("fake-strace");
        Files.writeString(fake, "#!/bin/sh\necho 'strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted' >&2\n"
                + "exit 1\n");
        assertThat(fake.toFile().setExecutable(true)).isTrue();
        assertThat(StraceTracer.detachIdle()).isTrue();
        System.setProperty(StraceProfiler.PATH_PROPERTY, fake.toString());
        // Automatic selection tries strace only when nothing above it can give what was asked: here a histogram,
        // with jfr ranked below strace for the test (a candidate to fall back to) and nothing else offered.
        dev.iops.spi.Profiler jfr = new dev.iops.jvm.JfrProfiler();
        dev.iops.spi.Profiler below = new dev.iops.spi.Profiler() {
            @Override
            public String name() {
                return "jfr-below";
            }

            @Override
            public int priority() {
                return StraceProfiler.PRIORITY - 1;
            }

            @Override
            public java.util.Set<dev.iops.spi.Capability> capabilities() {
                return jfr.capabilities();
            }

            @Override
            public dev.iops.spi.Availability availability() {
                return jfr.availability();
            }

            @Override
            public dev.iops.spi.Recording start(dev.iops.spi.RecordingRequest request) {
                return jfr.start(request);
            }
        };
        try {
            assertThatThrownBy(() -> strace(Scope.THREAD).measure(() -> { }))
                    .isInstanceOf(ProfilerStartException.class)
                    .hasMessageStartingWith("strace could not attach to pid " + ProcessHandle.current().pid()
                            + ": ptrace not permitted. Run as root or grant CAP_SYS_PTRACE");
            dev.iops.internal.Selection.Started s = dev.iops.internal.Selection.start(
                    List.of(new StraceProfiler(), below, new ProcfsProfiler()),
                    new dev.iops.internal.Selection.Options(null, Scope.THREAD, true, false), k -> null);
            s.recording().close();
            assertThat(s.profiler().name()).isEqualTo("jfr-below");
            assertThat(s.notes()).singleElement().asString().startsWith("passed over strace (priority "
                    + StraceProfiler.PRIORITY + "): failed to start: strace could not attach to pid "
                    + ProcessHandle.current().pid());
        } finally {
            System.clearProperty(StraceProfiler.PATH_PROPERTY);
        }
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void twoHundredStartStopCyclesLeaveNoProcessFileOrDescriptorBehind() throws IOException {
        strace(Scope.THREAD).measure(() -> { });
        assertThat(StraceTracer.detachIdle()).isTrue();
        java.util.SortedSet<String> fdsBefore = openDescriptors();
        long attachesBefore = StraceTracer.attaches();
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            strace(i % 2 == 0 ? Scope.THREAD : Scope.PROCESS).measure(() -> { });
        }
        long elapsedMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.println("200 strace start/stop cycles: " + elapsedMs + " ms");
        // no linger by default: every cycle attached and detached a strace of its own
        assertThat(StraceTracer.attaches() - attachesBefore).isEqualTo(200);
        assertThat(StraceTracer.isAttached()).as("detached without detachIdle()").isFalse();
        assertThat(StraceTracer.detachIdle()).isTrue();
        assertThat(straceChildren()).isEmpty();
        assertThat(tempFiles()).isEmpty();
        assertThat(openDescriptors()).isEqualTo(fdsBefore);
    }

    /** @return strace processes this JVM started that still run */
    static List<ProcessHandle> straceChildren() {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/strace")).orElse(false)).toList();
    }

    /** @return this JVM's strace temp files */
    static List<Path> tempFiles() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            // this JVM's files only: other test JVMs on the machine share the temp directory
            return s.filter(p -> p.getFileName().toString().startsWith(StraceTracer.PREFIX)).toList();
        }
    }

    /** What each open descriptor refers to, so a leak names itself (shared with the perf tests). */
    static java.util.SortedSet<String> openDescriptors() throws IOException {
        java.util.SortedSet<String> targets = new java.util.TreeSet<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) s::iterator) {
                try {
                    targets.add(fd.getFileName() + " -> " + Files.readSymbolicLink(fd));
                } catch (IOException gone) {
                    // the directory stream's own descriptor, closed by now
                }
            }
        }
        return targets;
    }
}
