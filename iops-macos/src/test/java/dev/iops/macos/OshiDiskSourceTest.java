package dev.iops.macos;

import dev.iops.DeviceIo;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OSHI's disk counters as the device source (iops-linux is not on this module's test class path, so OSHI is the
 * only source): run for real on Linux, where OSHI reads the same kernel counters as diskstats.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class OshiDiskSourceTest {
    @TempDir
    Path dir;

    @Test
    @EnabledOnOs(OS.LINUX)
    void someDiskShowsThe64MiBWrittenAndSyncedInTheBlock() throws IOException {
        Path file = dir.resolve("big.bin");
        IopsReport r = Iops.with().profiler("oshi").devices()
                .measure(() -> Workloads.writeAndSync(file, 64, 1 << 20));
        assertThat(r.devices()).isNotEmpty();
        assertThat(r.devices()).anySatisfy(d -> assertThat(d.bytesWritten()).isGreaterThanOrEqualTo(64L << 20));
        assertThat(r.devices()).extracting(DeviceIo::name).allSatisfy(n -> assertThat(n).doesNotStartWith("/dev/"));
        assertThat(r.notes()).anyMatch(n -> n.startsWith("devices: machine-wide requests per device from oshi"));
    }

    @Test
    void turnsOshisMissingCountersIntoZerosAndStripsDevPrefixes() {
        assertThat(OshiDiskSource.of("/dev/disk0", -1, 7, -1, 4096, -1))
                .isEqualTo(new DeviceIo("disk0", 0, 7, 0, 4096, Duration.ZERO));
        assertThat(OshiDiskSource.of("  ", 1, 1, 1, 1, 1).name()).isEqualTo("(unnamed disk)");
    }

    @Test
    void isUnusableOnAnUnknownOs() {
        assertThat(new OshiDiskSource("Plan 9").availability().reason())
                .isEqualTo("OSHI disk counters are wired here for Linux, macOS and Windows; this is Plan 9");
    }
}
