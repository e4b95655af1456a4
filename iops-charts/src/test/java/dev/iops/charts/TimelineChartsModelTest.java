package dev.iops.charts;

import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.TimeSizeGrid;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The timeline charts' objects: heatmap cells per kind, rates per slice, titles and labels word for word. */
class TimelineChartsModelTest {
    private static final double MIB = 1024.0 * 1024.0;
    private static final List<String> MIXED_ROWS = List.of("0 B", "1 B", "2 B", "4 B", "8 B", "16 B", "32 B", "64 B",
            "128 B", "256 B", "512 B", "1 KiB", "2 KiB", "4 KiB", "8 KiB", "16 KiB", "32 KiB", "64 KiB", "128 KiB",
            "256 KiB", "512 KiB", "1 MiB", "2 MiB");

    @Test
    void readsAndWritesGetAHeatmapEachWithOnlyTheirOwnCells() {
        HeatMapChart reads = IopsCharts.heatmap(Reports.mixed(), OpKind.READ);
        HeatMapChart writes = IopsCharts.heatmap(Reports.mixed(), OpKind.WRITE);

        assertThat(reads.getTitle()).isEqualTo("Reads over time by size: 34 ops in 250.00 ms (strace, process)");
        assertThat(writes.getTitle()).isEqualTo("Writes over time by size: 15 ops in 250.00 ms (strace, process)");
        assertThat(reads.getHeatMapSeries().getName()).isEqualTo("reads");
        assertThat(writes.getHeatMapSeries().getName()).isEqualTo("writes");
        // {time slice, row, operations}; rows start at bucket 0 here; empty cells are absent.
        assertThat(cells(reads)).containsExactlyInAnyOrder(
                List.of(0L, 0L, 2L), List.of(1L, 10L, 2L), List.of(2L, 13L, 25L), List.of(3L, 13L, 5L));
        assertThat(cells(writes)).containsExactlyInAnyOrder(
                List.of(0L, 1L, 1L), List.of(1L, 10L, 1L), List.of(3L, 13L, 10L), List.of(3L, 21L, 3L));
    }

    @Test
    void bothPanelsShareRowsAxesAndColourBands() {
        for (OpKind kind : OpKind.values()) {
            HeatMapChart chart = IopsCharts.heatmap(Reports.mixed(), kind);
            assertThat(chart.getXAxisTitle()).isEqualTo("time since start (ms), in 4 slices of 62.50 ms");
            assertThat(chart.getYAxisTitle()).isEqualTo("bytes per operation, rounded down to a power of two");
            // Every size row has its own label, in order, whichever kind used it, and one empty row above the
            // largest size (there is none below 0 B), as the histograms show.
            assertThat(new ArrayList<Object>(chart.getHeatMapSeries().getYData()))
                    .containsExactlyElementsOf(new ArrayList<Object>(MIXED_ROWS));
            assertThat(chart.getHeatMapSeries().getXData()).hasSize(4);
            // The largest cell of either kind is 25 reads: five bands of five, 1-5 to 21-25, in both panels.
            assertThat(chart.getStyler().getSplitNumber()).isEqualTo(5);
            assertThat(chart.getStyler().getMin()).isEqualTo(0.5);
            assertThat(chart.getStyler().getMax()).isEqualTo(25.5);
            assertThat(chart.getStyler().isPiecewiseRanged()).isFalse();
            var legend = chart.getStyler().getHeatMapDecimalValueFormatter();
            assertThat(List.of(legend.apply(0.5), legend.apply(5.5), legend.apply(20.5)))
                    .containsExactly("1\u20135", "6\u201310", "21\u201325");
        }
    }

    @Test
    void aKindWithoutOperationsKeepsTheRowsAndSaysSo() {
        IopsReport writesOnly = Reports.singleSizeTimeline();
        HeatMapChart reads = IopsCharts.heatmap(writesOnly, OpKind.READ);

        assertThat(reads.getTitle()).isEqualTo("Reads over time by size: none in 12.35 ms (strace, thread)");
        assertThat(new ArrayList<Object>(reads.getHeatMapSeries().getYData()))
                .containsExactly("2 KiB", "4 KiB", "8 KiB");
        assertThat(cells(IopsCharts.heatmap(writesOnly, OpKind.WRITE)))
                .containsExactly(List.of(0L, 1L, 1000L));
    }

