package dev.iops.linux;

import dev.iops.DeviceIo;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code Iops.with().devices()} on this machine, read from {@code /proc/diskstats}, beside procfs. */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DevicesOnLinuxTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    /** The whole disk holding {@code file}, found through st_dev and sysfs (not through the code under test). */
    private static String diskOf(Path file) throws IOException {
        long dev = ((Number) Files.getAttribute(file, "unix:dev")).longValue();
        long major = (dev >> 8) & 0xfff;
        long minor = (dev & 0xff) | ((dev >> 12) & 0xfff00);
        Path sys = Path.of("/sys/dev/block/" + major + ":" + minor);
        assumeTrue(Files.exists(sys), () -> file + " is not on a block device (" + major + ":" + minor + ")");
        Path real = sys.toRealPath();
        return Files.exists(real.resolve("partition")) ? real.getParent().getFileName().toString()
                : real.getFileName().toString();
    }

    @Test
    void theDiskHoldingTheFileShows64MiBInFewerRequestsThanTheCalls() throws IOException {
        Path file = dir.resolve("big.bin");
        Files.write(file, new byte[0]);
        String disk = diskOf(file);
        StringBuilder runs = new StringBuilder();
        boolean merged = false;
        for (int run = 0; run < 5 && !merged; run++) {
            IopsReport r = Iops.with().profiler("procfs").devices()
                    .measure(() -> Workloads.writeAndSync(file, 64, MIB));
            assertThat(r.writeOps()).isEqualTo(64); // the syscall view: 64 write calls
            DeviceIo d = r.devices().stream().filter(x -> x.name().equals(disk)).findFirst()
                    .orElseThrow(() -> new AssertionError("no device " + disk + " in " + r.devices()));
            assertThat(d.bytesWritten()).isGreaterThanOrEqualTo(64L * MIB);
            assertThat(d.writeOps()).isPositive();
            runs.append(d).append('\n');
            merged = d.writeOps() < 64; // the device view: merged requests
            assertThat(r.toText()).contains("devices (machine-wide").contains(disk);
            assertThat(r.toJson()).contains("\"devices\":{\"machineWide\":true,\"disks\":[")
                    .contains("\"name\":\"" + disk + "\"");
            assertThat(r.notes()).anyMatch(n -> n.startsWith("devices: machine-wide requests per device from diskstats"));
        }
        System.out.print(runs);
        assertThat(merged).as("some run with fewer than 64 device writes:\n%s", runs).isTrue();
    }

    @Test
    void anEmptyBlockShowsWhatElseTheMachineDidWithoutFailing() throws IOException {
        IopsReport r = Iops.with().profiler("procfs").devices().measure(() -> { });
        assertThat(r.writeOps()).isZero();
        // Every whole disk is listed, idle or not: other processes' requests are not an error.
        assertThat(r.devices()).extracting(DeviceIo::name).contains(diskOf(dir));
        assertThat(r.devices()).allSatisfy(d -> assertThat(d.bytesWritten()).isLessThan(64L * MIB));
        assertThat(r.toText()).contains("devices (machine-wide");
    }

    @Test
    void readingTheDevicesIsNotCountedAsTheBlocksIo() {
        Iops.with().profiler("procfs").scope(Scope.THREAD).devices().measure(() -> { }); // warm: class loading
        IopsReport r = Iops.with().profiler("procfs").scope(Scope.THREAD).devices().measure(() -> { });
        assertThat(r.readOps()).as("reads in an empty block with devices()").isZero();
        assertThat(r.bytesRead()).isZero();
        assertThat(r.writeOps()).isZero();
        assertThat(r.devices()).isNotEmpty();
    }

    @Test
    void anOuterSessionDoesNotCountTheDeviceReadingsOfASessionNestedInIt() {
        Runnable inner = () -> Iops.with().profiler("procfs").scope(Scope.THREAD).devices().measure(() -> { });
        inner.run(); // warm
        IopsReport outer = Iops.with().profiler("procfs").scope(Scope.THREAD).measure(inner::run);
        assertThat(outer.readOps()).as("the inner session's /proc/diskstats reads, booked as own I/O").isZero();
        assertThat(outer.bytesRead()).isZero();
    }

    @Test
    void reportsWithoutDevicesAskedHaveNone() {
        IopsReport r = Iops.with().profiler("procfs").measure(() -> { });
        assertThat(r.devices()).isEmpty();
        assertThat(r.toText()).doesNotContain("devices (machine-wide");
        assertThat(r.toJson()).contains("\"devices\":null");
    }
}
