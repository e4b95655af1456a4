package dev.iops.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iops.DeviceIo;
import dev.iops.IopsException;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.DeviceSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The device window: deltas, the best usable source, failures, and how text and JSON label the figures. */
class DevicesTest {
    /** A source that returns prepared readings in order, or throws when given none. */
    static final class Scripted implements DeviceSource {
        final String name;
        final int priority;
        final Availability availability;
        final Deque<List<DeviceIo>> readings = new ArrayDeque<>();

        Scripted(String name, int priority, Availability availability) {
            this.name = name;
            this.priority = priority;
            this.availability = availability;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Availability availability() {
            return availability;
        }

        @Override
        public List<DeviceIo> read() throws IOException {
            if (readings.isEmpty()) {
                throw new IOException("/proc/diskstats vanished");
            }
            return readings.pop();
        }
    }

    private static DeviceIo disk(String name, long r, long w, long rb, long wb, long busyMs) {
        return new DeviceIo(name, r, w, rb, wb, Duration.ofMillis(busyMs));
    }

    private static IopsReport block() {
        return IopsReport.of("procfs", Scope.PROCESS, Duration.ofMillis(100), 0, 64, 0, 64L << 20);
    }

    @Test
    void reportsTheChangeOfEveryDeviceFromTheBestUsableSource() {
        Scripted best = new Scripted("best", 200, Availability.ready());
        best.readings.add(List.of(disk("vda", 10, 100, 4096, 1 << 20, 50), disk("loop0", 0, 0, 0, 0, 0)));
        best.readings.add(List.of(disk("vda", 10, 120, 4096, (1 << 20) + (64L << 20), 86), disk("loop0", 0, 0, 0, 0, 0),
                disk("sdz", 5, 5, 5, 5, 5))); // sdz appeared during the block: no start reading, left out
        Scripted worse = new Scripted("worse", 100, Availability.ready());
        Scripted broken = new Scripted("broken", 300, Availability.unusable("needs Plan 9"));
        IopsReport r = Devices.begin(List.of(worse, broken, best)).end(block());
        assertThat(r.devices()).containsExactly(disk("vda", 0, 20, 0, 64L << 20, 36), disk("loop0", 0, 0, 0, 0, 0));
        assertThat(r.notes()).containsExactly("devices: machine-wide requests per device from best (every process's "
                + "I/O counts, and writes reach a device when the kernel flushes them)");
        assertThat(worse.readings).isEmpty();
    }

    @Test
    void labelsTheDeviceTableAsMachineWideAndFoldsIdleDevices() throws Exception {
        IopsReport r = block().withDevices(List.of(disk("vda", 0, 20, 0, 64L << 20, 36), disk("loop0", 0, 0, 0, 0, 0),
                disk("loop1", 0, 0, 0, 0, 0)));
        String text = r.toText();
        assertThat(text).contains("\ndevices (machine-wide: every process's requests count)\n"
                + "device           read ops  write ops   read bytes  write bytes       busy\n"
                + "vda                     0         20          0 B     64.0 MiB   36.00 ms\n"
                + "  (idle: loop0, loop1)\n");
        JsonNode j = new ObjectMapper().readTree(r.toJson());
        assertThat(j.get("devices").get("machineWide").asBoolean()).isTrue();
        JsonNode vda = j.get("devices").get("disks").get(0);
        assertThat(vda.get("name").asText()).isEqualTo("vda");
        assertThat(vda.get("writeOps").asLong()).isEqualTo(20);
        assertThat(vda.get("bytesWritten").asLong()).isEqualTo(64L << 20);
        assertThat(vda.get("busyNanos").asLong()).isEqualTo(36_000_000L);
        assertThat(j.get("devices").get("disks")).hasSize(3);
    }

    @Test
    void aFailedEndReadingKeepsTheReportAndSaysSo() {
        Scripted once = new Scripted("diskstats", 200, Availability.ready());
        once.readings.add(List.of(disk("vda", 1, 1, 1, 1, 1)));
        IopsReport r = Devices.begin(List.of(once)).end(block());
        assertThat(r.devices()).isEmpty();
        assertThat(r.writeOps()).isEqualTo(64);
        assertThat(r.notes()).containsExactly("devices: diskstats could not read the device counters at the end of "
                + "the block (/proc/diskstats vanished); no device figures");
    }

    @Test
    void explainsWhenNoSourceCanReadTheDevices() {
        assertThatThrownBy(() -> Devices.begin(List.of(new Scripted("oshi", 100, Availability.unusable(
                "needs OSHI (com.github.oshi:oshi-core) next to iops-macos")))))
                .isInstanceOf(IopsException.class)
                .hasMessage("devices() needs a device source, and none is usable here: oshi: needs OSHI "
                        + "(com.github.oshi:oshi-core) next to iops-macos. Add iops-linux (reads /proc/diskstats) on "
                        + "Linux, or iops-macos (OSHI) on macOS and Windows.");
        assertThatThrownBy(() -> Devices.begin(List.of())).hasMessageStartingWith(
                "devices() needs a device source, and none is usable here (none found).");
        Scripted failing = new Scripted("diskstats", 200, Availability.ready());
        assertThatThrownBy(() -> Devices.begin(List.of(failing))).isInstanceOf(IopsException.class).hasMessage(
                "devices(): device source 'diskstats' could not read the device counters: /proc/diskstats vanished. "
                        + "Drop devices() to measure without the device view.");
    }

    @Test
    void aCounterThatWentBackwardsCountsAsZeroNotNegative() {
        assertThat(disk("vda", 5, 5, 5, 5, 5).minus(disk("vda", 9, 1, 9, 1, 9))).isEqualTo(disk("vda", 0, 4, 0, 4, 0));
    }
}
