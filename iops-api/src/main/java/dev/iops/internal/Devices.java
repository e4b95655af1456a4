package dev.iops.internal;

import dev.iops.DeviceIo;
import dev.iops.IopsException;
import dev.iops.IopsReport;
import dev.iops.spi.Availability;
import dev.iops.spi.DeviceSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The device view of {@code Iops.with().devices()}: cumulative counters read before and after the window. */
public final class Devices {
    /** Best first: highest priority, ties to the smaller name (the same rule as profiler selection). */
    static final Comparator<DeviceSource> ORDER = Comparator.comparingInt(DeviceSource::priority).reversed()
            .thenComparing(DeviceSource::name);

    private Devices() {
    }

    /**
     * Reads the devices with the best usable source, before the profiler's window opens.
     *
     * @param sources the device sources found
     * @return the open device window
     * @throws IopsException if no source is usable or the first reading fails
     */
    public static Window begin(List<DeviceSource> sources) {
        List<DeviceSource> sorted = new ArrayList<>(sources);
        sorted.sort(ORDER);
        List<String> why = new ArrayList<>();
        for (DeviceSource s : sorted) {
            Availability a = s.availability();
            if (!a.usable()) {
                why.add(s.name() + ": " + a.reason());
                continue;
            }
            try {
                return new Window(s, byName(s.read()));
            } catch (IOException | RuntimeException e) {
                throw new IopsException("devices(): device source '" + s.name() + "' could not read the device "
                        + "counters: " + e.getMessage() + ". Drop devices() to measure without the device view.", e);
            }
        }
        throw new IopsException("devices() needs a device source, and none is usable here"
                + (why.isEmpty() ? " (none found)" : ": " + String.join("; ", why))
                + ". Add iops-linux (reads /proc/diskstats) on Linux, or iops-macos (OSHI) on macOS and Windows.");
    }

    private static Map<String, DeviceIo> byName(List<DeviceIo> devices) {
        Map<String, DeviceIo> m = new LinkedHashMap<>();
        for (DeviceIo d : devices) {
            m.putIfAbsent(d.name(), d);
        }
        return m;
    }

    /** The device counters at the start of one window. Immutable. */
    public static final class Window {
        private final DeviceSource source;
        private final Map<String, DeviceIo> before;

        Window(DeviceSource source, Map<String, DeviceIo> before) {
            this.source = source;
            this.before = before;
        }

        /**
         * Reads the devices again, after the profiler's window closed, and adds the change to the report. A failed
         * second reading does not lose the measurement: the report says so in a note.
         *
         * @param report the report of the block
         * @return the report with its devices and a note saying they are machine-wide
         */
        public IopsReport end(IopsReport report) {
            List<DeviceIo> after;
            try {
                after = source.read();
            } catch (IOException | RuntimeException e) {
                return report.withNote("devices: " + source.name() + " could not read the device counters at the end "
                        + "of the block (" + e.getMessage() + "); no device figures");
            }
            List<DeviceIo> delta = new ArrayList<>();
            for (DeviceIo d : after) {
                DeviceIo b = before.get(d.name());
                if (b != null) { // a device that appeared during the block has no start reading
                    delta.add(d.minus(b));
                }
            }
            return report.withDevices(delta).withNote("devices: machine-wide requests per device from "
                    + source.name() + " (every process's I/O counts, and writes reach a device when the kernel "
                    + "flushes them)");
        }
    }
}
