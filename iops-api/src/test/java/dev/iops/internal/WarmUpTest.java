package dev.iops.internal;

import dev.iops.fake.TestProfiler;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up warms only what selection would pick. */
class WarmUpTest {
    private final TestProfiler perf = new TestProfiler("perf", 350, Capability.OPERATION_SIZES,
            Capability.THREAD_SCOPE);
    private final TestProfiler strace = new TestProfiler("strace", 100, Capability.OPERATION_SIZES,
            Capability.THREAD_SCOPE);
    private final TestProfiler procfs = new TestProfiler("procfs", 200, Capability.THREAD_SCOPE);
    private final TestProfiler jfr = new TestProfiler("jfr", 150, Capability.OPERATION_SIZES);

    private static List<String> names(List<Profiler> ps) {
        return ps.stream().map(Profiler::name).toList();
    }

    @Test
    void warmsTheBestPlainAndTheBestHistogramProfilerOnce() {
        // perf is best for both: a plain request is traced too where perf can run
        assertThat(names(WarmUp.picks(List.of(jfr, procfs, strace, perf), null))).containsExactly("perf");
    }

    @Test
    void warmsTheCounterAndJfrAndNotStraceWhenNoTracerThatLeavesTheTimingTruthfulCanRun() {
        perf.unusable("no root here");
        assertThat(names(WarmUp.picks(List.of(jfr, procfs, strace, perf), null))).containsExactly("procfs", "jfr");
    }

    @Test
    void warmsOnlyTheProfilerThePropertyNames() {
        assertThat(names(WarmUp.picks(List.of(jfr, procfs, strace), " jfr "))).containsExactly("jfr");
        jfr.unusable("off");
        assertThat(WarmUp.picks(List.of(jfr, procfs, strace), "jfr")).isEmpty();
        assertThat(WarmUp.picks(List.of(jfr, procfs, strace), "nope")).isEmpty();
    }

    @Test
    void startsNothingWhilePicking() {
        WarmUp.picks(List.of(jfr, procfs, strace), null);
        assertThat(jfr.started.get() + procfs.started.get() + strace.started.get()).isZero();
    }
}
