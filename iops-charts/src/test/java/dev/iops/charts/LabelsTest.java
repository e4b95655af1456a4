package dev.iops.charts;

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
    void heatmapBandsAreWholeCountsThatDoNotOverlap() {
        Heatmaps.Bands forty = Heatmaps.Bands.forMax(40);
        assertThat(forty).isEqualTo(new Heatmaps.Bands(5, 8, 40));
        assertThat(java.util.stream.IntStream.range(0, 5).mapToObj(forty::label))
                .containsExactly("1\u20138", "9\u201316", "17\u201324", "25\u201332", "33\u201340");
        // 19 in five bands of 4: the last band stops at the largest cell instead of promising a 20.
        Heatmaps.Bands nineteen = Heatmaps.Bands.forMax(19);
        assertThat(nineteen.label(0)).isEqualTo("1\u20134");
        assertThat(nineteen.label(4)).isEqualTo("17\u201319");
        // Fewer distinct counts than colours: one band per count, labelled by the count alone.
        Heatmaps.Bands three = Heatmaps.Bands.forMax(3);
        assertThat(three).isEqualTo(new Heatmaps.Bands(3, 1, 3));
        assertThat(three.label(0)).isEqualTo("1");
        assertThat(three.label(2)).isEqualTo("3");
        // 6 in bands of 2 needs three bands, not five (the last two would start above 6).
        assertThat(Heatmaps.Bands.forMax(6)).isEqualTo(new Heatmaps.Bands(3, 2, 6));
        assertThat(Heatmaps.Bands.forMax(2_000).label(1)).isEqualTo("401\u2013800");
        assertThat(Heatmaps.Bands.forMax(1)).isEqualTo(new Heatmaps.Bands(1, 1, 1));
    }

    @Test
    void timeTicksFallOnRoundValues() {
        // 50 slices of 326.1 µs (a 16.305 ms block): every 2 ms, not 16.305 / 32.61.
        assertThat(TimeTicks.roundStep(16_305_000, 1_000_000)).isEqualTo(2_000_000);
        assertThat(TimeTicks.roundStep(250_000_000, 1_000_000)).isEqualTo(50_000_000);
        assertThat(TimeTicks.roundStep(10_000_000, 1_000_000)).isEqualTo(1_000_000);
        assertThat(TimeTicks.roundStep(850_000, 1_000)).isEqualTo(100_000);
        assertThat(TimeTicks.roundStep(21_000_000, 1_000_000)).isEqualTo(5_000_000);
        assertThat(TimeTicks.roundStep(3_000_000_000L, 1_000_000_000)).isEqualTo(500_000_000);
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
