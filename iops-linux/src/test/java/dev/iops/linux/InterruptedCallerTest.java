package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Code that restores an interrupt (a caught InterruptedException, {@code Future.cancel(true)}) runs with the flag
 * set: every provider must still give an exact report, and leave the flag as it found it.
 */
class InterruptedCallerTest {
    static final List<String> PROVIDERS = List.of(ProcfsProfiler.NAME, StraceProfiler.NAME, "jfr", "perf");

    @TempDir
    Path dir;

    @AfterEach
    void clearFlag() {
        Thread.interrupted();
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        for (String p : PROVIDERS) {
            for (Scope s : Scope.values()) {
                all.add(Arguments.of(p, s));
            }
        }
        return all.stream();
    }

    private static void assumeUsable(String name) {
        ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
        assumeThat(info.usable()).as(name + ": " + info.reason()).isTrue();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSessionStartedOnAnInterruptedThreadIsExactAndKeepsTheFlag(String profiler, Scope scope) throws IOException {
        assumeUsable(profiler);
        Path file = dir.resolve("w.bin");
        Workloads.writeStream(file);
        Iops.with().profiler(profiler).scope(scope).measure(() -> Workloads.writeStream(file)); // warm
        // FileOutputStream writes are not interruptible, so the workload itself runs whole with the flag set.
        IopsReport r = quiet(scope, () -> {
            Thread.currentThread().interrupt();
            IopsReport one = Iops.with().profiler(profiler).scope(scope).measure(() -> Workloads.writeStream(file));
            assertThat(Thread.currentThread().isInterrupted()).as("flag still set").isTrue();
            Thread.interrupted();
            return one;
        });
        Workloads.assertExact(profiler + ", " + scope, r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void aSessionStoppedOnAnInterruptedThreadIsExactAndKeepsTheFlag(String profiler, Scope scope) throws IOException {
        assumeUsable(profiler);
        Path file = dir.resolve("w.bin");
        Workloads.writeStream(file);
        Iops.with().profiler(profiler).scope(scope).measure(() -> Workloads.writeStream(file)); // warm
        IopsReport r = quiet(scope, () -> {
            IopsReport one = Iops.with().profiler(profiler).scope(scope).measure(() -> {
                Workloads.writeStream(file);
                Thread.currentThread().interrupt(); // as code that caught InterruptedException and restored the flag
            });
            assertThat(Thread.currentThread().isInterrupted()).as("flag still set").isTrue();
            Thread.interrupted();
            return one;
        });
        Workloads.assertExact(profiler + ", " + scope, r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
    }

    /** In process scope, measured again while the test harness read something meanwhile (see Workloads). */
    private static IopsReport quiet(Scope scope, Workloads.Measurement<IopsReport> m) throws IOException {
        try {
            return scope == Scope.PROCESS ? Workloads.whileHarnessQuiet(m) : m.measure();
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
