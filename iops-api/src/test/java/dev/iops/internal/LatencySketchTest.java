package dev.iops.internal;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencySketchTest {
    @Test
    void indexIsMonotonicAndMidpointLiesInsideItsBucket() {
        int previous = -1;
        for (long v = 0; v < 1_000_000; v += 7) {
            int i = LatencySketch.index(v);
            assertThat(i).isGreaterThanOrEqualTo(previous);
            previous = i;
            long mid = LatencySketch.midpoint(i);
            assertThat(LatencySketch.index(mid)).isEqualTo(i);
        }
        assertThat(LatencySketch.index(Long.MAX_VALUE)).isEqualTo(959);
    }

    @Test
    void percentilesAreWithinThreePercentOfTheTruth() {
        LatencySketch s = new LatencySketch();
        for (long v = 1; v <= 100_000; v++) {
            s.record(v * 1000); // 1 µs .. 100 ms, uniform
        }
        assertThat((double) s.percentile(0.50)).isCloseTo(50_000_000, within(0.03 * 50_000_000));
        assertThat((double) s.percentile(0.99)).isCloseTo(99_000_000, within(0.03 * 99_000_000));
        assertThat(s.summary().max().toNanos()).isEqualTo(100_000_000);
        assertThat(s.count()).isEqualTo(100_000);
    }

    @Test
    void smallValuesAreExact() {
        LatencySketch s = new LatencySketch();
        s.record(3);
        s.record(5);
        s.record(7);
        assertThat(s.percentile(0.5)).isEqualTo(5);
        assertThat(s.percentile(1.0)).isEqualTo(7);
    }

    @Test
    void emptySketchReportsZero() {
        assertThat(new LatencySketch().percentile(0.5)).isZero();
    }
}
