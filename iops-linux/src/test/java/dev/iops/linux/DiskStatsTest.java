package dev.iops.linux;

import dev.iops.DeviceIo;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code /proc/diskstats} parser on this VM's file (kernel 6.18) and on older and partitioned layouts. */
class DiskStatsTest {

    @Test
    void readsEveryFieldOfAWholeDiskLine() throws IOException {
        String text;
        try (InputStream in = DiskStatsTest.class.getResourceAsStream("/diskstats/vm-6.x.txt")) {
            text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        List<DeviceIo> all = DiskStats.parse(text, name -> true);
        assertThat(all).extracting(DeviceIo::name).containsExactly("loop0", "loop1", "loop2", "loop3", "loop4",
                "loop5", "loop6", "loop7", "vda", "zram0");
        // " 254 0 vda 20748 6583 2194282 11003 9495 14763 4358120 15798 0 9224 29982 ..." (20 fields)
        assertThat(all.get(8)).isEqualTo(new DeviceIo("vda", 20748, 9495, 2194282L * 512, 4358120L * 512,
                Duration.ofMillis(9224)));
    }

    @Test
    void keepsWholeDisksOnlySoNoRequestCountsTwice() {
        String text = """
                   8       0 sda 100 0 800 10 50 0 400 5 0 12 15
                   8       1 sda1 90 0 720 9 50 0 400 5 0 11 14
                 259       0 nvme0n1 7 1 56 2 3 0 24 1 0 3 3 0 0 0 0 2 1
                 259       1 nvme0n1p1 7 1 56 2 3 0 24 1 0 3 3 0 0 0 0 2 1
                """;
        List<DeviceIo> disks = DiskStats.parse(text, Set.of("sda", "nvme0n1")::contains);
        assertThat(disks).containsExactly(
                new DeviceIo("sda", 100, 50, 800 * 512, 400 * 512, Duration.ofMillis(12)),
                new DeviceIo("nvme0n1", 7, 3, 56 * 512, 24 * 512, Duration.ofMillis(3)));
    }

    @Test
    void skipsShortOrMalformedLinesWithoutFailingTheReading() {
        String text = """
                   8       0 sda 100 0 800 10 50 0 400 5 0 12 15
                   8      16 sdb 1 2 3
                   8      32 sdc x 0 800 10 50 0 400 5 0 12 15
                   8      48 sdd -5 0 800 10 50 0 400 5 0 12 15
                   8      64 sde 99999999999999999999 0 800 10 50 0 400 5 0 12 15

                garbage
                """;
        assertThat(DiskStats.parse(text, n -> true)).extracting(DeviceIo::name).containsExactly("sda");
    }
}
