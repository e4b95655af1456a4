package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A fresh JVM's first sessions are exact too: the first use of the library (class loading from its jars, first
 * spawns) happens inside the windows, where a warm test JVM never shows it. This is what a notebook's first cell
 * or a short-lived tool sees.
 */
class FirstSessionTest {
    @ParameterizedTest(name = "{1} {2} {0}")
    @CsvSource({
            "THREAD, perf, ''", "PROCESS, perf, ''", "THREAD, strace, ''", "THREAD, procfs, ''", "THREAD, jfr, ''",
            "THREAD, perf, procfs", "THREAD, perf, strace", "THREAD, perf, jfr", "THREAD, strace, perf",
            "THREAD, procfs, perf", "PROCESS, procfs, perf", "THREAD, jfr, perf", "THREAD, procfs, strace",
            "THREAD, procfs, jfr", "THREAD, jfr, procfs", "THREAD, jfr, strace", "THREAD, strace, jfr",
            "THREAD, strace, procfs", "PROCESS, strace, perf", "PROCESS, perf, strace",
            "THREAD, tracepoints, ''", "PROCESS, tracepoints, ''", "THREAD, tracepoints, procfs",
            "PROCESS, procfs, tracepoints", "THREAD, procfs, tracepoints", "THREAD, jfr, tracepoints",
            "THREAD, tracepoints, jfr", "THREAD, strace, tracepoints", "PROCESS, tracepoints, perf"})
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void isExact(Scope scope, String outer, String inner) throws Exception {
        for (String name : inner.isEmpty() ? List.of(outer) : List.of(outer, inner)) {
            ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
            assumeThat(info.usable()).as(name + ": " + info.reason()).isTrue();
        }
        List<String> lines = inner.isEmpty()
                ? ChildJvm.run(FirstSessionInAFreshJvm.class, null, List.of("-Diops.warmup=false"), scope.name(), outer)
                : ChildJvm.run(FirstSessionInAFreshJvm.class, null, List.of("-Diops.warmup=false"), scope.name(), outer,
                inner);
        long blocks = inner.isEmpty() ? 1 : 2;
        // Exact, or within what the report's own notes name (in PROCESS scope, procfs notes the calls the JVM's
        // service threads made right at an end of the window, which no snapshot can place): the allowance of
        // Workloads.assertExact, so a loaded machine's JIT reading cgroup files there fails nothing it notes.
        Workloads.assertExact("the outer (" + outer + ") report, first in its JVM", IopsReport.fromJson(lines.get(0)),
                0, 0, blocks * Workloads.BLOCKS, blocks * Workloads.TOTAL);
        if (!inner.isEmpty()) {
            Workloads.assertExact("the inner (" + inner + ") report, first in its JVM",
                    IopsReport.fromJson(lines.get(1)), 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        }
    }
}
