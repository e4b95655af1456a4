package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.PathStats;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** iops.strace.pin=thread: the session thread runs on strace's CPU during its session only, and counts stay exact. */
@EnabledIf("dev.iops.linux.StraceAcceptanceTest#usable")
@org.junit.jupiter.api.Timeout(120)
class StracePinnedThreadTest {
    @TempDir
    Path dir;

    @BeforeEach
    void pinThreads() {
        assumeThat(StraceProfiler.findOnPath("taskset")).as("taskset").isNotNull();
        assertThat(StraceTracer.detachIdle()).isTrue(); // the next session attaches with this setting
        System.setProperty(StraceProfiler.PIN_PROPERTY, "thread");
    }

    @AfterEach
    void unpin() {
        System.clearProperty(StraceProfiler.PIN_PROPERTY);
        assertThat(StraceTracer.detachIdle()).isTrue();
    }

    private static String allowedCpus() {
        try {
            return Files.readAllLines(Path.of("/proc/thread-self/status")).stream()
                    .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow().substring(18).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pinsTheSessionThreadDuringTheSessionAndRestoresItAfter() {
        String before = allowedCpus();
        String[] during = new String[2];
        int[] straceCpu = {-1};
        Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measure(() -> {
            straceCpu[0] = StraceTracer.current().cpu(); // read inside: strace detaches when the session ends
            during[0] = allowedCpus();
            Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measure(() -> { }); // nested: no change
            during[1] = allowedCpus();
        });
        assertThat(during[0]).isEqualTo(Integer.toString(straceCpu[0]));
        assertThat(during[1]).isEqualTo(during[0]);
        assertThat(allowedCpus()).isEqualTo(before);
    }

    @Test
    void countsStayExactAndTheHelpersTrafficIsNeverCounted() throws Exception {
        Path file = dir.resolve("p.bin");
        Workloads.writeStream(file);
        IopsReport inner = Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measureValue(() -> {
            Workloads.writeStream(file);
            return null;
        }).report();
        assertThat(inner.writeOps()).isEqualTo(1000);
        java.util.Set<String> pipes = new java.util.HashSet<>();
        IopsReport all = Iops.with().profiler(StraceProfiler.NAME).scope(Scope.PROCESS).measure(() -> {
            pipes.addAll(StraceTracer.current().helper().pipes());
            Thread other = new Thread(() -> {
                for (int i = 0; i < 3; i++) {
                    // each of these pins and unpins its thread through the helper's pipes
                    Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measure(() -> { });
                }
            });
            other.start();
            other.join();
        });
        assertThat(all.detail().orElseThrow().topPaths()).extracting(PathStats::path)
                .doesNotContainAnyElementsOf(pipes);
        assertThat(pipes).hasSize(2);
    }
}
