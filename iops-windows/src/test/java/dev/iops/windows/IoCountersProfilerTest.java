package dev.iops.windows;

import dev.iops.Iops;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.internal.Selection;
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
        assertThat(new IoCountersProfiler("Linux").availability().otherPlatform()).as("no note about it on Linux")
                .isTrue();
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
        // Here (not Windows) iocounters is tried first and its kernel32 call fails, so jfr measures and says why.
        Selection.Started plain = start(onWindows, Scope.PROCESS, false);
        assertThat(plain.profiler().name()).isEqualTo("jfr");
        assertThat(plain.notes()).singleElement().asString().startsWith("passed over iocounters (priority 200): failed to start: ");
        Selection.Started histogram = start(onWindows, Scope.PROCESS, true);
        assertThat(histogram.profiler().name()).isEqualTo("jfr");
        assertThat(histogram.notes()).isEmpty();
        Selection.Started thread = start(onWindows, Scope.THREAD, false);
        assertThat(thread.profiler().name()).isEqualTo("jfr");
        assertThat(thread.notes()).isEmpty();
    }

    private static Selection.Started start(List<Profiler> profilers, Scope scope, boolean histogram) {
        Selection.Started s = Selection.start(profilers, new Selection.Options(null, scope, histogram, false), k -> null);
        s.recording().close();
        return s;
    }

    private static Profiler jfr() {
        return ServiceLoader.load(Profiler.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("jfr")).findFirst()
                .orElseThrow(() -> new AssertionError("jfr is not registered"));
    }

}
