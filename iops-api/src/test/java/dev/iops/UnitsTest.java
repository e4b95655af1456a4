package dev.iops;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class UnitsTest {
    @Test
    void bytesUseBinaryUnitsWithOneDecimal() {
        assertThat(Units.bytes(0)).isEqualTo("0 B");
        assertThat(Units.bytes(1023)).isEqualTo("1023 B");
        assertThat(Units.bytes(4096)).isEqualTo("4.0 KiB");
        assertThat(Units.bytes(4_096_000)).isEqualTo("3.9 MiB");
        assertThat(Units.bytes(5L << 40)).isEqualTo("5.0 TiB");
    }

    @Test
    void boundsMoveUpAUnitOnlyOnWholeMultiples() {
        assertThat(Units.bound(1023)).isEqualTo("1023 B");
        assertThat(Units.bound(1536)).isEqualTo("1536 B");
        assertThat(Units.bound(4096)).isEqualTo("4 KiB");
        assertThat(Units.bound(3L * 1024 * 1024)).isEqualTo("3 MiB");
    }

    @Test
    void sizeRangesNameBothBoundsOfABucket() {
        assertThat(Units.sizeRange(0)).isEqualTo("0 B");
        assertThat(Units.sizeRange(1)).isEqualTo("1 B");
        assertThat(Units.sizeRange(2)).isEqualTo("[2 B, 4 B)");
        assertThat(Units.sizeRange(13)).isEqualTo("[4 KiB, 8 KiB)");
    }

    @Test
    void countsRatesAndDurationsReadAtAGlance() {
        assertThat(Units.count(1_234_567)).isEqualTo("1,234,567");
        assertThat(Units.rate(12.345)).isEqualTo("12.3");
        assertThat(Units.rate(81_081.2)).isEqualTo("81,081");
        assertThat(Units.rate(Double.POSITIVE_INFINITY)).isEqualTo("inf");
        assertThat(Units.bytesPerSecond(0.5)).isEqualTo("0.5 B/s");
        assertThat(Units.bytesPerSecond(316.4 * 1024 * 1024)).isEqualTo("316.4 MiB/s");
        assertThat(Units.duration(Duration.ofNanos(850))).isEqualTo("850 ns");
        assertThat(Units.duration(Duration.ofNanos(12_300))).isEqualTo("12.3 µs");
        assertThat(Units.duration(Duration.ofNanos(12_345_678))).isEqualTo("12.35 ms");
        assertThat(Units.duration(Duration.ofMillis(1250))).isEqualTo("1.250 s");
    }
}
