package dev.iops.macos;

import dev.iops.DeviceIo;
import dev.iops.spi.Availability;
import dev.iops.spi.DeviceSource;
import dev.iops.spi.SelfIo;
import oshi.SystemInfo;
import oshi.hardware.HWDiskStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Device counters for {@code Iops.with().devices()} through OSHI's {@link HWDiskStore}, named {@code oshi}: IOKit
 * on macOS, the PhysicalDisk performance counters on Windows. Priority 100, below Linux's direct
 * {@code /proc/diskstats} reader (OSHI's disk refresh took 12 ms for 2 disks on Linux). OSHI lists whole disks.
 * The refresh is bracketed with {@link SelfIo#meter()}. Thread-safe: one refresh at a time.
 */
public final class OshiDiskSource implements DeviceSource {
    private final String osName;
    private List<HWDiskStore> disks;

    /** Creates the source; it loads nothing until asked. */
    public OshiDiskSource() {
        this(System.getProperty("os.name", ""));
    }

    OshiDiskSource(String osName) {
        this.osName = osName;
    }

    @Override
    public String name() {
        return "oshi";
    }

    /** @return 100: a portable library, below an OS's own counters read directly */
    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        return OshiSupport.availability(osName, "disk counters");
    }

    @Override
    public synchronized List<DeviceIo> read() {
        List<DeviceIo> out = new ArrayList<>();
        try (SelfIo.Meter ignored = SelfIo.meter()) {
            if (disks == null) {
                disks = new SystemInfo().getHardware().getDiskStores(); // first call: already fresh
            } else {
                for (HWDiskStore d : disks) {
                    d.updateAttributes();
                }
            }
        }
        for (HWDiskStore d : disks) {
            out.add(of(d.getName(), d.getReads(), d.getWrites(), d.getReadBytes(), d.getWriteBytes(),
                    d.getTransferTime()));
        }
        return out;
    }

    /** OSHI reports -1 or garbage for counters a platform lacks; those become 0 rather than failing the report. */
    static DeviceIo of(String name, long reads, long writes, long readBytes, long writeBytes, long transferMillis) {
        String n = name == null || name.isBlank() ? "(unnamed disk)" : name.strip();
        if (n.startsWith("/dev/")) {
            n = n.substring("/dev/".length());
        }
        return new DeviceIo(n, Math.max(0, reads), Math.max(0, writes), Math.max(0, readBytes),
                Math.max(0, writeBytes), Duration.ofMillis(Math.max(0, transferMillis)));
    }

    @Override
    public String toString() {
        return "OshiDiskSource[oshi, priority 100]";
    }
}
