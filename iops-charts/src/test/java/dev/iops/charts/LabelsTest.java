package dev.iops.charts;

import dev.iops.SizeHistogram;
import dev.iops.Units;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LabelsTest {

    @Test
    void bucketLabelsAreTheSmallestSizeInBinaryUnits() {
        assertThat(Labels.bucket(0)).isEqualTo("0 B");
        assertThat(Labels.bucket(1)).isEqualTo("1 B");
        assertThat(Labels.bucket(2)).isEqualTo("2 B");
        assertThat(Labels.bucket(10)).isEqualTo("512 B");
        assertThat(Labels.bucket(11)).isEqualTo("1 KiB");
        assertThat(Labels.bucket(13)).isEqualTo("4 KiB");
        assertThat(Labels.bucket(21)).isEqualTo("1 MiB");
        assertThat(Labels.bucket(31)).isEqualTo("1 GiB");
        assertThat(Labels.bucket(63)).isEqualTo("4 EiB");
    }

    @Test
    void bucketLabelsAgreeWithTheTextTable() {
        // The text table labels bucket i as "[lower, upper)"; the chart's label is that lower bound, written alike.
        for (int i = 2; i < SizeHistogram.MAX_BUCKETS - 1; i++) {
            String row = Units.sizeRange(i);
            assertThat(row).startsWith("[" + Labels.bucket(i) + ", ");
        }
        assertThat(Units.sizeRange(0)).isEqualTo(Labels.bucket(0));
        assertThat(Units.sizeRange(1)).isEqualTo(Labels.bucket(1));
    }

    @Test
    void byteUnitIsTheLargestTheTallestBarReaches() {
        assertThat(Labels.ByteUnit.forMax(0)).isEqualTo(new Labels.ByteUnit("B", 1));
        assertThat(Labels.ByteUnit.forMax(1023)).isEqualTo(new Labels.ByteUnit("B", 1));
        assertThat(Labels.ByteUnit.forMax(1024)).isEqualTo(new Labels.ByteUnit("KiB", 1024));
        assertThat(Labels.ByteUnit.forMax(4_096_000)).isEqualTo(new Labels.ByteUnit("MiB", 1024 * 1024));
        assertThat(Labels.ByteUnit.forMax(Long.MAX_VALUE).symbol()).isEqualTo("EiB");
        assertThat(Labels.ByteUnit.forMax(4_096_000).scale(4_096_000)).isEqualTo(3.90625);
    }

    @Test
    void countUnitKeepsTickLabelsShort() {
        assertThat(Labels.CountUnit.forMax(99_999)).isEqualTo(new Labels.CountUnit("", 1));
        assertThat(Labels.CountUnit.forMax(100_000)).isEqualTo(new Labels.CountUnit("thousands", 1_000));
        assertThat(Labels.CountUnit.forMax(100_000_000)).isEqualTo(new Labels.CountUnit("millions", 1_000_000));
    }

    @Test
    void timeUnitFollowsTheSpanAndDropsTrailingZeros() {
        Labels.TimeUnit ms = Labels.TimeUnit.forSpan(Duration.ofMillis(250));
        assertThat(ms.symbol()).isEqualTo("ms");
        assertThat(ms.format(62_500_000)).isEqualTo("62.5");
        assertThat(ms.format(125_000_000)).isEqualTo("125");
        assertThat(ms.format(0)).isEqualTo("0");
        assertThat(Labels.TimeUnit.forSpan(Duration.ofNanos(850_000)).symbol()).isEqualTo("µs");
        assertThat(Labels.TimeUnit.forSpan(Duration.ofNanos(500)).symbol()).isEqualTo("ns");
        assertThat(Labels.TimeUnit.forSpan(Duration.ofSeconds(3)).format(1_250_000_000)).isEqualTo("1.25");
    }

    @Test
    void niceCeilingIsTheNextRoundNumber() {
        assertThat(IopsCharts.niceCeiling(1000)).isEqualTo(1000.0);
        assertThat(IopsCharts.niceCeiling(2000)).isEqualTo(2000.0);
        assertThat(IopsCharts.niceCeiling(3.90625)).isEqualTo(4.0);
        assertThat(IopsCharts.niceCeiling(7.8125)).isEqualTo(8.0);
        assertThat(IopsCharts.niceCeiling(152)).isEqualTo(200.0);
        assertThat(IopsCharts.niceCeiling(1)).isEqualTo(1.0);
        assertThat(IopsCharts.niceCeiling(0.3)).isCloseTo(0.3, org.assertj.core.api.Assertions.within(1e-15));
        assertThat(IopsCharts.niceCeiling(41)).isEqualTo(50.0);
        assertThat(IopsCharts.niceCeiling(9.5)).isEqualTo(10.0);
    }
}
