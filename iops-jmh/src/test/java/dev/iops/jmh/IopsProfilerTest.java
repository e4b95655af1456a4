package dev.iops.jmh;

import dev.iops.Figure;
import dev.iops.IopsReport;
import dev.iops.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.profile.ProfilerFactory;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.ScalarResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IopsProfilerTest {

    private static Options options(String profilerOptions) {
        return new OptionsBuilder()
                .include(OneBlockBenchmark.class.getName() + ".writeOneBlock")
                // A fork of its own, as JMH is meant to run: forks(0) would put this test JVM in the window, whose
                // Surefire thread flushes captured output to a pipe now and then (measured: ~1 write per iteration).
                .forks(1)
                // JDK 17's compiler threads poll the container's memory (cgroup memory.stat reads, 4 to 7 per 200 ms
                // here) when they decide whether to add compiler threads: the JVM's own I/O in the window, off here.
                .jvmArgsAppend("-XX:-UseDynamicNumberOfCompilerThreads")
                .warmupIterations(1).warmupTime(TimeValue.milliseconds(100))
                .measurementIterations(3).measurementTime(TimeValue.milliseconds(200))
                .threads(2) // two workers: JMH counts their start and stop sync calls in getAllOps, the divisor
                .addProfiler(IopsProfiler.class, profilerOptions)
                .build();
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void reportsOneWriteOf4096BytesPerOperationOnAnExactProvider() throws RunnerException {
        Collection<RunResult> runs = new Runner(options("profiler=procfs")).run();

        assertThat(runs).hasSize(1);
        RunResult run = runs.iterator().next();
        Map<String, Result> secondary = run.getSecondaryResults();
        assertThat(secondary.get("iops.writeOps").getScore()).isEqualTo(1.0);
        assertThat(secondary.get("iops.writeOps").getScoreUnit()).isEqualTo("#/op");
        assertThat(secondary.get("iops.bytesWritten").getScore()).isEqualTo(4096.0);
        assertThat(secondary.get("iops.bytesWritten").getScoreUnit()).isEqualTo("B/op");
        // The benchmark reads nothing. The window is the whole JVM, though, and the JVM itself reads now and then
        // (measured with strace: cgroup files for its container checks, a class file for a new thread): a read or
        // two in ~50,000 operations, not 0 every run.
        assertThat(secondary.get("iops.readOps").getScore()).isLessThan(1e-3);
        assertThat(secondary.get("iops.readOps").getScoreUnit()).isEqualTo("#/op");
        assertThat(secondary.get("iops.bytesRead").getScore()).isLessThan(1.0);
        assertThat(secondary.get("iops.bytesRead").getScoreUnit()).isEqualTo("B/op");
        // one write per operation: the window's I/O rate is the benchmark's own rate, give or take the window's edges
        double opsPerSecond = run.getPrimaryResult().getScore();
        assertThat(run.getPrimaryResult().getScoreUnit()).isEqualTo("ops/s");
        assertThat(secondary.get("iops.iops").getScoreUnit()).isEqualTo("io/s");
        assertThat(secondary.get("iops.iops").getScore()).isBetween(0.5 * opsPerSecond, 1.5 * opsPerSecond);
        // aggregated over the 3 measurement iterations like JMH's own normalised results
        assertThat(secondary.get("iops.writeOps").getStatistics().getN()).isEqualTo(3);
    }

    @Test
    void reportsAFigureTheProfilerCannotCountAsNaNNeverZero() {
        IopsReport bytesOnly = new IopsReport("bytes-only", Scope.PROCESS, Duration.ofSeconds(2), 0, 0, 8192, 4096,
                EnumSet.of(Figure.BYTES_READ, Figure.BYTES_WRITTEN), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of());

        Map<String, Double> scores = IopsProfiler.results(bytesOnly, 1024).stream()
                .collect(Collectors.toMap(ScalarResult::getLabel, ScalarResult::getScore));

        assertThat(scores).containsOnlyKeys("iops.readOps", "iops.writeOps", "iops.bytesRead", "iops.bytesWritten",
                "iops.iops");
        assertThat(scores.get("iops.readOps")).isNaN();
        assertThat(scores.get("iops.writeOps")).isNaN();
        assertThat(scores.get("iops.iops")).isNaN();
        assertThat(scores.get("iops.bytesRead")).isEqualTo(8.0);
        assertThat(scores.get("iops.bytesWritten")).isEqualTo(4.0);
    }

    @Test
    void dividesByOperationsAndSecondsOfTheWindow() {
        IopsReport report = IopsReport.of("procfs", Scope.PROCESS, Duration.ofMillis(500), 30, 70, 3000, 7000);

        Map<String, Double> scores = IopsProfiler.results(report, 10).stream()
                .collect(Collectors.toMap(ScalarResult::getLabel, ScalarResult::getScore));

        assertThat(scores).containsEntry("iops.readOps", 3.0).containsEntry("iops.writeOps", 7.0)
                .containsEntry("iops.bytesRead", 300.0).containsEntry("iops.bytesWritten", 700.0)
                .containsEntry("iops.iops", 200.0); // 100 operations in 0.5 s
        // no operation in the window: nothing to divide by, but the I/O rate is still known
        for (ScalarResult r : IopsProfiler.results(report, 0)) {
            if (r.getLabel().equals("iops.iops")) {
                assertThat(r.getScore()).isEqualTo(200.0);
            } else {
                assertThat(r.getScore()).as(r.getLabel()).isNaN();
            }
        }
    }

    @Test
    void parsesTheInitLineAsJmhPassesIt() throws ProfilerException {
        assertThat(IopsProfiler.parse("profiler=strace")).hasValue("strace");
        assertThat(IopsProfiler.parse(" profiler = procfs ;")).hasValue("procfs");
        assertThat(IopsProfiler.parse("")).isEmpty();
        assertThat(IopsProfiler.parse(null)).isEmpty();
        assertThatThrownBy(() -> IopsProfiler.parse("profiler=procfs;scope=THREAD"))
                .isInstanceOf(ProfilerException.class)
                .hasMessage("iops: unknown option 'scope=THREAD'. Options: profiler=NAME (an iops profiler such as "
                        + "procfs, strace or jfr; default: the best usable one)");
        assertThatThrownBy(() -> IopsProfiler.parse("profiler="))
                .isInstanceOf(ProfilerException.class)
                .hasMessage("iops: option 'profiler' needs a name, e.g. profiler=procfs");
    }

    @Test
    void refusesAProfilerThatCannotMeasureWithIopsReason() {
        assertThatThrownBy(() -> new IopsProfiler("profiler=no-such-profiler"))
                .isInstanceOf(ProfilerException.class)
                .hasMessageStartingWith("iops cannot measure here: No iops profiler is named 'no-such-profiler' "
                        + "(from profiler(\"no-such-profiler\")).");
    }

    @Test
    void aProbeWhoseReportCameOutIncompleteStillAcceptsTheProfiler() throws ProfilerException {
        // the profiler started; only the probe's empty window was spoiled (tracepoints under a neighbour's flood)
        assertThat(new IopsProfiler("profiler=" + LosingProfiler.NAME)).isNotNull();
        assertThatThrownBy(() -> new IopsProfiler("profiler=nosuch")).isInstanceOf(ProfilerException.class)
                .hasMessageStartingWith("iops cannot measure here: No iops profiler is named 'nosuch'");
    }

    @Test
    void jmhListsItAsADiscoveredProfiler() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ProfilerFactory.listProfilers(new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("dev.iops.jmh.IopsProfiler: I/O operations and "
                + "bytes per benchmark operation, measured by iops (PROCESS scope) (discovered)");
    }
}
