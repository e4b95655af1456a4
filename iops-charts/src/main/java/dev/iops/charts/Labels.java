package dev.iops.charts;

import dev.iops.SizeHistogram;
import dev.iops.Units;

import java.time.Duration;
import java.util.Locale;

/**
 * Words and numbers on the charts, written the way {@code IopsReport.toText()} writes them: binary byte units
 * ({@code 4 KiB}, {@code 7.8 MiB}), grouped counts ({@code 1,000}) and short durations ({@code 12.34 ms}).
 * The plain formats come from {@link Units}, shared with the text table; the axis units are the charts' own.
 * Stateless and thread-safe.
 */
final class Labels {
    private static final String[] BYTE_UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Labels() {
    }

    /**
     * The axis label of a size bucket: its smallest size. Bucket 13 holds {@code [4 KiB, 8 KiB)} and is labelled
     * {@code "4 KiB"}; the axis title says each bucket runs up to twice its label.
     *
     * @param index bucket index, 0 to {@code SizeHistogram.MAX_BUCKETS - 1}
     * @return the label, e.g. {@code "0 B"}, {@code "1 B"}, {@code "4 KiB"}
     */
    static String bucket(int index) {
        return Units.bound(SizeHistogram.lowerBoundBytes(index));
    }

    /**
     * A binary unit for a y axis of bytes: the largest unit that the biggest value reaches, so the tallest bar
     * reads between 1 and 1023 of it.
     *
     * @param symbol  {@code "B"}, {@code "KiB"}, ...
     * @param divisor bytes per unit, a power of 1024
     */
    record ByteUnit(String symbol, long divisor) {
        /**
         * @param maxBytes the largest value to show, {@code >= 0}
         * @return bytes for values under 1 KiB, else the largest unit not above {@code maxBytes}
         */
        static ByteUnit forMax(long maxBytes) {
            int unit = 0;
            long divisor = 1;
            while (unit < BYTE_UNITS.length - 1 && maxBytes / divisor >= 1024) {
                divisor *= 1024;
                unit++;
            }
            return new ByteUnit(BYTE_UNITS[unit], divisor);
        }

        /**
         * @param bytes a byte count
         * @return the count in this unit
         */
        double scale(long bytes) {
            return (double) bytes / divisor;
        }
    }

    /**
     * A decimal unit for a y axis of operation counts: plain below 100,000, then thousands, then millions, so
     * tick labels stay short.
     *
     * @param name    words after the axis title, empty for plain counts, e.g. {@code "thousands"}
     * @param divisor operations per unit
     */
    record CountUnit(String name, long divisor) {
        /**
         * @param maxOps the largest count to show, {@code >= 0}
         * @return the unit
         */
        static CountUnit forMax(long maxOps) {
            if (maxOps < 100_000) {
                return new CountUnit("", 1);
            }
            if (maxOps < 100_000_000) {
                return new CountUnit("thousands", 1_000);
            }
            return new CountUnit("millions", 1_000_000);
        }

        /**
         * @param ops a count
         * @return the count in this unit
         */
        double scale(long ops) {
            return (double) ops / divisor;
        }
    }

    /**
     * A unit of time for the heatmap's x axis: the largest unit in which the whole span is at least 1.
     *
     * @param symbol {@code "ns"}, {@code "µs"}, {@code "ms"} or {@code "s"}
     * @param nanos  nanoseconds per unit
     */
    record TimeUnit(String symbol, long nanos) {
        /**
         * @param span the whole time axis
         * @return the unit
         */
        static TimeUnit forSpan(Duration span) {
            long n = span.toNanos();
            if (n >= 1_000_000_000L) {
                return new TimeUnit("s", 1_000_000_000L);
            }
            if (n >= 1_000_000L) {
                return new TimeUnit("ms", 1_000_000L);
            }
            if (n >= 1_000L) {
                return new TimeUnit("µs", 1_000L);
            }
            return new TimeUnit("ns", 1L);
        }

        /**
         * A time in this unit, without trailing zeros: {@code 2.5}, {@code 10}, {@code 0.125}.
         *
         * @param nanos a time in nanoseconds
         * @return the number, at most three decimals
         */
        String format(long nanos) {
            String s = String.format(Locale.ROOT, "%.3f", (double) nanos / this.nanos);
            // Trim "2.500" to "2.5" and "10.000" to "10": the axis shows many of these side by side.
            s = s.replaceAll("0+$", "");
            return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        }
    }
}
