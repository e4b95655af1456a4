package dev.iops.macos;

import dev.iops.Figure;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.IopsException;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code oshi} measured for real on this machine (Linux: {@code /proc/self/io} through OSHI). */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OshiProfilerTest {
    static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void countsStorageBytesOf64MiBWrittenAndSyncedAndNoOperations() throws IOException {
        Path file = dir.resolve("big.bin");
        IopsReport r = Iops.with().profiler("oshi").measure(() -> Workloads.writeAndSync(file, 64, MIB));
        assertThat(r.profiler()).isEqualTo("oshi");
        assertThat(r.bytesWritten()).isGreaterThanOrEqualTo(64L * MIB);
        assertThat(r.isMeasured(Figure.WRITE_OPS)).isFalse();
        assertThat(r.isMeasured(Figure.READ_OPS)).isFalse();
        assertThat(r.figure(Figure.WRITE_OPS)).isEmpty();
        assertThatThrownBy(r::writeOps).isInstanceOf(IllegalStateException.class).hasMessageContaining("oshi");
        assertThat(r.toText()).contains("n/a");
        assertThat(r.toJson()).contains("\"writeOps\":null");
        assertThat(r.notes()).anyMatch(n -> n.contains("operation counts are unknown"));
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void anEmptyBlockWritesNothingToStorage() {
        Iops.with().profiler("oshi").measure(() -> { }); // warm: OSHI and JNA load before the first window
        IopsReport r = Iops.with().profiler("oshi").measure(() -> { });
        assertThat(r.bytesWritten()).isLessThan(MIB); // the JVM may flush a log page meanwhile; never 64 MiB
    }

    @Test
    void refusesThreadScopeWithAReason() {
        assertThatThrownBy(() -> Iops.with().profiler("oshi").scope(Scope.THREAD).measure(() -> { }))
                .isInstanceOf(IopsException.class)
                .hasMessageContaining("oshi")
                .hasMessageContaining("Scope.THREAD");
    }

    @Test
    void isBytesOnlyBandAndUnusableOnAnUnknownOs() {
        OshiProfiler p = new OshiProfiler("Plan 9");
        assertThat(p.priority()).isBetween(0, 99);
        assertThat(p.availability().usable()).isFalse();
        assertThat(p.availability().reason()).isEqualTo(
                "OSHI process counters are wired here for Linux, macOS and Windows; this is Plan 9");
        assertThat(p.availability().otherPlatform()).isTrue();
        assertThat(new OshiProfiler("Linux").availability().usable()).isTrue();
    }
}
