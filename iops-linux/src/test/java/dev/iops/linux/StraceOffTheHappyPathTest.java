package dev.iops.linux;

import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.PathStats;
import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.SelfIo;
import dev.iops.testkit.Workloads;
import dev.iops.tracer.ChildProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * strace one step off the happy path (issue "trust off the happy path"): interrupted threads, the default
 * detach, an availability check during a slow attach, a session never closed, the library's own files and
 * children inside a window.
 */
@EnabledIf("dev.iops.linux.StraceAcceptanceTest#usable")
@Timeout(120)
class StraceOffTheHappyPathTest {
    @TempDir
    Path dir;

    @AfterEach
    void cleanUp() {
        Thread.interrupted();
        System.clearProperty(StraceProfiler.PATH_PROPERTY);
        System.clearProperty(StraceProfiler.MAX_TRACE_PROPERTY);
        System.clearProperty(StraceProfiler.LINGER_PROPERTY);
        System.clearProperty(StraceProfiler.TIMEOUT_PROPERTY);
        assertThat(StraceTracer.detachIdle()).isTrue();
    }

    private static Iops.Builder strace(Scope scope) {
        return Iops.with().profiler(StraceProfiler.NAME).scope(scope);
    }

    private static void write(Path file, int count, int size) throws IOException {
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            byte[] block = new byte[size];
            for (int i = 0; i < count; i++) {
                out.write(block);
            }
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("timed out waiting until " + what).isNegative();
            System.gc();
            Thread.sleep(10);
        }
    }

    private static List<ProcessHandle> straceChildren() {
        return StraceAcceptanceTest.straceChildren();
    }

    private static List<Path> tempFiles() throws IOException {
        return StraceAcceptanceTest.tempFiles();
    }

    private static boolean noTempFiles() {
        try {
            return tempFiles().isEmpty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSessionStartedAndStoppedOnAnInterruptedThreadIsExactAndTheFlagStaysSet() throws IOException {
        Path file = dir.resolve("i.bin");
        Workloads.writeStream(file); // class loading out of the window
        Thread.currentThread().interrupt();
        IopsSession s = strace(Scope.THREAD).start();
        assertThat(Thread.currentThread().isInterrupted()).as("flag kept by start").isTrue();
        Workloads.writeStream(file); // FileOutputStream ignores the flag, as user code may
        IopsReport r = s.stop();
        s.close();
        assertThat(Thread.currentThread().isInterrupted()).as("flag kept by stop").isTrue();
        assertThat(r.writeOps()).isEqualTo(Workloads.BLOCKS);
        assertThat(r.bytesWritten()).isEqualTo(Workloads.TOTAL);
    }

    @Test
    void aFlagSetDuringTheBlockStillGivesAnExactReport() throws IOException {
        Path file = dir.resolve("j.bin");
        Workloads.writeStream(file);
        IopsSession s = strace(Scope.THREAD).start();
        Workloads.writeStream(file);
        Thread.currentThread().interrupt(); // as Future.cancel(true) or a restored InterruptedException does
        IopsReport r = s.stop();
        s.close();
        assertThat(Thread.interrupted()).isTrue();
        assertThat(r.writeOps()).isEqualTo(Workloads.BLOCKS);
        assertThat(r.bytesWritten()).isEqualTo(Workloads.TOTAL);
    }

    @Test
    void stracesDetachesWhenTheLastSessionEndsAndLingersOnlyWhenAsked() throws IOException {
        strace(Scope.THREAD).measure(() -> { });
        assertThat(StraceTracer.isAttached()).as("default: detached at the end of the session").isFalse();
        assertThat(SelfIo.attachedTracers()).doesNotContain(StraceProfiler.NAME);

        try (IopsSession s = strace(Scope.THREAD).start()) {
            assertThat(SelfIo.attachedTracers()).as("booked while attached").contains(StraceProfiler.NAME);
            s.stop();
        }
        System.setProperty(StraceProfiler.LINGER_PROPERTY, "60000");
        strace(Scope.THREAD).measure(() -> { });
        long attaches = StraceTracer.attaches();
        assertThat(StraceTracer.isAttached()).as("opted in: lingers").isTrue();
        strace(Scope.THREAD).measure(() -> { });
        assertThat(StraceTracer.attaches()).as("the lingering tracer was reused").isEqualTo(attaches);
        assertThat(StraceTracer.detachIdle()).isTrue();
        assertThat(SelfIo.attachedTracers()).doesNotContain(StraceProfiler.NAME);
    }

    @Test
    void availabilityAnswersAtOnceWhileAnotherThreadWaitsForASlowAttach() throws Exception {
        // A strace that says it started, then hangs until this test lets it fail: its attach cannot end before
        // then, so an availability() that answers meanwhile did not wait for it (no wall-clock bound needed).
        Path slow = dir.resolve("slow-strace");
        Path started = dir.resolve("started");
        Path release = dir.resolve("release");
        Files.writeString(slow, "#!/bin/sh\n: > '" + started + "'\nwhile [ ! -e '" + release + "' ]; do sleep 0.05; "
                + "done\necho 'strace: attach: too slow' >&2\nexit 1\n");
        assertThat(slow.toFile().setExecutable(true)).isTrue();
        System.setProperty(StraceProfiler.PATH_PROPERTY, slow.toString());
        System.setProperty(StraceProfiler.TIMEOUT_PROPERTY, "100000"); // the hang ends when this test says
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread attaching = new Thread(() -> {
            try {
                strace(Scope.THREAD).measure(() -> { });
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        attaching.start();
        java.util.concurrent.ExecutorService asker = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            awaitTrue(() -> Files.exists(started), Duration.ofSeconds(30), "the slow attach started");
            java.util.concurrent.Future<Availability> answer = asker.submit(() -> new StraceProfiler().availability());
            Availability a;
            try {
                a = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("availability() waited for the attach: no answer in 30 s while it hung", e);
            }
            assertThat(attaching.isAlive()).as("the attach was still waiting when availability() answered").isTrue();
            assertThat(a.usable()).isTrue();
        } finally {
            Files.writeString(release, "");
            asker.shutdownNow();
        }
        attaching.join(30_000);
        assertThat(attaching.isAlive()).isFalse();
        assertThat(failure.get()).isInstanceOf(ProfilerStartException.class)
                .hasMessageContaining("strace exited with code 1 before it started tracing pid");
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void aSessionNeverClosedIsBoundedByItsTraceSizeAndSaysSoAtStop() throws Exception {
        System.setProperty(StraceProfiler.MAX_TRACE_PROPERTY, "1");
        Path file = dir.resolve("grow.bin");
        IopsSession forgotten = strace(Scope.PROCESS).start();
        StraceTracer tracer = StraceTracer.current();
        Path trace = tracer.traceFile();
        long largest = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            byte[] small = new byte[64];
            while (tracer.isAlive() && System.nanoTime() < deadline) {
                for (int i = 0; i < 100; i++) {
                    out.write(small); // ~100 bytes of trace each
                }
                largest = Math.max(largest, tracer.traceBytes());
            }
        }
        assertThat(tracer.isAlive()).as("strace detached once its trace passed 1 MiB").isFalse();
        assertThat(largest).as("largest trace seen, bytes").isBetween(1L << 20, 4L << 20);
        awaitTrue(() -> !Files.exists(trace), Duration.ofSeconds(10), "the watchdog deleted the trace file");
        assertThat(straceChildren()).isEmpty();
        assertThatThrownBy(forgotten::stop).isInstanceOfSatisfying(IncompleteReportException.class,
                e -> assertThat(e.getMessage()).contains("strace was detached during the measured block: its trace "
                        + "reached").contains("over the bound of 1048576 bytes, with 1 session(s) open")
                        .contains("(-Diops.strace.maxTraceMiB); its trace file is gone"));
        try {
            forgotten.close();
        } catch (IncompleteReportException sameFailure) {
            // close() after a failed stop() rethrows it today; the session's failure model is being reworked
        }
        assertThat(tempFiles()).isEmpty();
    }

    @Test
    void anAbandonedSessionIsReleasedAndStraceDetaches() throws Exception {
        openAndForget();
        assertThat(StraceTracer.isAttached()).isTrue();
        awaitTrue(() -> !StraceTracer.isAttached(), Duration.ofSeconds(30), "the cleaner released the session");
        awaitTrue(() -> straceChildren().isEmpty(), Duration.ofSeconds(10), "strace ended");
        // the cleaner's thread deletes the files right after strace exits
        awaitTrue(StraceOffTheHappyPathTest::noTempFiles, Duration.ofSeconds(10), "its trace file was deleted");
    }

    private static void openAndForget() {
        strace(Scope.THREAD).start(); // never stopped, never closed, unreachable once this returns
    }

    @Test
    void theLibrarysOwnFilesAndChildrenInAWindowAreNotCounted() throws Exception {
        Path user = dir.resolve("user.bin");
        Path own = dir.resolve("own.bin");
        Path childs = dir.resolve("child.txt");
        Workloads.writeStream(user);
        write(own, 1, 4096);
        ChildProcess[] child = new ChildProcess[1];
        IopsReport r;
        SelfIo.Registration mine = SelfIo.ownPath(own);
        try {
            r = strace(Scope.PROCESS).histogram().measure(() -> {
                write(own, 100, 4096); // another provider's file, say jfr's recording
                Workloads.writeStream(user);
                child[0] = ChildProcess.of("test", List.of("/bin/sh", "-c", "echo child > '" + childs + "'"))
                        .start(); // another provider's child, say perf
                child[0].awaitReady(() -> Files.exists(childs) && Files.size(childs) > 0, Duration.ofSeconds(10),
                        Duration.ofMillis(5));
            });
        } finally {
            mine.close();
            if (child[0] != null) {
                child[0].close();
            }
        }
        List<String> paths = r.detail().orElseThrow().topPaths().stream().map(PathStats::path).toList();
        assertThat(paths).doesNotContain(own.toRealPath().toString(), childs.toRealPath().toString());
        String userPath = user.toRealPath().toString();
        assertThat(r.detail().orElseThrow().topPaths()).filteredOn(p -> p.path().equals(userPath))
                .singleElement().satisfies(p -> {
                    assertThat(p.totals().writeOps()).isEqualTo(Workloads.BLOCKS);
                    assertThat(p.totals().bytesWritten()).isEqualTo(Workloads.TOTAL);
                });
    }
}
