package dev.iops.spi;

import dev.iops.DeviceIo;

import java.io.IOException;
import java.util.List;

/**
 * Cumulative per-device request counters of this machine, for {@code Iops.with().devices()}. Implementations are
 * found with {@link java.util.ServiceLoader} like {@link Profiler}s (declare them with {@code provides
 * dev.iops.spi.DeviceSource with ...} and in {@code META-INF/services/dev.iops.spi.DeviceSource}); the usable one
 * with the highest {@link #priority()} reads the devices, ties to the smaller {@link #name()}.
 *
 * <p>The session reads the devices before the profiler's window opens and after it closes, so that reading them is
 * never counted as the block's I/O: the device window is a little wider than the block.
 *
 * <p>Thread-safety: instances are shared by every session of the JVM; all methods must be thread-safe.
 */
public interface DeviceSource {
    /** @return a short, stable, lower-case id such as {@code "diskstats"} or {@code "oshi"} */
    String name();

    /**
     * Selection priority; higher wins: {@code 200} for a direct read of the OS's own counters, {@code 100} for a
     * portable library such as OSHI, below 0 for test doubles.
     *
     * @return the priority
     */
    int priority();

    /**
     * Whether the source can read devices here. Cheap, free of side effects, never throws.
     *
     * @return usable, or unusable with a one-line reason
     */
    Availability availability();

    /**
     * Reads every device's cumulative counters now. Whole disks only (not partitions), so that no request counts
     * twice; devices that can never do I/O (unused loop devices) may be left out.
     *
     * @return one entry per device, in a stable order, names unique
     * @throws IOException if the counters cannot be read; the report then says so in a note
     */
    List<DeviceIo> read() throws IOException;
}
