package dev.iops.examples;

import dev.iops.linux.DiskStatsSource;
import dev.iops.macos.OshiDiskSource;
import dev.iops.spi.DeviceSource;

import java.io.IOException;
import java.util.Locale;

/**
 * Prints what one reading of every disk costs for {@code Iops.with().devices()} (two readings per block): Linux's
 * direct {@code /proc/diskstats} reader against OSHI's {@code HWDiskStore} refresh, the one macOS and Windows use.
 * Each figure is the median of {@value #RUNS} runs of {@value #ITERATIONS} readings, after a warm-up run.
 * Run: {@code mvn -q exec:exec -pl iops-examples -Ddemo.main=dev.iops.examples.DeviceBenchmark}.
 */
public final class DeviceBenchmark {
    static final int RUNS = 7;
    static final int ITERATIONS = 200;

    private DeviceBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args ignored
     * @throws IOException if a source cannot read the devices
     */
    public static void main(String[] args) throws IOException {
        DeviceSource diskstats = new DiskStatsSource();
        DeviceSource oshi = new OshiDiskSource();
        double d = perReadingMicros(diskstats);
        double o = perReadingMicros(oshi);
        System.out.printf(Locale.ROOT, "one reading of every disk (median of %d runs x %d readings)%n", RUNS, ITERATIONS);
        System.out.printf(Locale.ROOT, "%-36s %6s %15s %8s%n", "source", "disks", "us per reading", "ratio");
        System.out.printf(Locale.ROOT, "%-36s %6d %15.1f %8s%n", "diskstats (/proc/diskstats)", diskstats.read().size(),
                d, "1.0x");
        System.out.printf(Locale.ROOT, "%-36s %6d %15.1f %7.1fx%n", "oshi (HWDiskStore.updateAttributes)",
                oshi.read().size(), o, o / d);
    }

    private static double perReadingMicros(DeviceSource source) throws IOException {
        double[] runs = new double[RUNS];
        for (int i = 0; i < ITERATIONS; i++) {
            source.read(); // warm-up: class loading, OSHI's first enumeration
        }
        for (int r = 0; r < RUNS; r++) {
            long start = System.nanoTime();
            for (int i = 0; i < ITERATIONS; i++) {
                source.read();
            }
            runs[r] = (System.nanoTime() - start) / 1e3 / ITERATIONS;
        }
        return Stats.median(runs);
    }
}
