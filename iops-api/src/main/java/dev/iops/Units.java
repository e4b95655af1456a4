package dev.iops;

import java.time.Duration;
import java.util.Locale;

/**
 * How iops writes numbers for people, in {@link IopsReport#toText()} and on charts: binary byte units
 * ({@code 4.0 KiB}, never {@code 4 KB}), grouped counts ({@code 1,000}) and short durations ({@code 12.35 ms}).
 * Use it so that your own output reads like iops'. All methods are pure and thread-safe; the output uses
 * {@link Locale#ROOT}, whatever the default locale.
 */
public final class Units {
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /**
     * A byte count with one decimal in the largest fitting binary unit.
     *
     * @param bytes bytes, {@code >= 0}
     * @return {@code "512 B"} under 1 KiB (exact), else for example {@code "4.0 KiB"} or {@code "3.9 MiB"}
     */
    public static String bytes(long bytes) {
        return scaled(bytes, 1);
    }

    /**
     * A throughput with one decimal in the largest fitting binary unit.
     *
     * @param rate bytes per second, {@code >= 0}
     * @return for example {@code "0.5 B/s"} or {@code "316.4 MiB/s"}; {@code "inf"} for an infinite rate
     */
    public static String bytesPerSecond(double rate) {
        if (Double.isInfinite(rate) || Double.isNaN(rate)) {
            return "inf";
        }
        if (rate < 1024) {
            return String.format(Locale.ROOT, "%.1f B/s", rate);
        }
        int unit = 0;
        double v = rate;
        while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s/s", v, BYTE_UNITS[unit]);
    }

    /**
     * A size without decimals, for power-of-two bucket bounds: only whole multiples move up a unit, so a bound
     * never rounds.
     *
     * @param bytes bytes, {@code >= 0}
     * @return for example {@code "0 B"}, {@code "4 KiB"}, {@code "1 MiB"}; 1536 gives {@code "1536 B"}
     */
    public static String bound(long bytes) {
        int unit = 0;
        long v = bytes;
        while (v >= 1024 && v % 1024 == 0 && unit < BYTE_UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return v + " " + BYTE_UNITS[unit];
    }

    /**
     * The size range of a histogram bucket, as the text table's rows print it.
     *
     * @param index bucket index, 0 to {@link SizeHistogram#MAX_BUCKETS} - 1
     * @return {@code "0 B"}, {@code "1 B"}, else for example {@code "[4 KiB, 8 KiB)"}
     */
    public static String sizeRange(int index) {
        if (index <= 1) {
            return bound(SizeHistogram.lowerBoundBytes(index));
        }
        return "[" + bound(SizeHistogram.lowerBoundBytes(index)) + ", " + bound(SizeHistogram.upperBoundBytes(index)) + ")";
    }

    private static String scaled(long bytes, int decimals) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int unit = 0;
        double v = bytes;
        while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%." + decimals + "f %s", v, BYTE_UNITS[unit]);
    }

    /**
     * A count with thousands separators.
     *
     * @param n the count
     * @return for example {@code "1,234,567"}
     */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /**
     * A rate of operations: grouped whole numbers, one decimal below 100.
     *
     * @param perSecond operations per second, {@code >= 0}
     * @return for example {@code "12.5"} or {@code "81,081"}; {@code "inf"} for an infinite rate
     */
    public static String rate(double perSecond) {
        if (Double.isInfinite(perSecond) || Double.isNaN(perSecond)) {
            return "inf";
        }
        return perSecond < 100
                ? String.format(Locale.ROOT, "%.1f", perSecond)
                : String.format(Locale.ROOT, "%,d", Math.round(perSecond));
    }

    /**
     * A duration in the largest fitting unit.
     *
     * @param d a non-negative duration
     * @return {@code "850 ns"}, {@code "12.3 µs"}, {@code "12.35 ms"} or {@code "1.250 s"}
     */
    public static String duration(Duration d) {
        long nanos = d.toNanos();
        if (nanos < 1_000) {
            return nanos + " ns";
        }
        if (nanos < 1_000_000) {
            return String.format(Locale.ROOT, "%.1f µs", nanos / 1e3);
        }
        if (nanos < 1_000_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
