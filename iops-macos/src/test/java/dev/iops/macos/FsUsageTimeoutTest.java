package dev.iops.macos;

import dev.iops.spi.ProfilerStartException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code iops.fs_usage.timeout} is checked, not defaulted in silence when it is not a number (issue 19, item 7). */
class FsUsageTimeoutTest {
    @AfterEach
    void clear() {
        System.clearProperty(FsUsageProfiler.TIMEOUT_PROPERTY);
    }

    @Test
    void defaultsToTenSeconds() {
        assertThat(FsUsageProfiler.timeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void refusesAValueItDoesNotAccept() {
        System.setProperty(FsUsageProfiler.TIMEOUT_PROPERTY, "10s");
        assertThatThrownBy(FsUsageProfiler::timeout).isInstanceOf(ProfilerStartException.class)
                .hasMessage("-Diops.fs_usage.timeout=10s is not a whole number: use a whole number of milliseconds "
                        + "from 1 to 86400000 (default 10000)");
        System.setProperty(FsUsageProfiler.TIMEOUT_PROPERTY, "0");
        assertThatThrownBy(FsUsageProfiler::timeout).hasMessageStartingWith("-Diops.fs_usage.timeout=0 is out of range");
    }
}
