package dev.iops.charts;

import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.SizeHistogram;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The chart objects: series values against the histogram, titles and axis labels word for word. */
class IopsChartsModelTest {
    private static final double MIB = 1024.0 * 1024.0;

    @Test
    void sizeHistogramSeriesEqualTheHistogramBucketsFromOneBelowTheFirstToOneAboveTheLast() {
        IopsReport report = Reports.mixed();
        SizeHistogram h = report.histogram().orElseThrow();
        CategoryChart chart = IopsCharts.sizeHistogram(report);

        assertThat(chart.getSeriesCollection().stream().map(CategorySeries::getName)).containsExactly("reads", "writes", "all");
        // Buckets 0..21 hold operations, so the axis runs 0..22: the extra one above shows where sizes stop.
        List<String> expectedLabels = List.of("0 B", "1 B", "2 B", "4 B", "8 B", "16 B", "32 B", "64 B", "128 B",
                "256 B", "512 B", "1 KiB", "2 KiB", "4 KiB", "8 KiB", "16 KiB", "32 KiB", "64 KiB", "128 KiB", "256 KiB",
                "512 KiB", "1 MiB", "2 MiB");
        for (String name : List.of("reads", "writes", "all")) {
            assertThat(labels(chart.getSeries(name).getXData())).containsExactlyElementsOf(new ArrayList<Object>(expectedLabels));
        }

        double[] reads = chart.getSeries("reads").getYData();
        double[] writes = chart.getSeries("writes").getYData();
        double[] all = chart.getSeries("all").getYData();
        for (int i = 0; i <= 22; i++) {
            SizeHistogram.Bucket b = h.bucket(i);
            assertThat(reads[i]).as("reads in bucket %d", i).isEqualTo(b.readOps());
            assertThat(writes[i]).as("writes in bucket %d", i).isEqualTo(b.writeOps());
            assertThat(all[i]).as("all in bucket %d", i).isEqualTo(b.totalOps());
        }
        // Spot checks against the operations recorded, not just against the histogram's own view of them.
        assertThat(reads[0]).isEqualTo(2);
        assertThat(writes[1]).isEqualTo(1);
        assertThat(reads[10]).isEqualTo(2);
        assertThat(writes[10]).isEqualTo(1);
        assertThat(all[13]).isEqualTo(40);
        assertThat(writes[21]).isEqualTo(3);
        assertThat(all[22]).isZero();
    }

    /** XChart types its axis data as a wildcard collection; the charts here always hold strings. */
    private static List<Object> labels(java.util.Collection<?> data) {
        return new ArrayList<>(data);
    }

    @Test
    void sizeHistogramTitleAndAxesSayWhatIsDrawn() {
        CategoryChart chart = IopsCharts.sizeHistogram(Reports.mixed());

        assertThat(chart.getTitle()).isEqualTo("Operations by size: 49 ops in 250.00 ms (strace, process)");
        assertThat(chart.getXAxisTitle())
                .isEqualTo("bytes per operation, rounded down to a power of two");
        assertThat(chart.getYAxisTitle()).isEqualTo("operations");
        assertThat(chart.getWidth()).isEqualTo(800);
        assertThat(chart.getHeight()).isEqualTo(500);
    }

    @Test
    void bytesHistogramSeriesAreTheBucketBytesInTheUnitOfTheTallestBar() {
        IopsReport report = Reports.mixed();
        SizeHistogram h = report.histogram().orElseThrow();
        CategoryChart chart = IopsCharts.bytesHistogram(report);

        // The tallest bar is 3 MiB of writes in bucket 21, so the axis is in MiB.
        assertThat(chart.getYAxisTitle()).isEqualTo("total bytes (MiB)");
        assertThat(chart.getTitle()).isEqualTo("Bytes by size: 3.2 MiB in 250.00 ms (strace, process)");
        assertThat(chart.getXAxisTitle())
                .isEqualTo("bytes per operation, rounded down to a power of two");
        double[] reads = chart.getSeries("reads").getYData();
        double[] writes = chart.getSeries("writes").getYData();
        double[] all = chart.getSeries("all").getYData();
        assertThat(reads).hasSize(23);
        for (int i = 0; i <= 22; i++) {
            SizeHistogram.Bucket b = h.bucket(i);
            assertThat(reads[i]).isEqualTo(b.readBytes() / MIB);
            assertThat(writes[i]).isEqualTo(b.writeBytes() / MIB);
            assertThat(all[i]).isEqualTo(b.totalBytes() / MIB);
        }
        assertThat(writes[21]).isEqualTo(3.0);
        assertThat(reads[13]).isEqualTo(30 * 4096 / MIB);
    }

