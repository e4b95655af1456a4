package dev.iops.examples;

import java.util.Arrays;

/** The one statistic the benchmarks quote: noisy machines make means misleading. */
final class Stats {
    private Stats() {
    }

    /**
     * @param values samples, not empty; not modified
     * @return their median (the mean of the two middle values for an even count)
     */
    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
