package dev.iops.internal;

import java.time.Duration;
import java.util.Locale;

/** Human-readable numbers for the text table: binary byte units, grouped integers, short durations. */
public final class Units {
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Units() {
    }

    /** 4096 gives {@code "4.0 KiB"}; under 1 KiB the exact count, {@code "512 B"}. */
    public static String bytes(long bytes) {
        return scaled(bytes, 1);
    }

    /** Like {@link #bytes(long)} with {@code /s}; rates below 1 KiB/s keep one decimal. */
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

    /** A power-of-two bucket bound without decimals: 4096 gives {@code "4 KiB"}. */
    public static String bound(long bytes) {
        int unit = 0;
        long v = bytes;
        while (v >= 1024 && v % 1024 == 0 && unit < BYTE_UNITS.length - 1) {
            v /= 1024;
            unit++;
        }
        return v + " " + BYTE_UNITS[unit];
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

    /** 1234567 gives {@code "1,234,567"}. */
    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** A rate of operations: grouped, one decimal below 100. */
    public static String rate(double perSecond) {
        if (Double.isInfinite(perSecond) || Double.isNaN(perSecond)) {
            return "inf";
        }
        return perSecond < 100
                ? String.format(Locale.ROOT, "%.1f", perSecond)
                : String.format(Locale.ROOT, "%,d", Math.round(perSecond));
    }

    /** Three significant-ish figures in the largest fitting unit: {@code "850 ns"}, {@code "12.3 µs"}, {@code "1.25 s"}. */
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
