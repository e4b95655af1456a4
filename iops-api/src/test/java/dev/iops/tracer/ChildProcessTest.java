package dev.iops.tracer;

import dev.iops.spi.SelfIo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Start, readiness, the one terminate, clean-up, and indifference to the interrupt flag, on real processes. */
@Timeout(30)
@EnabledOnOs({OS.LINUX, OS.MAC})
class ChildProcessTest {
    private static final Duration POLL = Duration.ofMillis(5);

    @TempDir
    Path dir;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static ChildProcess.Builder sh(String script) {
        return ChildProcess.of("test", List.of("/bin/sh", "-c", script));
    }

    @Test
    void waitsForReadinessThenTerminatesAndDeletesItsFiles() throws IOException {
        Path ready = dir.resolve("ready");
        Path scratch = Files.createFile(dir.resolve("scratch"));
        ChildProcess child = sh("sleep 0.2; : > '" + ready + "'; exec sleep 30").deleteOnClose(scratch).start();
        long pid = child.pid();
        assertThat(SelfIo.isOwnProcess(pid)).isTrue();
        assertThat(SelfIo.isOwnPath(scratch.toAbsolutePath().normalize().toString())).isTrue();
        assertThat(child.awaitReady(() -> Files.exists(ready), Duration.ofSeconds(10), POLL))
                .isEqualTo(ChildProcess.Readiness.READY);
        assertThat(child.isAlive()).isTrue();
        child.close();
        assertThat(child.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isIn(java.util.Optional.empty(),
                java.util.Optional.of(false));
        assertThat(scratch).doesNotExist();
        assertThat(SelfIo.isOwnProcess(pid)).isFalse();
        assertThat(SelfIo.isOwnPath(scratch.toAbsolutePath().normalize().toString())).isFalse();
        child.close(); // idempotent
    }

    @Test
    void saysWhenTheChildExitedBeforeItWasReady() throws IOException {
        try (ChildProcess child = sh("echo oops >&2; exit 3").stderrTo(dir.resolve("err")).start()) {
            assertThat(child.awaitReady(() -> false, Duration.ofSeconds(10), POLL))
                    .isEqualTo(ChildProcess.Readiness.EXITED);
            assertThat(child.waitExit(Duration.ofSeconds(5))).isEqualTo(3);
            assertThat(child.describeExit()).isEqualTo("exit code 3");
            assertThat(TraceFile.readHead(dir.resolve("err"), 100)).isEqualTo("oops\n");
        }
        assertThat(dir.resolve("err")).doesNotExist();
    }

    @Test
    void timesOutAfterTheTimeoutAndNotBefore() throws IOException {
        try (ChildProcess child = sh("exec sleep 30").start()) {
            long t0 = System.nanoTime();
            assertThat(child.awaitReady(() -> false, Duration.ofMillis(200), POLL))
                    .isEqualTo(ChildProcess.Readiness.TIMED_OUT);
            // the child sleeps 30 s: any return well before that is the timeout's, however loaded the machine
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isBetween(Duration.ofMillis(200),
                    Duration.ofSeconds(20));
        }
    }

    @Test
    void killsAChildThatIgnoresSigtermAfterTheGracePeriod() throws IOException {
        Path ready = dir.resolve("ready");
        // the shell ignores TERM (Process.destroy also closes its pipes, so it must not wait on stdin); its
        // short sleeps end on their own within 50 ms of the shell's SIGKILL
        ChildProcess child = sh("trap '' TERM; : > '" + ready + "'; while :; do sleep 0.05; done")
                .grace(Duration.ofMillis(300)).start();
        assertThat(child.awaitReady(() -> Files.exists(ready), Duration.ofSeconds(10), POLL))
                .isEqualTo(ChildProcess.Readiness.READY);
        assertThat(child.isAlive()).as(child.describeExit()).isTrue();
        long t0 = System.nanoTime();
        child.close();
        assertThat(child.isAlive()).isFalse();
        // the shell never ends on its own: returning at all is the SIGKILL's doing (bounded generously for a
        // loaded machine), and not before the grace
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("waited the grace, then SIGKILL: " + child.describeExit())
                .isBetween(Duration.ofMillis(300), Duration.ofSeconds(20));
    }

    @Test
    void anInterruptFlagNeitherCutsAWaitShortNorIsLost() throws IOException {
        ChildProcess child = sh("exec sleep 30").start();
        try {
            Thread.currentThread().interrupt();
            long t0 = System.nanoTime();
            assertThat(child.awaitReady(() -> false, Duration.ofMillis(200), POLL))
                    .isEqualTo(ChildProcess.Readiness.TIMED_OUT);
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
            assertThat(Thread.currentThread().isInterrupted()).as("flag kept").isTrue();
            child.close();
            assertThat(child.isAlive()).as("terminated although the flag was set").isFalse();
            assertThat(Thread.currentThread().isInterrupted()).as("flag kept").isTrue();
        } finally {
            child.close();
        }
    }

    @Test
    void aGatedChildRunsItsCommandOnlyWhenOpenedAndUnderThePidKnownBefore() throws Exception {
        Path out = dir.resolve("pid");
        try (ChildProcess child = sh("echo $$ > '" + out + "'").gated().start()) {
            Thread.sleep(200);
            assertThat(out).as("the command has not run yet").doesNotExist();
            long pidBefore = child.pid();
            child.open();
            child.open(); // idempotent
            assertThat(child.awaitReady(() -> Files.exists(out) && Files.size(out) > 0, Duration.ofSeconds(10),
                    POLL)).isEqualTo(ChildProcess.Readiness.READY);
            child.waitExit(Duration.ofSeconds(5));
            assertThat(Files.readString(out, StandardCharsets.US_ASCII).strip()).isEqualTo(Long.toString(pidBefore));
        }
    }
}
