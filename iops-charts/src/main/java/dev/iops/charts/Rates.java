package dev.iops.charts;

import dev.iops.IopsReport;
import dev.iops.TimeSizeGrid;
import dev.iops.Units;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.time.Duration;

/**
 * IOPS and throughput over time, as fio's logs and iostat's intervals show them: one value per time slice of the
 * report's timeline, reads and writes as separate series, drawn as steps so each value spans its slice. Stateless.
 */
final class Rates {
    private Rates() {
    }

    /** Which rate a chart shows. */
    enum Rate { OPS, BYTES }

    static XYChart chart(IopsReport report, Rate rate) {
        TimeSizeGrid grid = IopsCharts.timelineOf(report);
        if (!grid.hasKinds()) {
            throw new IllegalArgumentException("the report from profiler '" + report.profiler() + "' has a time x"
                    + " size grid that counts reads and writes together, so there are no read and write rates over"
                    + " time to draw: the grid was built without TimeSizeGrid.ofKinds.");
        }
        int bins = grid.timeBins();
        double binSeconds = grid.binWidth().toNanos() / 1e9;
        long[] reads = new long[bins];
        long[] writes = new long[bins];
        long max = 0;
        for (int t = 0; t < bins; t++) {
            if (rate == Rate.BYTES) {
                reads[t] = grid.bytesRead(t);
                writes[t] = grid.bytesWritten(t);
            } else {
                for (int s = 0; s < grid.sizeBuckets(); s++) {
                    reads[t] += grid.readOps(t, s);
                    writes[t] += grid.writeOps(t, s);
                }
            }
            max = Math.max(max, Math.max(reads[t], writes[t]));
        }
        long span = grid.binWidth().toNanos() * bins;
        Labels.TimeUnit time = Labels.TimeUnit.forSpan(Duration.ofNanos(span));
        double maxPerSecond = max / binSeconds;

        String yTitle;
        double divisor;
        String title;
        long totalReads = 0;
        long totalWrites = 0;
        for (int t = 0; t < bins; t++) {
            totalReads += reads[t];
            totalWrites += writes[t];
        }
        if (rate == Rate.BYTES) {
            Labels.ByteUnit unit = Labels.ByteUnit.forMax((long) Math.min(Long.MAX_VALUE, maxPerSecond));
            yTitle = "throughput (" + unit.symbol() + "/s)";
            divisor = unit.divisor();
            title = IopsCharts.title("Throughput over time: " + Units.bytes(totalReads) + " read, "
                    + Units.bytes(totalWrites) + " written", report);
        } else {
            Labels.CountUnit unit = Labels.CountUnit.forMax((long) Math.min(Long.MAX_VALUE, maxPerSecond));
            yTitle = unit.name().isEmpty() ? "IOPS (operations per second)"
                    : "IOPS (" + unit.name() + " of operations per second)";
            divisor = unit.divisor();
            title = IopsCharts.title("IOPS over time: " + Units.count(totalReads) + " reads, "
                    + Units.count(totalWrites) + " writes", report);
        }

        XYChart chart = new XYChart(IopsCharts.WIDTH_PX, IopsCharts.HEIGHT_PX, Styler.ChartTheme.XChart);
        chart.setTitle(title);
        chart.setXAxisTitle("time since start (" + time.symbol() + "), one value per slice of "
                + Units.duration(grid.binWidth()));
        chart.setYAxisTitle(yTitle);
        XYStyler s = chart.getStyler();
        IopsCharts.style(s);
        s.setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
        s.setSeriesColors(new Color[] {IopsCharts.READ_COLOR, IopsCharts.WRITE_COLOR});
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setPlotGridVerticalLinesVisible(false);
        // The axis ends where the last slice ends: a round end past it (40 ms for a 37.12 ms block) would draw
        // time in which nothing was measured. XChart would then tick the slices' own times (4.256, 8.513 ...), so
        // its x labels are off and TimeTicks draws round times (0, 5 ... 35) at their place instead, as on the
        // heatmaps.
        s.setXAxisMin(0.0);
        s.setXAxisMax((double) span / time.nanos());
        s.setXAxisTicksVisible(false);
        s.setAxisTitlePadding(TimeTicks.ROOM_PX);
        s.setYAxisMin(0.0);
        s.setYAxisMax(max == 0 ? 1.0 : IopsCharts.roundTopAbove(maxPerSecond / divisor));
        s.setYAxisDecimalPattern("#,##0.##");
        s.setMarkerSize(0);

        // A step series holds its value until the next point: one point at the start of each slice, and one more
        // at the end of the last slice so that it, too, is drawn across its width.
        double[] x = new double[bins + 1];
        double[] r = new double[bins + 1];
        double[] w = new double[bins + 1];
        for (int t = 0; t <= bins; t++) {
            int v = Math.min(t, bins - 1);
            x[t] = (double) t * grid.binWidth().toNanos() / time.nanos();
            r[t] = reads[v] / binSeconds / divisor;
            w[t] = writes[v] / binSeconds / divisor;
        }
        XYSeries rs = chart.addSeries(IopsCharts.READS, x, r);
        XYSeries ws = chart.addSeries(IopsCharts.WRITES, x, w);
        for (XYSeries series : new XYSeries[] {rs, ws}) {
            series.setMarker(SeriesMarkers.NONE);
            series.setLineWidth(2f);
        }
        chart.addAnnotation(TimeTicks.onXValues(span, time));
        if (totalReads + totalWrites == 0) {
            s.setLegendVisible(false);
            chart.addAnnotation(IopsCharts.emptyNote(s));
        }
        return chart;
    }
}
