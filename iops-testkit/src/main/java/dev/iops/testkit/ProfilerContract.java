package dev.iops.testkit;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.spi.Capability;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The compatibility kit: the same real workloads, with the same exact truths, for every profiler. A provider's
 * test class extends it and names its profiler; the tests are skipped, with the provider's own reason, where
 * the profiler cannot run.
 *
 * <p>Every workload runs once unmeasured first: the JVM loads classes on first use, and class loading reads
 * files, which a thread-scoped profiler rightly counts. The measured run then does only the workload's I/O.
 */
@Timeout(value = 120, unit = java.util.concurrent.TimeUnit.SECONDS) // providers drive processes: never hang
public abstract class ProfilerContract {
    /** A fresh folder for each test's files, deleted after the test (JUnit's {@code @TempDir}). */
    @TempDir
    protected Path dir;

    /** @return the name of the profiler under test */
    protected abstract String profilerName();

    /** @return the scope the exact truths are measured in: THREAD where the profiler can count one thread */
    protected Scope exactScope() {
        return info().capabilities().contains(Capability.THREAD_SCOPE) ? Scope.THREAD : Scope.PROCESS;
    }

    /**
     * @return what iops lists for the profiler under test
     * @throws AssertionError if no provider of that name is registered (a missing {@code META-INF/services} entry)
     */
    protected ProfilerInfo info() {
        return Iops.profilers().stream().filter(p -> p.name().equals(profilerName())).findFirst()
                .orElseThrow(() -> new AssertionError("profiler '" + profilerName() + "' is not registered: "
                        + Iops.profilers()));
    }

    @BeforeEach
    void requireUsable() {
        ProfilerInfo info = info();
        assumeTrue(info.usable(), () -> profilerName() + " is not usable here: " + info.reason());
    }

    /**
     * Runs {@code work} once unmeasured, then measured in {@code scope}.
     *
     * @param scope the threads to count
     * @param work  the workload
     * @param file  the file it works on
     * @return the report of the measured run
     * @throws IOException if the workload fails
     */
    protected IopsReport measure(Scope scope, Workloads.IoWork work, Path file) throws IOException {
        work.run(file);
        return Iops.with().profiler(profilerName()).scope(scope).measure(() -> work.run(file));
    }

    @Test
    void reportsItsOwnName() throws IOException {
        IopsReport r = measure(exactScope(), f -> { }, dir.resolve("none"));
        assertThat(r.profiler()).isEqualTo(profilerName());
        assertThat(r.scope()).isEqualTo(exactScope());
    }

