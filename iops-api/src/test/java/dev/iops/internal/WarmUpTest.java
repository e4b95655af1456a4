package dev.iops.internal;

import dev.iops.fake.TestProfiler;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The warm-up warms only what selection would pick. */
class WarmUpTest {
    private final TestProfiler strace = new TestProfiler("strace", 300, Capability.OPERATION_SIZES,
            Capability.THREAD_SCOPE);
    private final TestProfiler procfs = new TestProfiler("procfs", 200, Capability.THREAD_SCOPE);
    private final TestProfiler jfr = new TestProfiler("jfr", 150, Capability.OPERATION_SIZES);

    private static List<String> names(List<Profiler> ps) {
        return ps.stream().map(Profiler::name).toList();
    }

    @Test
    void warmsTheBestPlainAndTheBestHistogramProfilerOnce() {
        // strace is best for both: a plain request is traced too where strace can run
        assertThat(names(WarmUp.picks(List.of(jfr, procfs, strace), null))).containsExactly("strace");
    }

    @Test
    void warmsJfrWhenNoOsTracerCanRun() {
        strace.unusable("no strace here");
        assertThat(names(WarmUp.picks(List.of(jfr, procfs, strace), null))).containsExactly("procfs", "jfr");
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
