package dev.iops.internal;

import dev.iops.NoProfilerException;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.fake.TestProfiler;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SelectorTest {
    private final TestProfiler strace = new TestProfiler("strace", 300, Capability.OPERATION_SIZES,
            Capability.THREAD_SCOPE).unusable("strace not found on PATH; install it with apt-get install strace");
    private final TestProfiler procfs = new TestProfiler("procfs", 200, Capability.THREAD_SCOPE);
    private final TestProfiler jfr = new TestProfiler("jfr", 150, Capability.OPERATION_SIZES, Capability.THREAD_SCOPE);
    private final TestProfiler oshi = new TestProfiler("oshi", 50);

    private static List<String> names(List<Profiler> ps) {
        return ps.stream().map(Profiler::name).toList();
    }

    @Test
    void selectsHighestPriorityUsableProviderFirst() {
        assertThat(names(Selector.candidates(List.of(oshi, jfr, strace, procfs), null, null, Scope.PROCESS, false)))
                .containsExactly("procfs", "jfr", "oshi");
    }

    @Test
    void breaksPriorityTiesByName() {
        TestProfiler b = new TestProfiler("bravo", 10);
        TestProfiler a = new TestProfiler("alpha", 10);
        assertThat(names(Selector.candidates(List.of(b, a), null, null, Scope.PROCESS, false)))
                .containsExactly("alpha", "bravo");
    }

    @Test
    void histogramRulesOutCountOnlyProviders() {
        assertThat(names(Selector.candidates(List.of(oshi, jfr, strace, procfs), null, null, Scope.PROCESS, true)))
                .containsExactly("jfr");
    }

    @Test
    void threadScopeRulesOutProcessOnlyProviders() {
        assertThat(names(Selector.candidates(List.of(oshi, jfr, procfs), null, null, Scope.THREAD, false)))
                .containsExactly("procfs", "jfr");
    }

    @Test
    void histogramWithOnlyCountProvidersGivesTheClearError() {
        NoProfilerException e = catchThrowableOfType(NoProfilerException.class,
                () -> Selector.candidates(List.of(oshi, strace, procfs), null, null, Scope.THREAD, true));
        assertThat(e).hasMessage("""
                No iops profiler can measure scope THREAD with a histogram here. Candidates:
                  - strace (priority 300): not usable: strace not found on PATH; install it with apt-get install strace
                  - procfs (priority 200): does not see operation sizes (needed by histogram())
                  - oshi (priority 50): does not see operation sizes (needed by histogram()) and cannot count a single thread (needed by Scope.THREAD)
                Make one of them usable as its reason says, add a provider module that can (iops-linux on Linux, \
                iops-windows on Windows), or ask for less (no histogram(), Scope.PROCESS).""");
        assertThat(e.candidates()).extracting(ProfilerInfo::name).containsExactly("strace", "procfs", "oshi");
        assertThat(e.candidates().get(0).usable()).isFalse();
    }

    @Test
    void callSitesNeedAProfilerThatSeesJavaFrames() {
        TestProfiler jvm = new TestProfiler("jvm", 150, Capability.OPERATION_SIZES, Capability.CALL_SITES);
        TestProfiler tracer = new TestProfiler("tracer", 300, Capability.OPERATION_SIZES, Capability.THREAD_SCOPE);
        assertThat(names(Selector.plan(List.of(tracer, jvm), null, null, Scope.PROCESS, true, true)))
                .containsExactly("jvm");
        assertThatThrownBy(() -> Selector.candidates(List.of(tracer), null, null, Scope.PROCESS, false, true))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("""
                        No iops profiler can measure scope PROCESS with call sites here. Candidates:
                          - tracer (priority 300): does not see Java call sites (needed by callSites())
                        Make one of them usable as its reason says, add a provider module that can (iops-linux on Linux, \
                        iops-windows on Windows), or ask for less (no callSites()).""");
    }

    @Test
    void planDoesNotAskForAvailabilityButCandidatesDoes() {
        int[] asked = {0};
        TestProfiler counted = new TestProfiler("counted", 10) {
            @Override
            public dev.iops.spi.Availability availability() {
                asked[0]++;
                return super.availability();
            }
        };
        assertThat(names(Selector.plan(List.of(counted), null, null, Scope.PROCESS, false, false))).containsExactly("counted");
        assertThat(asked[0]).isZero();
        Selector.candidates(List.of(counted), null, null, Scope.PROCESS, false);
        assertThat(asked[0]).isEqualTo(1);
    }

    @Test
    void noProviderAtAllSaysWhatToAdd() {
        assertThatThrownBy(() -> Selector.candidates(List.of(), null, null, Scope.PROCESS, false))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("No iops profiler was found: add a provider module next to iops-api "
                        + "(iops-linux on Linux, iops-windows on Windows).");
    }

    @Test
    void namedProfilerIsTheOnlyCandidateEvenWithLowerPriority() {
        assertThat(names(Selector.candidates(List.of(procfs, oshi), "oshi", "profiler(\"oshi\")", Scope.PROCESS, false)))
                .containsExactly("oshi");
    }

    @Test
    void unknownNameListsWhatExists() {
        assertThatThrownBy(() -> Selector.candidates(List.of(procfs, jfr), "strase", "-Diops.profiler=strase",
                Scope.PROCESS, false))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("No iops profiler is named 'strase' (from -Diops.profiler=strase). Found: procfs, jfr.");
    }

    @Test
    void namedUnusableProfilerSaysWhy() {
        assertThatThrownBy(() -> Selector.candidates(List.of(strace, procfs), "strace", "profiler(\"strace\")",
                Scope.PROCESS, false))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("Profiler 'strace' (from profiler(\"strace\")) is not usable here: "
                        + "strace not found on PATH; install it with apt-get install strace");
    }

    @Test
    void namedProfilerThatCannotDoItNamesThoseThatCan() {
        assertThatThrownBy(() -> Selector.candidates(List.of(strace, procfs, jfr), "procfs", "profiler(\"procfs\")",
                Scope.PROCESS, true))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("Profiler 'procfs' (from profiler(\"procfs\")) cannot measure scope PROCESS with a histogram: "
                        + "it does not see operation sizes (needed by histogram()). Usable profilers that can: jfr.");
    }

    @Test
    void profilerWhoseAvailabilityThrowsIsReportedUnusable() {
        Profiler broken = new TestProfiler("broken", 500) {
            @Override
            public dev.iops.spi.Availability availability() {
                throw new IllegalStateException("boom");
            }
        };
        ProfilerInfo info = Selector.info(broken);
        assertThat(info.usable()).isFalse();
        assertThat(info.reason()).isEqualTo("availability() threw java.lang.IllegalStateException: boom");
        assertThat(names(Selector.candidates(List.of(broken, procfs), null, null, Scope.PROCESS, false)))
                .containsExactly("procfs");
    }
}
