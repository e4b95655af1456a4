package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
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
 * The library never counts itself, whatever provider nests in which: every ordered pair of the providers that run
 * here, in both scopes. The outer block writes 1000 x 4096 bytes, the inner block another 1000 x 4096 to another
 * file: the inner report must show exactly its own, the outer exactly both, and neither any read.
 */
class NestingMatrixTest {
    private static final List<String> PROVIDERS = List.of(ProcfsProfiler.NAME, StraceProfiler.NAME, "jfr",
            PerfProfiler.NAME, TracepointProfiler.NAME, CountedDetailProfiler.NAME);

    @TempDir
    Path dir;

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (Scope scope : Scope.values()) {
            for (String outer : PROVIDERS) {
                for (String inner : PROVIDERS) {
                    if (!outer.equals(inner)) {
                        pairs.add(Arguments.of(outer, inner, scope));
                    }
                }
            }
        }
        return pairs.stream();
    }

    private static void assumeUsable(String name) {
        ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
        assumeThat(info.usable()).as(name + ": " + info.reason()).isTrue();
    }

    @ParameterizedTest(name = "{1} inside {0}, {2}")
    @MethodSource("pairs")
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void neitherReportCountsTheOtherProvider(String outer, String inner, Scope scope) throws IOException {
        assumeUsable(outer);
        assumeUsable(inner);
        Path a = dir.resolve("outer.bin");
        Path b = dir.resolve("inner.bin");
        Workloads.writeStream(a); // class loading and first-use work of the workload, outside every window
        Workloads.writeStream(b);
        // Warm both paths (first recordings, class loading), nested the same way as measured.
        run(outer, inner, scope, a, b);
        run(outer, inner, scope, a, b);
        java.util.Map<String, String> threadsBefore = threadIo();
        IopsReport[] reports;
        try {
            // in process scope every thread counts, Surefire's own too: measured again if it read meanwhile
            reports = scope == Scope.PROCESS ? Workloads.whileHarnessQuiet(() -> run(outer, inner, scope, a, b))
                    : run(outer, inner, scope, a, b);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        java.util.Map<String, String> threadsAfter = threadIo();
        threadsAfter.entrySet().removeIf(e -> e.getValue().equals(threadsBefore.get(e.getKey())));
        System.out.println("[nesting " + inner + " inside " + outer + ", " + scope + "] threads whose I/O changed: "
                + threadsAfter);
        IopsReport o = reports[0];
        IopsReport i = reports[1];
        Workloads.assertExact(inner + " inside " + outer + ", " + scope + ": the inner report", i, 0, 0,
                Workloads.BLOCKS, Workloads.TOTAL);
        Workloads.assertExact(inner + " inside " + outer + ", " + scope + ": the outer report", o, 0, 0,
                2L * Workloads.BLOCKS, 2 * Workloads.TOTAL);
    }

    /** Each thread's name and syscr/syscw, to name the thread behind a failure. */
    private static java.util.Map<String, String> threadIo() throws IOException {
        java.util.Map<String, String> m = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> tasks = java.nio.file.Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String comm = java.nio.file.Files.readString(t.resolve("comm")).strip();
                    String io = java.nio.file.Files.readString(t.resolve("io"));
                    m.put(t.getFileName() + " " + comm, io.replaceAll("(?s).*syscr: (\\d+)\\nsyscw: (\\d+).*", "r=$1 w=$2"));
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        }
        return m;
    }

    private static IopsReport[] run(String outer, String inner, Scope scope, Path a, Path b) throws IOException {
        IopsReport[] in = new IopsReport[1];
        IopsReport out = Iops.with().profiler(outer).scope(scope).measure(() -> {
            Workloads.writeStream(a);
            in[0] = Iops.with().profiler(inner).scope(scope).measure(() -> Workloads.writeStream(b));
        });
        return new IopsReport[]{out, in[0]};
    }
}