    @Test
    void singleSizeGivesOneVisibleBarBetweenItsEmptyNeighbours() {
        IopsReport report = Reports.singleSize();
        CategoryChart ops = IopsCharts.sizeHistogram(report);
        CategoryChart bytes = IopsCharts.bytesHistogram(report);

        assertThat(ops.getTitle()).isEqualTo("Operations by size: 1,000 ops in 12.35 ms (strace, thread)");
        assertThat(bytes.getTitle()).isEqualTo("Bytes by size: 3.9 MiB in 12.35 ms (strace, thread)");
        for (CategoryChart chart : List.of(ops, bytes)) {
            assertThat(labels(chart.getSeries("writes").getXData())).containsExactly("2 KiB", "4 KiB", "8 KiB");
            assertThat(chart.getSeries("reads").getYData()).containsExactly(0, 0, 0);
            // A bar, not a one-point line: a one-point line is what left the seed's chart blank.
            assertThat(chart.getStyler().getDefaultSeriesRenderStyle())
                    .isEqualTo(CategorySeries.CategorySeriesRenderStyle.Bar);
            double bar = chart.getSeries("writes").getYData()[1];
            assertThat(bar).isPositive();
            // The top of the axis is at or above the bar, so the bar is drawn in full, not clipped away.
            assertThat(chart.getStyler().getYAxisMin()).isEqualTo(0.0);
            assertThat(chart.getStyler().getYAxisMax()).isGreaterThanOrEqualTo(bar);
        }
        assertThat(ops.getSeries("writes").getYData()).containsExactly(0, 1000, 0);
        assertThat(ops.getSeries("all").getYData()).containsExactly(0, 1000, 0);
        // Above the bar, not at it: with its top at 1,000 XChart would tick 0 and 1,000 only.
        assertThat(ops.getStyler().getYAxisMax()).isEqualTo(1200.0);
        assertThat(bytes.getYAxisTitle()).isEqualTo("total bytes (MiB)");
        assertThat(bytes.getSeries("writes").getYData()[1]).isEqualTo(4_096_000 / MIB);
        assertThat(bytes.getStyler().getYAxisMax()).isEqualTo(4.0);
    }

    @Test
    void countsSpanningTwoDecadesGoOnALogAxisWhereEveryNonEmptyBucketHasABar() {
        IopsReport report = Reports.demoWorkload();
        CategoryChart chart = IopsCharts.sizeHistogram(report);

        assertThat(chart.getTitle()).isEqualTo("Operations by size: 2,001 ops in 6.03 ms (strace, thread)");
        assertThat(chart.getYAxisTitle()).isEqualTo("operations (log scale)");
        assertThat(chart.getStyler().isYAxisLogarithmic()).isTrue();
        // Bars start below 1, so the lone end-of-file read is a bar, not a line on the axis.
        assertThat(chart.getStyler().getYAxisMin()).isEqualTo(0.5);
        List<Object> x = labels(chart.getSeries("reads").getXData());
        assertThat(x).hasSize(15).startsWith("0 B", "1 B").endsWith("4 KiB", "8 KiB");
        double[] reads = chart.getSeries("reads").getYData();
        double[] writes = chart.getSeries("writes").getYData();
        double[] all = chart.getSeries("all").getYData();
        assertThat(reads[0]).isEqualTo(1);
        assertThat(all[0]).isEqualTo(1);
        assertThat(reads[13]).isEqualTo(1000);
        assertThat(writes[13]).isEqualTo(1000);
        assertThat(all[13]).isEqualTo(2000);
        // A log axis has no zero: empty buckets carry no value rather than a zero that cannot be drawn.
        assertThat(writes[0]).isNaN();
        for (int i = 1; i <= 12; i++) {
            assertThat(all[i]).as("bucket %d", i).isNaN();
        }
        assertThat(all[14]).isNaN();

        // The bytes chart stays linear: the end-of-file read moved no bytes.
        CategoryChart bytes = IopsCharts.bytesHistogram(report);
        assertThat(bytes.getStyler().isYAxisLogarithmic()).isFalse();
        assertThat(bytes.getSeries("reads").getYData()[0]).isZero();
    }

