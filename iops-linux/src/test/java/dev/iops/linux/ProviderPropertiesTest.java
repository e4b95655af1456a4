package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.Scope;
import dev.iops.spi.ProfilerStartException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every {@code iops.strace.*} and {@code iops.perf.*} value is checked where the provider starts, with a message
 * that names the property and what it accepts (issue 19, item 7): {@code -Diops.strace.timeout=0} used to become
 * 1 ms and then blame an overloaded machine, {@code -Diops.perf.linger=-5} to become 0.
 */
@Timeout(60)
class ProviderPropertiesTest {
    @AfterEach
    void clear() {
        for (String p : new String[] {StraceProfiler.TIMEOUT_PROPERTY, StraceProfiler.LINGER_PROPERTY,
                StraceProfiler.MAX_TRACE_PROPERTY, StraceProfiler.PIN_PROPERTY, PerfProfiler.TIMEOUT_PROPERTY,
                PerfProfiler.LINGER_PROPERTY, PerfProfiler.BUFFER_PROPERTY, PerfProfiler.KERNEL_FILTER_PROPERTY}) {
            System.clearProperty(p);
        }
        StraceTracer.detachIdle();
    }

    @ParameterizedTest(name = "-D{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "iops.strace.timeout | 0 | -Diops.strace.timeout=0 is out of range: use a whole number of milliseconds from 1 to 86400000 (default 10000)",
            "iops.strace.timeout | -1 | -Diops.strace.timeout=-1 is out of range: use a whole number of milliseconds from 1 to 86400000 (default 10000)",
            "iops.strace.timeout | 10s | -Diops.strace.timeout=10s is not a whole number: use a whole number of milliseconds from 1 to 86400000 (default 10000)",
            "iops.strace.linger | -5 | -Diops.strace.linger=-5 is out of range: use a whole number of milliseconds from 0 to 86400000 (default 0)",
            "iops.strace.maxTraceMiB | 0 | -Diops.strace.maxTraceMiB=0 is out of range: use a whole number of MiB from 1 to 1048576 (default 1024)",
            "iops.strace.maxTraceMiB | 9000000000000 | -Diops.strace.maxTraceMiB=9000000000000 is out of range: use a whole number of MiB from 1 to 1048576 (default 1024)",
            "iops.strace.pin | cpu0 | -Diops.strace.pin=cpu0 is not one of false, true, thread (default false)"})
    @EnabledIf("dev.iops.linux.StraceAcceptanceTest#usable")
    void straceRefusesAValueItDoesNotAcceptNamingTheRange(String property, String value, String message) {
        System.setProperty(property, value);
        long attaches = StraceTracer.attaches();
        assertThatThrownBy(() -> Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measure(() -> { }))
                .isInstanceOf(ProfilerStartException.class).hasMessage(message);
        assertThat(StraceTracer.attaches()).as("refused before attaching").isEqualTo(attaches);
    }

    @Test
    @EnabledIf("dev.iops.linux.StraceAcceptanceTest#usable")
    void straceTakesTheBoundsOfEachRange() {
        System.setProperty(StraceProfiler.TIMEOUT_PROPERTY, "86400000");
        System.setProperty(StraceProfiler.LINGER_PROPERTY, "0");
        System.setProperty(StraceProfiler.MAX_TRACE_PROPERTY, "1");
        assertThat(Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measure(() -> { }).profiler())
                .isEqualTo(StraceProfiler.NAME);
    }

    /** perf cannot run on every machine (its tracepoints need tracefs): its options are read by these methods. */
    @ParameterizedTest(name = "-D{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "iops.perf.timeout | 0 | -Diops.perf.timeout=0 is out of range: use a whole number of milliseconds from 1 to 86400000 (default 10000)",
            "iops.perf.linger | -5 | -Diops.perf.linger=-5 is out of range: use a whole number of milliseconds from 0 to 86400000 (default 0)",
            "iops.perf.buffer | 3 | -Diops.perf.buffer=3 is not a power of two: use a power of two of pages from 1 to 1048576 (default 1024)",
            "iops.perf.buffer | 0 | -Diops.perf.buffer=0 is out of range: use a whole number of pages from 1 to 1048576 (default 1024)",
            "iops.perf.kernelFilter | nope | -Diops.perf.kernelFilter=nope is not true or false (default true)"})
    void perfRefusesAValueItDoesNotAcceptNamingTheRange(String property, String value, String message) {
        System.setProperty(property, value);
        assertThatThrownBy(() -> {
            PerfProfiler.timeout();
            PerfProfiler.linger();
            PerfProfiler.bufferPages();
            PerfProfiler.kernelFilter();
        }).isInstanceOf(ProfilerStartException.class).hasMessage(message);
    }

    @Test
    void perfReadsItsDefaults() {
        assertThat(PerfProfiler.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(PerfProfiler.linger()).isEqualTo(Duration.ZERO);
        assertThat(PerfProfiler.bufferPages()).isEqualTo(PerfProfiler.DEFAULT_BUFFER_PAGES);
        assertThat(PerfProfiler.kernelFilter()).isTrue();
    }
}
