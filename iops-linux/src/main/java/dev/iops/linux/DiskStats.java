package dev.iops.linux;

import dev.iops.DeviceIo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Pure parser of {@code /proc/diskstats} (Documentation/admin-guide/iostats.rst): one line per block device,
 * {@code major minor name} then reads completed, reads merged, sectors read, ms reading, writes completed,
 * writes merged, sectors written, ms writing, I/Os in progress, ms doing I/O ({@code io_ticks}), weighted ms, and
 * on newer kernels discard and flush fields, which are ignored. Sectors are always 512 bytes here, whatever the
 * device's own sector size. Thread-safe (stateless).
 */
final class DiskStats {
    private static final long SECTOR_BYTES = 512;

    private DiskStats() {
    }

    /**
     * Parses the whole file.
     *
     * @param text      the file's content
     * @param wholeDisk which names are whole disks (partitions would count every request twice)
     * @return one entry per whole disk in file order; lines with fewer than 14 fields or non-numbers are skipped
     */
    static List<DeviceIo> parse(String text, Predicate<String> wholeDisk) {
        List<DeviceIo> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 14 || !wholeDisk.test(f[2])) {
                continue;
            }
            try {
                long reads = Long.parseLong(f[3]);
                long sectorsRead = Long.parseLong(f[5]);
                long writes = Long.parseLong(f[7]);
                long sectorsWritten = Long.parseLong(f[9]);
                long ioTicksMillis = Long.parseLong(f[12]);
                out.add(new DeviceIo(f[2], reads, writes, sectorsRead * SECTOR_BYTES, sectorsWritten * SECTOR_BYTES,
                        Duration.ofMillis(ioTicksMillis)));
            } catch (IllegalArgumentException e) {
                // a malformed line (negative, overflow, not a number): skip it rather than fail the whole reading
            }
        }
        return out;
    }
}