    @Test
    void countsFileOutputStreamWritesExactly() throws IOException {
        IopsReport r = measure(exactScope(), Workloads::writeStream, dir.resolve("a.bin"));
        Workloads.assertExact("FileOutputStream writes", r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
    }

    @Test
    void countsFileInputStreamReadsExactlyIncludingEndOfFile() throws IOException {
        Path file = dir.resolve("a.bin");
        Workloads.writeStream(file);
        IopsReport r = measure(exactScope(), Workloads::readStream, file);
        Workloads.assertExact("FileInputStream reads", r, Workloads.BLOCKS + 1, Workloads.TOTAL, 0, 0);
    }

    @Test
    void countsFileChannelWritesAndReadsExactly() throws IOException {
        Path file = dir.resolve("c.bin");
        IopsReport w = measure(exactScope(), Workloads::writeChannel, file);
        Workloads.assertExact("FileChannel writes", w, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        IopsReport r = measure(exactScope(), Workloads::readChannel, file);
        Workloads.assertExact("FileChannel reads", r, Workloads.BLOCKS + 1, Workloads.TOTAL, 0, 0);
    }

    @Test
    void countsRandomAccessFileWritesAndReadsExactly() throws IOException {
        Path file = dir.resolve("r.bin");
        IopsReport w = measure(exactScope(), Workloads::writeRandomAccess, file);
        Workloads.assertExact("RandomAccessFile writes", w, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        IopsReport r = measure(exactScope(), Workloads::readRandomAccess, file);
        Workloads.assertExact("RandomAccessFile reads", r, Workloads.BLOCKS + 1, Workloads.TOTAL, 0, 0);
    }

    @Test
    void doesNotCountItselfInAnEmptyBlock() throws IOException {
        measure(exactScope(), f -> { }, dir.resolve("none")); // the first session of a JVM loads classes
        IopsReport r = measure(exactScope(), f -> { }, dir.resolve("none"));
        Workloads.assertExact("an empty block", r, 0, 0, 0, 0);
    }

    @Test
    void processScopeSeesAnotherThreadsWrites() throws Exception {
        Path file = dir.resolve("t.bin");
        Workloads.writeStream(file);
        runOnOtherThread(file); // warm up thread start
        IopsReport r = Workloads.whileHarnessQuiet(() -> Iops.with().profiler(profilerName()).scope(Scope.PROCESS)
                .measure(() -> runOnOtherThread(file)));
        Workloads.assertExact("another thread's writes", r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
    }

    @Test
    void threadScopeDoesNotSeeAnotherThreadsWrites() throws Exception {
        assumeTrue(info().capabilities().contains(Capability.THREAD_SCOPE), "no thread scope");
        Path file = dir.resolve("t.bin");
        Workloads.writeStream(file);
        runOnOtherThread(file); // warm up thread start
        IopsReport r = Iops.with().profiler(profilerName()).scope(Scope.THREAD).measure(() -> runOnOtherThread(file));
        assertThat(r.writeOps()).isZero();
        assertThat(r.bytesWritten()).isZero();
    }

    /**
     * Whether a path looks like one of iops' own: procfs counters or its temp files ({@code iops-*}).
     *
     * @param path a path as a report lists it
     * @return true for a path the library itself would read or write
     */
    protected static boolean isLibraryPath(String path) {
        if (path.startsWith("/proc/")) {
            return true;
        }
        int slash = path.lastIndexOf('/');
        return path.substring(slash + 1).startsWith("iops-");
    }

    /** Outer block writes to {@code a}, a nested session around writes to {@code b}. */
    private IopsReport[] nested(Path a, Path b) throws IOException {
        IopsReport[] inner = new IopsReport[1];
        Scope scope = exactScope(); // out here: it lists the profilers, and their availability checks read files
        IopsReport outer = Iops.with().profiler(profilerName()).scope(scope).measure(() -> {
            Workloads.writeStream(a);
            inner[0] = Iops.with().profiler(profilerName()).scope(scope).measure(() -> Workloads.writeStream(b));
        });
        return new IopsReport[]{outer, inner[0]};
    }

    @Test
    void nestedSessionsAreEachExactAndTheOuterDoesNotCountTheInnerProfiler() throws IOException {
        Path a = dir.resolve("outer.bin");
        Path b = dir.resolve("inner.bin");
        nested(a, b); // warm: the nested call sites load their classes once
        IopsReport[] reports = nested(a, b);
        IopsReport outer = reports[0];
        IopsReport inner = reports[1];
        Workloads.assertExact("the inner report", inner, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        // In either scope: the outer window holds both workloads and nothing of the inner profiler's own work.
        if (outer.detail().isPresent() && info().capabilities().contains(Capability.PATHS)) {
            assertThat(outer.detail().get().topPaths()).as("paths the outer window saw:%n%s", outer.toText())
                    .noneMatch(p -> p.totals().readOps() > 0 && isLibraryPath(p.path()));
        }
        Workloads.assertExact("the outer report", outer, 0, 0, 2L * Workloads.BLOCKS, 2 * Workloads.TOTAL);
    }

    @Test
    void concurrentThreadScopedSessionsAreEachExact() throws Exception {
        assumeTrue(info().capabilities().contains(Capability.THREAD_SCOPE), "no thread scope");
        int threads = 2;
        IopsReport[] reports = new IopsReport[threads];
        AtomicReference<Throwable> error = new AtomicReference<>();
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
        Thread[] workers = new Thread[threads];
        for (int i = 0; i < threads; i++) {
            int me = i;
            Path file = dir.resolve("concurrent-" + i + ".bin");
            workers[i] = new Thread(() -> {
                try {
                    Workloads.writeStream(file); // warm this thread's class loading
                    together.await(30, java.util.concurrent.TimeUnit.SECONDS);
                    reports[me] = Iops.with().profiler(profilerName()).scope(Scope.THREAD)
                            .measure(() -> Workloads.writeStream(file));
                } catch (Throwable t) {
                    error.set(t);
                }
            }, "iops-contract-" + i);
            workers[i].start();
        }
        for (Thread t : workers) {
            t.join(60_000);
            assertThat(t.isAlive()).as("worker %s still running after 60 s", t.getName()).isFalse();
        }
        if (error.get() != null) {
            throw new AssertionError("a worker failed", error.get());
        }
        for (IopsReport r : reports) {
            assertThat(r.writeOps()).isEqualTo(Workloads.BLOCKS);
            assertThat(r.bytesWritten()).isEqualTo(Workloads.TOTAL);
        }
    }

    private static void runOnOtherThread(Path file) throws InterruptedException {
        AtomicReference<IOException> error = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Workloads.writeStream(file);
            } catch (IOException e) {
                error.set(e);
            }
        }, "iops-contract-writer");
        t.start();
        t.join(60_000);
        if (t.isAlive()) {
            throw new AssertionError("the writer thread is still running after 60 s");
        }
        if (error.get() != null) {
            throw new UncheckedIOException(error.get());
        }
    }
}
