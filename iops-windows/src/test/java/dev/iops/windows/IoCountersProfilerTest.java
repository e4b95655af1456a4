package dev.iops.windows;

import dev.iops.Iops;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.internal.Selector;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.RecordingRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider's contract off Windows, and how it combines with jfr in selection. */
class IoCountersProfilerTest {
    @Test
    void isRegisteredAsACountOnlyExactCounter() {
        ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals("iocounters")).findFirst()
                .orElseThrow(() -> new AssertionError("iocounters is not registered: " + Iops.profilers()));
        assertThat(info.priority()).isEqualTo(200);
        assertThat(info.capabilities()).isEmpty();
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void isUnusableOffWindowsWithAClearReason() {
        String os = System.getProperty("os.name");
        assertThat(new IoCountersProfiler().availability().reason())
                .isEqualTo("needs Windows (GetProcessIoCounters); this is " + os);
        assertThat(new IoCountersProfiler("Linux").availability().reason())
                .isEqualTo("needs Windows (GetProcessIoCounters); this is Linux");
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void refusesToStartOffWindowsWithoutLoadingNativeCode() {
        assertThatThrownBy(() -> new IoCountersProfiler("Linux").start(
                new RecordingRequest(Scope.PROCESS, Thread.currentThread(), false)))
                .isInstanceOf(ProfilerStartException.class)
                .hasMessage("iocounters needs Windows (GetProcessIoCounters); this is Linux. Use procfs on Linux, "
                        + "or jfr anywhere.");
    }

    @Test
    void wouldBeUsableOnWindowsWithJnaPresent() {
        // Asks for JNA's class without initialising it: no native library is loaded here.
        assertThat(new IoCountersProfiler("Windows 11").availability().usable()).isTrue();
    }

    @Test
    void onWindowsAPlainRequestSelectsIocountersAndAHistogramOrThreadRequestSelectsJfr() {
        List<Profiler> onWindows = List.of(jfr(), new IoCountersProfiler("Windows 11"));
        assertThat(names(Selector.candidates(onWindows, null, "test", Scope.PROCESS, false)))
                .containsExactly("iocounters", "jfr");
        assertThat(names(Selector.candidates(onWindows, null, "test", Scope.PROCESS, true)))
                .containsExactly("jfr");
        assertThat(names(Selector.candidates(onWindows, null, "test", Scope.THREAD, false)))
                .containsExactly("jfr");
    }

    private static Profiler jfr() {
        return ServiceLoader.load(Profiler.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("jfr")).findFirst()
                .orElseThrow(() -> new AssertionError("jfr is not registered"));
    }

    private static List<String> names(List<Profiler> profilers) {
        return profilers.stream().map(Profiler::name).toList();
    }
}
