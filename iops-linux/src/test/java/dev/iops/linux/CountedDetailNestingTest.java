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

import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * procfs+jfr never counts another provider, and no provider counts it, nested either way, in both scopes: the outer
 * block writes 1000 x 4096 bytes, the inner block another 1000 x 4096 to another file; the inner report must show
 * exactly its own, the outer exactly both, and neither any read. (Its two parts already nest inside each other.)
 */
class CountedDetailNestingTest {
    private static final List<String> OTHERS = List.of(ProcfsProfiler.NAME, "jfr", StraceProfiler.NAME,
            CountedDetailProfiler.NAME);

    @TempDir
    Path dir;

    static Stream<Arguments> pairs() {
        List<Arguments> pairs = new ArrayList<>();
        for (Scope scope : Scope.values()) {
            for (String other : OTHERS) {
                pairs.add(Arguments.of(CountedDetailProfiler.NAME, other, scope));
                if (!other.equals(CountedDetailProfiler.NAME)) {
                    pairs.add(Arguments.of(other, CountedDetailProfiler.NAME, scope));
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
    void neitherReportCountsTheOtherProvider(String outer, String inner, Scope scope) throws Exception {
        assumeUsable(outer);
        assumeUsable(inner);
        Path a = dir.resolve("outer.bin");
        Path b = dir.resolve("inner.bin");
        Workloads.writeStream(a);
        Workloads.writeStream(b);
        run(outer, inner, scope, a, b); // warm both paths, nested the same way
        run(outer, inner, scope, a, b);
        IopsReport[] reports = scope == Scope.PROCESS ? Workloads.whileHarnessQuiet(() -> run(outer, inner, scope, a, b))
                : run(outer, inner, scope, a, b);
        String what = inner + " inside " + outer + ", " + scope;
        Workloads.assertExact(what + ": the inner report", reports[1], 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        Workloads.assertExact(what + ": the outer report", reports[0], 0, 0, 2L * Workloads.BLOCKS,
                2 * Workloads.TOTAL);
        // and jfr's detail inside procfs+jfr saw the same writes, none of the other provider's own
        assertDetailWrites(what + ": the inner report", reports[1], Workloads.BLOCKS, Workloads.TOTAL);
        assertDetailWrites(what + ": the outer report", reports[0], 2L * Workloads.BLOCKS, 2 * Workloads.TOTAL);
    }

    private static void assertDetailWrites(String what, IopsReport r, long writes, long bytes) {
        if (!r.profiler().equals(CountedDetailProfiler.NAME)) {
            return;
        }
        dev.iops.SizeHistogram h = r.histogram().orElseThrow();
        org.assertj.core.api.Assertions.assertThat(new long[]{h.writeOps(), h.bytesWritten()})
                .as("%s: the histogram's writes%n%s", what, r.toText()).containsExactly(writes, bytes);
    }

    private static IopsReport[] run(String outer, String inner, Scope scope, Path a, Path b) throws IOException {
        IopsReport[] in = new IopsReport[1];
        IopsReport out = Iops.with().profiler(outer).scope(scope).histogram(!outer.equals(ProcfsProfiler.NAME))
                .measure(() -> {
                    Workloads.writeStream(a);
                    in[0] = Iops.with().profiler(inner).scope(scope).histogram(!inner.equals(ProcfsProfiler.NAME))
                            .measure(() -> Workloads.writeStream(b));
                });
        return new IopsReport[]{out, in[0]};
    }
}
