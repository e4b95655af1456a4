package dev.iops;

import java.time.Duration;
import java.util.Objects;

/**
 * Requests one storage device completed, as the device's own counters see them ({@code /proc/diskstats} on
 * Linux, OSHI's {@code HWDiskStore} on macOS and Windows): what a storage engineer calls IOPS (fio, iostat), as
 * opposed to the system calls a profiler counts. Many calls can merge into one request, and one call can become
 * many. <b>Machine-wide:</b> every process's requests to the device count, not only the measured block's.
 *
 * <p>In a report ({@link IopsReport#devices()}) the figures are the change over the block's window. Immutable and
 * thread-safe.
 *
 * @param name         the device name, e.g. {@code vda}, {@code nvme0n1}, {@code disk0}
 * @param readOps      read requests completed
 * @param writeOps     write requests completed
 * @param bytesRead    bytes read from the device
 * @param bytesWritten bytes written to the device
 * @param busy         time the device had requests in flight (Linux {@code io_ticks}, OSHI transfer time)
 */
public record DeviceIo(String name, long readOps, long writeOps, long bytesRead, long bytesWritten, Duration busy) {
    /**
     * Validates the figures.
     *
     * @param name         the device name
     * @param readOps      read requests completed
     * @param writeOps     write requests completed
     * @param bytesRead    bytes read from the device
     * @param bytesWritten bytes written to the device
     * @param busy         time the device had requests in flight
     * @throws IllegalArgumentException if a figure is negative or the name is blank
     */
    public DeviceIo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(busy, "busy");
        if (name.isBlank()) {
            throw new IllegalArgumentException("device name must not be blank");
        }
        if (readOps < 0 || writeOps < 0 || bytesRead < 0 || bytesWritten < 0 || busy.isNegative()) {
            throw new IllegalArgumentException("device " + name + ": figures must be >= 0, got readOps=" + readOps
                    + ", writeOps=" + writeOps + ", bytesRead=" + bytesRead + ", bytesWritten=" + bytesWritten
                    + ", busy=" + busy);
        }
    }

    /**
     * The change from an earlier reading of the same device's cumulative counters.
     *
     * @param earlier the reading at the start of the window
     * @return this minus {@code earlier}; a counter that went backwards (device reset, 32-bit wrap) counts as 0
     */
    public DeviceIo minus(DeviceIo earlier) {
        return new DeviceIo(name, Math.max(0, readOps - earlier.readOps), Math.max(0, writeOps - earlier.writeOps),
                Math.max(0, bytesRead - earlier.bytesRead), Math.max(0, bytesWritten - earlier.bytesWritten),
                busy.compareTo(earlier.busy) > 0 ? busy.minus(earlier.busy) : Duration.ZERO);
    }

    /** @return read plus write requests */
    public long totalOps() {
        return readOps + writeOps;
    }

    /** @return true if the device completed no request */
    public boolean isIdle() {
        return readOps == 0 && writeOps == 0 && bytesRead == 0 && bytesWritten == 0;
    }
}
