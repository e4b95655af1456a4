package dev.iops.macos;

import dev.iops.macos.FsUsageLaunch.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The root-side watchdog script, run for real by {@code /bin/sh} here with a stand-in for fs_usage (a script that
 * prints its arguments and sleeps): it must stop exactly the process it started, by pid, when the stop file
 * appears or when the JVM it watches is gone, and leave every other process alone.
 */
@DisabledOnOs(OS.WINDOWS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FsUsageWatchdogTest {
    @TempDir
    Path dir;

    /**
     * Written once per test: /bin/sh reads a script as it runs it, so rewriting the file under a shell that has not
     * reached its {@code exec} yet (a loaded machine) would end that shell early.
     */
    private Path fakeFsUsage() throws IOException {
        Path fake = dir.resolve("fs_usage");
        if (Files.notExists(fake)) {
            Files.writeString(fake, "#!/bin/sh\necho \"fake fs_usage $*\"\nexec sleep 300\n");
            Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        }
        return fake;
    }

    /** Waits, bounded, until a file has content: the tracer writes its first line after the watchdog's pid file. */
    private static String awaitContent(Path file) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.size(file) == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return Files.readString(file);
    }

    /** Kills what the watchdog started, if it is still there (only when an assertion failed). */
    private static void killTracer(Path pidFile) throws IOException {
        if (Files.exists(pidFile) && !Files.readString(pidFile).isBlank()) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static long awaitPid(Path pidFile) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile)) {
                String s = Files.readString(pidFile).strip();
                if (!s.isEmpty()) {
                    return Long.parseLong(s);
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the watchdog never wrote " + pidFile);
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<ProcessHandle> h = ProcessHandle.of(pid);
            if (h.isEmpty() || !h.get().isAlive()) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("pid " + pid + " still runs");
    }

    @Test
    void stopsOnlyItsOwnTracerWhenTheStopFileAppears() throws Exception {
        Path trace = Files.createFile(dir.resolve("trace"));
        Path stop = dir.resolve("stop");
        Path pidFile = dir.resolve("pid");
        Process bystander = new ProcessBuilder(fakeFsUsage().toString()).start(); // "another fs_usage on the machine"
        long jvm = ProcessHandle.current().pid();
        Process sh = new ProcessBuilder(FsUsageLaunch.command(Privilege.ROOT,
                FsUsageLaunch.script(fakeFsUsage(), jvm, trace, stop, pidFile))).start();
        try {
            long tracer = awaitPid(pidFile);
            assertThat(ProcessHandle.of(tracer)).hasValueSatisfying(h -> assertThat(h.isAlive()).isTrue());
            assertThat(awaitContent(trace)).isEqualTo("fake fs_usage -w -f filesys " + jvm + "\n");
            Files.createFile(stop);
            assertThat(sh.waitFor(10, TimeUnit.SECONDS)).as("watchdog exits after the stop file").isTrue();
            awaitGone(tracer);
            assertThat(bystander.isAlive()).as("another fs_usage is never touched").isTrue();
        } finally {
            sh.destroyForcibly();
            killTracer(pidFile);
            bystander.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void stopsItsTracerWhenTheWatchdogItselfIsTerminated() throws Exception {
        Path trace = Files.createFile(dir.resolve("trace"));
        Process sh = new ProcessBuilder(FsUsageLaunch.command(Privilege.ROOT, FsUsageLaunch.script(fakeFsUsage(),
                ProcessHandle.current().pid(), trace, dir.resolve("stop"), dir.resolve("pid")))).start();
        try {
            long tracer = awaitPid(dir.resolve("pid"));
            sh.destroy(); // SIGTERM, as ChildProcess.close() and the JVM's shutdown hook send it
            assertThat(sh.waitFor(10, TimeUnit.SECONDS)).isTrue();
            awaitGone(tracer);
        } finally {
            sh.destroyForcibly();
            killTracer(dir.resolve("pid"));
        }
    }

    @Test
    void stopsItsTracerWhenTheWatchedJvmIsGone() throws Exception {
        Path trace = Files.createFile(dir.resolve("trace"));
        Process jvm = new ProcessBuilder("sleep", "1").start(); // stands in for a JVM killed with SIGKILL
        Process sh = new ProcessBuilder(FsUsageLaunch.command(Privilege.ROOT, FsUsageLaunch.script(fakeFsUsage(),
                jvm.pid(), trace, dir.resolve("stop"), dir.resolve("pid")))).start();
        try {
            long tracer = awaitPid(dir.resolve("pid"));
            assertThat(sh.waitFor(15, TimeUnit.SECONDS)).as("watchdog exits once the JVM is gone").isTrue();
            awaitGone(tracer);
        } finally {
            sh.destroyForcibly();
            killTracer(dir.resolve("pid"));
            jvm.destroyForcibly();
        }
    }
}