    @Test
    void iopsOverTimeIsOperationsPerSecondOfEachSlicePerKind() {
        XYChart chart = IopsCharts.iopsOverTime(Reports.mixed());

        assertThat(chart.getTitle()).isEqualTo("IOPS over time: 34 reads, 15 writes in 250.00 ms (strace, process)");
        assertThat(chart.getXAxisTitle()).isEqualTo("time since start (ms), one value per slice of 62.50 ms");
        assertThat(chart.getYAxisTitle()).isEqualTo("IOPS (operations per second)");
        assertThat(chart.getSeriesCollection().stream().map(XYSeries::getName)).containsExactly("reads", "writes");
        XYSeries reads = chart.getSeries("reads");
        XYSeries writes = chart.getSeries("writes");
        assertThat(chart.getStyler().getDefaultSeriesRenderStyle()).isEqualTo(XYSeries.XYSeriesRenderStyle.Step);
        // Slice starts, then the end of the last slice (its value repeated so the last step has a width).
        assertThat(reads.getXData()).containsExactly(0, 62.5, 125, 187.5, 250);
        assertThat(chart.getStyler().getXAxisMax()).isEqualTo(250.0);
        // 2, 2, 25, 5 reads and 1, 1, 0, 13 writes in slices of 1/16 s.
        assertThat(reads.getYData()).containsExactly(32, 32, 400, 80, 80);
        assertThat(writes.getYData()).containsExactly(16, 16, 0, 208, 208);
        assertThat(chart.getStyler().getYAxisMax()).isEqualTo(500.0);
    }

    @Test
    void rateChartsEndWhereTheLastSliceEndsWithRoundTimesUpToIt() {
        // 50 slices of 246,914 ns: the block's timeline ends at 12.3457 ms, not at a round 15 ms.
        for (XYChart chart : List.of(IopsCharts.iopsOverTime(Reports.singleSizeTimeline()),
                IopsCharts.throughputOverTime(Reports.singleSizeTimeline()))) {
            double[] x = chart.getSeries("writes").getXData();
            assertThat(chart.getStyler().getXAxisMin()).isEqualTo(0.0);
            assertThat(chart.getStyler().getXAxisMax()).isEqualTo(x[x.length - 1]).isEqualTo(12.3457);
            // XChart's own x labels would stand on the slices (0, 1.235, 2.469 ...); the round times replace them.
            assertThat(chart.getStyler().isXAxisTicksVisible()).isFalse();
        }
        assertThat(TimeTicks.labels(12_345_700, Labels.TimeUnit.forSpan(Duration.ofNanos(12_345_700))))
                .containsExactly("0", "2", "4", "6", "8", "10", "12");
        assertThat(TimeTicks.labels(37_120_000, Labels.TimeUnit.forSpan(Duration.ofNanos(37_120_000))))
                .containsExactly("0", "5", "10", "15", "20", "25", "30", "35");
    }

    @Test
    void oneSizeIsABandBetweenEmptyNeighboursNotABlockThatFillsThePlot() {
        HeatMapChart writes = IopsCharts.heatmap(Reports.singleSizeTimeline(), OpKind.WRITE);

        assertThat(new ArrayList<Object>(writes.getHeatMapSeries().getYData()))
                .containsExactly("2 KiB", "4 KiB", "8 KiB");
        // The 1000 writes of 4 KiB sit in the middle row.
        assertThat(cells(writes)).containsExactly(List.of(0L, 1L, 1000L));
    }

    @Test
    void aReportWithoutElapsedTimeSaysNoTimeRatherThanZero() {
        IopsReport untimed = Reports.withHistogram("strace", Scope.PROCESS, Duration.ZERO,
                Reports.singleSize().histogram().orElseThrow()).withDetail(Reports.singleSizeTimeline().detail()
                .orElseThrow());

        assertThat(IopsCharts.sizeHistogram(untimed).getTitle())
                .isEqualTo("Operations by size: 1,000 ops (strace, process)");
        assertThat(IopsCharts.heatmap(untimed, OpKind.WRITE).getTitle())
                .isEqualTo("Writes over time by size: 1,000 ops (strace, process)");
        assertThat(IopsCharts.iopsOverTime(untimed).getTitle())
                .isEqualTo("IOPS over time: 0 reads, 1,000 writes (strace, process)");
    }

    @Test
    void aProfilerNameTooLongForTheChartLosesItsMiddleNotItsEnds() {
        String name = "trace:/home/someone/projects/a/very/long/path/to/the/traces/2024-06-01/app-server-42.strace";
        IopsReport report = Reports.withHistogram(name, Scope.PROCESS, Duration.ofMillis(12),
                Reports.singleSize().histogram().orElseThrow()).withDetail(Reports.singleSizeTimeline().detail()
                .orElseThrow());

        List<String> titles = List.of(IopsCharts.sizeHistogram(report).getTitle(),
                IopsCharts.bytesHistogram(report).getTitle(), IopsCharts.heatmap(report, OpKind.READ).getTitle(),
                IopsCharts.iopsOverTime(report).getTitle(), IopsCharts.throughputOverTime(report).getTitle());
        for (String title : titles) {
            assertThat(IopsCharts.width(title)).as(title).isLessThanOrEqualTo(IopsCharts.TITLE_MAX_PX);
            assertThat(title).contains(" in 12.00 ms (trace:/", "\u2026").endsWith("strace, process)");
        }
        assertThat(titles.get(0)).startsWith("Operations by size: 1,000 ops in 12.00 ms (trace:/home/");
        // A short name stays whole, however long the rest of the title.
        assertThat(IopsCharts.throughputOverTime(Reports.mixed()).getTitle())
                .isEqualTo("Throughput over time: 121.3 KiB read, 3.0 MiB written in 250.00 ms (strace, process)");
    }

