package dev.iops.linux;

import dev.iops.Figure;
import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
import dev.iops.tracer.ChildProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kernel adds a child's I/O to its parent's process-wide counters when the child is reaped. The library
 * ends its own tracers outside such windows; a process of the library that ends on its own inside one (a tracer
 * that crashed or failed its start) makes the window overcount by an amount nobody can know, and the caller is told
 * so instead of getting the figures.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ChildEndedInWindowTest {
    @TempDir
    Path dir;

    @Test
    void aLibraryProcessThatEndsInsideAProcessScopeCounterWindowFailsItByName() throws Exception {
        Path file = dir.resolve("w.bin");
        Workloads.writeStream(file);
        long[] pid = new long[1];
        assertThatThrownBy(() -> Iops.with().profiler(ProcfsProfiler.NAME).scope(Scope.PROCESS).measure(() -> {
            Workloads.writeStream(file);
            // reads 1 MB and ends: its reads reach this JVM's counters when the JDK reaps it
            try (ChildProcess c = ChildProcess.of("test-helper",
                    List.of("sh", "-c", "head -c 1048576 /dev/zero > /dev/null")).start()) {
                pid[0] = c.pid();
                assertThat(c.waitExit(Duration.ofSeconds(20))).as("the helper's exit code").isZero();
            }
        })).isInstanceOfSatisfying(IncompleteReportException.class, e -> {
            assertThat(e.getMessage()).contains("test-helper (pid " + pid[0] + ", exit code 0)")
                    .contains("ended during the block").contains("Scope.THREAD");
            assertThat(e.partialReport().isMeasured(Figure.BYTES_READ))
                    .as("no figures from a window that cannot be trusted").isFalse();
        });
    }

    @Test
    void theSameChildInsideAThreadScopeWindowChangesNothing() throws Exception {
        Path file = dir.resolve("w.bin");
        Workloads.writeStream(file);
        IopsReport r = Iops.with().profiler(ProcfsProfiler.NAME).scope(Scope.THREAD).measure(() -> {
            try (ChildProcess c = ChildProcess.of("test-helper",
                    List.of("sh", "-c", "head -c 1048576 /dev/zero > /dev/null")).start()) {
                c.waitExit(Duration.ofSeconds(20));
            }
            Workloads.writeStream(file);
        });
        // the spawn is the library's own work (metered); the child's own 1 MB is in no thread's counters
        Workloads.assertExact("procfs, THREAD, a library child ended inside", r, 0, 0, Workloads.BLOCKS,
                Workloads.TOTAL);
    }
}