    @Test
    void countsWithinTwoDecadesStayOnALinearAxis() {
        // 40 of 4 KiB against 1 of 1 byte: a ratio of 40, under the log threshold of 100.
        CategoryChart chart = IopsCharts.sizeHistogram(Reports.mixed());
        assertThat(IopsCharts.LOG_RATIO).isEqualTo(100);
        assertThat(chart.getStyler().isYAxisLogarithmic()).isFalse();
        assertThat(chart.getStyler().getYAxisMax()).isEqualTo(50.0);
    }

    @Test
    void largeCountsAreShownInThousandsAndSmallBytesInBytes() {
        SizeHistogram h = SizeHistogram.builder().add(OpKind.READ, 3, 250_000, 250_000 * 5L).build();
        IopsReport report = Reports.withHistogram("strace", Scope.THREAD, Duration.ofSeconds(2), h);

        CategoryChart ops = IopsCharts.sizeHistogram(report);
        assertThat(ops.getYAxisTitle()).isEqualTo("operations (thousands)");
        assertThat(ops.getSeries("reads").getYData()).containsExactly(0, 250, 0);
        assertThat(ops.getTitle()).isEqualTo("Operations by size: 250,000 ops in 2.000 s (strace, thread)");

        CategoryChart bytes = IopsCharts.bytesHistogram(report);
        assertThat(bytes.getYAxisTitle()).isEqualTo("total bytes (MiB)");
        assertThat(bytes.getSeries("reads").getYData()[1]).isCloseTo(1_250_000 / MIB, within(1e-12));

        SizeHistogram tiny = SizeHistogram.builder().record(OpKind.WRITE, 100).build();
        CategoryChart tinyBytes = IopsCharts.bytesHistogram(Reports.withHistogram("strace", Scope.THREAD,
                Duration.ofNanos(900), tiny));
        assertThat(tinyBytes.getYAxisTitle()).isEqualTo("total bytes");
        assertThat(tinyBytes.getSeries("writes").getYData()).containsExactly(0, 100, 0);
        assertThat(tinyBytes.getTitle()).isEqualTo("Bytes by size: 100 B in 900 ns (strace, thread)");
        assertThat(IopsCharts.sizeHistogram(Reports.withHistogram("strace", Scope.THREAD, Duration.ofNanos(900), tiny))
                .getTitle()).isEqualTo("Operations by size: 1 op in 900 ns (strace, thread)");
    }

    @Test
    void emptyReportGivesChartsThatSaySoInTheirTitles() {
        IopsReport report = Reports.empty();

        CategoryChart ops = IopsCharts.sizeHistogram(report);
        assertThat(ops.getTitle()).isEqualTo("Operations by size: no operations in 850.0 µs (strace, thread)");
        assertThat(labels(ops.getSeries("all").getXData())).containsExactly("no operations");
        assertThat(ops.getSeries("all").getYData()).containsExactly(0);
        assertThat(ops.getStyler().isLegendVisible()).isFalse();
        assertThat(IopsCharts.bytesHistogram(report).getTitle())
                .isEqualTo("Bytes by size: no operations in 850.0 µs (strace, thread)");
        assertThat(IopsCharts.heatmap(report, OpKind.READ).getTitle())
                .isEqualTo("Reads over time by size: none in 850.0 µs (strace, thread)");
    }

    @Test
    void reportWithoutHistogramIsRefusedNamingTheProfilerAndTheFix() {
        IopsReport report = Reports.countOnly();
        String expected = "the report from profiler 'procfs' has no size histogram, so there is nothing to chart:"
                + " it counted operations without seeing their sizes. Measure with Iops.with().histogram(), which"
                + " picks a profiler that sees each operation's size.";

        assertThatThrownBy(() -> IopsCharts.sizeHistogram(report))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> IopsCharts.bytesHistogram(report)).hasMessage(expected);
        assertThatThrownBy(() -> IopsCharts.render(report)).hasMessage(expected);
    }

    @Test
    void everyCallBuildsNewChartsSoCallersCanRestyleTheirOwn() {
        IopsReport report = Reports.singleSize();
        CategoryChart first = IopsCharts.sizeHistogram(report);
        first.setTitle("mine");
        first.getStyler().setYAxisMax(5.0);

        CategoryChart second = IopsCharts.sizeHistogram(report);
        assertThat(second).isNotSameAs(first);
        assertThat(second.getTitle()).isEqualTo("Operations by size: 1,000 ops in 12.35 ms (strace, thread)");
        assertThat(second.getStyler().getYAxisMax()).isEqualTo(1200.0);
    }
}