    @Test
    void throughputOverTimeIsTheExactBytesOfEachSlicePerKind() {
        XYChart chart = IopsCharts.throughputOverTime(Reports.mixed());

        assertThat(chart.getTitle())
                .isEqualTo("Throughput over time: 121.3 KiB read, 3.0 MiB written in 250.00 ms (strace, process)");
        assertThat(chart.getYAxisTitle()).isEqualTo("throughput (MiB/s)");
        double[] reads = chart.getSeries("reads").getYData();
        double[] writes = chart.getSeries("writes").getYData();
        // Bytes per slice: reads 0, 1300, 102400, 20480; writes 1, 1000, 0, 3195728; 16 slices per second.
        assertThat(reads[0]).isZero();
        assertThat(reads[1]).isCloseTo(20_800 / MIB, within(1e-12));
        assertThat(reads[2]).isEqualTo(1.5625);
        assertThat(reads[3]).isEqualTo(0.3125);
        assertThat(writes[0]).isCloseTo(16 / MIB, within(1e-12));
        assertThat(writes[3]).isCloseTo(51_131_648 / MIB, within(1e-9));
        assertThat(writes[4]).isEqualTo(writes[3]);
        assertThat(chart.getStyler().getYAxisMax()).isEqualTo(50.0);
    }

    @Test
    void largeRatesAreShownInThousandsOfOperationsPerSecond() {
        // 40 operations in each slice of 200 µs: 200,000 per second.
        XYChart chart = IopsCharts.iopsOverTime(Reports.demoTimeline());

        assertThat(chart.getYAxisTitle()).isEqualTo("IOPS (thousands of operations per second)");
        double[] writes = chart.getSeries("writes").getYData();
        double[] reads = chart.getSeries("reads").getYData();
        assertThat(writes[0]).isCloseTo(200.0, within(1e-9));
        assertThat(writes[25]).isZero();
        assertThat(reads[25]).isCloseTo(200.0, within(1e-9));
        // The read of 0 bytes at end of file is one more read in the last slice.
        assertThat(reads[49]).isCloseTo(205.0, within(1e-9));
        assertThat(chart.getTitle())
                .isEqualTo("IOPS over time: 1,001 reads, 1,000 writes in 10.00 ms (strace, thread)");
    }

    @Test
    void aGridWithoutKindsIsRefusedRatherThanSplitByGuess() {
        TimeSizeGrid together = new TimeSizeGrid(Duration.ofMillis(1), 2, 14, new long[28]);
        IopsReport report = Reports.mixed().withDetail(Reports.detail(together));

        assertThatThrownBy(() -> IopsCharts.heatmap(report, OpKind.WRITE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("the report from profiler 'strace' has a time x size grid that counts reads and writes"
                        + " together, so there is no heatmap of writes alone to draw: the grid was built without"
                        + " TimeSizeGrid.ofKinds.");
        assertThatThrownBy(() -> IopsCharts.throughputOverTime(report))
                .hasMessage("the report from profiler 'strace' has a time x size grid that counts reads and writes"
                        + " together, so there are no read and write rates over time to draw: the grid was built"
                        + " without TimeSizeGrid.ofKinds.");
    }

    @Test
    void reportsWithoutTimelineAreRefusedNamingTheProfilerAndTheFix() {
        String expected = "the report from profiler 'strace' has no time x size grid, so there is"
                + " nothing over time to draw: the profiler did not timestamp operations. Measure with a profiler"
                + " that has Capability.TIMELINE (see Iops.profilers()), or chart the histograms instead.";

        assertThatThrownBy(() -> IopsCharts.heatmap(Reports.singleSize(), OpKind.READ))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(expected);
        assertThatThrownBy(() -> IopsCharts.iopsOverTime(Reports.countOnly()))
                .hasMessageStartingWith("the report from profiler 'procfs' has no time x size grid");
    }

    @Test
    void emptyTimelineGivesRateChartsThatSaySo() {
        XYChart chart = IopsCharts.iopsOverTime(Reports.empty());

        assertThat(chart.getTitle()).isEqualTo("IOPS over time: 0 reads, 0 writes in 850.0 µs (strace, thread)");
        assertThat(chart.getSeries("reads").getYData()).containsOnly(0.0);
        assertThat(chart.getStyler().isLegendVisible()).isFalse();
    }

    private static List<List<Long>> cells(HeatMapChart chart) {
        List<List<Long>> cells = new ArrayList<>();
        for (Number[] cell : chart.getHeatMapSeries().getHeatData()) {
            cells.add(Arrays.stream(cell).map(Number::longValue).toList());
        }
        return cells;
    }
}
