package dev.iops.charts;

import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.SizeHistogram;
import dev.iops.TimeSizeGrid;
import dev.iops.Units;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.style.HeatMapStyler;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The time x size heatmap of one kind of operation. Reads and writes get a panel each, drawn alike so they can
 * sit side by side: the same size rows, the same time axis and the same colour bands. Stateless.
 */
final class Heatmaps {
    // Sequential light-to-dark scale, so "more operations" reads as "darker" in print too.
    static final Color[] HEAT_COLORS = {
        new Color(0xFFF7BC), new Color(0xFEC44F), new Color(0xEC7014), new Color(0x993404), new Color(0x4A1486)};

    /** Title of the colour legend, drawn above it. */
    static final String LEGEND_TITLE = "ops per slice";

    private Heatmaps() {
    }

    /**
     * Colour bands of whole operation counts that do not overlap: band {@code i} holds the counts
     * {@code 1 + i * width} to {@code (i + 1) * width}, the last one ending at the largest cell.
     *
     * @param count number of bands, 1 to {@code HEAT_COLORS.length}
     * @param width counts per band, {@code >= 1}
     * @param max   the largest cell, {@code >= 1}
     */
    record Bands(int count, long width, long max) {
        /**
         * @param max the largest cell of both panels, {@code >= 1}
         * @return as many bands as there are colours, fewer when the largest cell is smaller than that
         */
        static Bands forMax(long max) {
            int count = (int) Math.min(HEAT_COLORS.length, max);
            long width = (max + count - 1) / count;
            // With a rounded-up width the last bands may start above max (max 6 in 5 bands of 2: 1-2 ... 5-6, 7-8,
            // 9-10); drop the bands that would hold nothing.
            count = (int) ((max + width - 1) / width);
            return new Bands(count, width, max);
        }

        long low(int band) {
            return 1 + band * width;
        }

        long high(int band) {
            return Math.min(max, (band + 1) * width);
        }

        /** {@code "1"}, {@code "2–3"}, {@code "1,001–2,000"}: the counts a band's colour stands for. */
        String label(int band) {
            long lo = low(band);
            long hi = high(band);
            return lo == hi ? Units.count(lo) : Units.count(lo) + "\u2013" + Units.count(hi);
        }

        /** The colours in use, spread over the whole light-to-dark scale. */
        Color[] colors() {
            Color[] c = new Color[count];
            for (int i = 0; i < count; i++) {
                c[i] = HEAT_COLORS[count == 1 ? HEAT_COLORS.length - 1
                        : Math.round(i * (HEAT_COLORS.length - 1) / (float) (count - 1))];
            }
            return c;
        }
    }

    static HeatMapChart heatmap(IopsReport report, OpKind kind) {
        TimeSizeGrid grid = IopsCharts.timelineOf(report);
        if (!grid.hasKinds()) {
            throw new IllegalArgumentException("the report from profiler '" + report.profiler() + "' has a time x"
                    + " size grid that counts reads and writes together, so there is no heatmap of "
                    + IopsCharts.kindWord(kind) + " alone to draw: the grid was built without TimeSizeGrid.ofKinds.");
        }
        long span = grid.binWidth().toNanos() * grid.timeBins();
        Labels.TimeUnit unit = Labels.TimeUnit.forSpan(java.time.Duration.ofNanos(span));
        long total = 0;
        long max = 0;
        int lo = -1;
        int hi = -1;
        for (int s = 0; s < grid.sizeBuckets(); s++) {
            for (int t = 0; t < grid.timeBins(); t++) {
                total += kind == OpKind.READ ? grid.readOps(t, s) : grid.writeOps(t, s);
                // Both kinds decide rows and colours, so the two panels line up and compare.
                max = Math.max(max, Math.max(grid.readOps(t, s), grid.writeOps(t, s)));
                if (grid.ops(t, s) > 0) {
                    lo = lo < 0 ? s : lo;
                    hi = s;
                }
            }
        }
        String title = IopsCharts.title(IopsCharts.capitalized(IopsCharts.kindWord(kind)) + " over time by size: "
                + (total == 0 ? "none" : IopsCharts.ops(total)), report);

        // Not HeatMapChart(int, int): in XChart 4.0.3 it applies no theme, leaving colours and fonts null.
        HeatMapChart chart = new HeatMapChart(IopsCharts.WIDTH_PX, IopsCharts.HEIGHT_PX, Styler.ChartTheme.XChart);
        chart.setTitle(title);
        chart.setXAxisTitle("time since start (" + unit.symbol() + "), in " + grid.timeBins() + " slices of "
                + Units.duration(grid.binWidth()));
        chart.setYAxisTitle(IopsCharts.SIZE_AXIS);
        HeatMapStyler s = chart.getStyler();
        IopsCharts.style(s);
        s.setPlotGridLinesVisible(false);
        // Each cell outlined in its own colour: without it, anti-aliasing leaves light seams between neighbours.
        s.setDrawBorder(true);
        s.setLegendPosition(Styler.LegendPosition.OutsideE);
        // XChart 4.0.3 labels a category axis only every n-th row when rows are closer than the x spacing hint;
        // a hint of one pixel labels every size row.
        s.setXAxisTickMarkSpacingHint(1);
        // XChart's time labels sit at the centre of each slice and cannot be thinned to round values; they are
        // blank here and TimeTicks draws round times at their true place on the axis instead.
        s.setAxisTicksMarksVisible(false);
        // Cells fill the plot edge to edge, so a time maps linearly onto the plot's width.
        s.setPlotContentSize(1.0);
        // Blank slice labels take no height: room under the plot for the times, between it and the axis title.
        s.setAxisTitlePadding(TimeTicks.ROOM_PX);

        List<String> times = new ArrayList<>(Collections.nCopies(grid.timeBins(), TimeTicks.BLANK));
        List<String> sizes = new ArrayList<>();
        List<Number[]> cells = new ArrayList<>();
        if (lo < 0) {
            // No operation: XChart refuses a heatmap without cells, so one zero cell painted in the background colour
            // keeps the axes drawable, and the plot says why it is empty.
            sizes.add(" ");
            cells.add(new Number[] {0, 0, 0});
            s.setRangeColors(new Color[] {Color.WHITE, Color.WHITE});
            s.setLegendVisible(false);
            s.setYAxisTicksVisible(false);
            chart.addSeries(IopsCharts.seriesName(kind), times, sizes, cells);
            chart.addAnnotation(TimeTicks.acrossPlot(span, unit));
            chart.addAnnotation(IopsCharts.emptyNote(s));
            return chart;
        }
        // One empty row below the smallest size and one above the largest, as the histograms have: a single size
        // is then a band between its neighbours, not a block that fills the plot, and the rows are the histograms'.
        int first = Math.max(0, lo - 1);
        int last = Math.min(SizeHistogram.MAX_BUCKETS - 1, hi + 1);
        for (int b = first; b <= last; b++) {
            sizes.add(Labels.bucket(b));
            for (int t = 0; b < grid.sizeBuckets() && t < grid.timeBins(); t++) {
                long n = kind == OpKind.READ ? grid.readOps(t, b) : grid.writeOps(t, b);
                if (n > 0) {
                    cells.add(new Number[] {t, b - first, n});
                }
            }
        }
        if (cells.isEmpty()) {
            // The other kind has operations, this one none: keep the rows and the legend (the panels line up) and say
            // so. XChart needs a cell; this one lies one slice past the end, outside the plot, which clips it away.
            cells.add(new Number[] {grid.timeBins(), 0, 0});
            chart.addAnnotation(IopsCharts.note(s, "No " + IopsCharts.kindWord(kind) + " were measured."));
        }
        Bands bands = Bands.forMax(Math.max(1, max));
        // Equal-width bands between 0.5 and 0.5 + count x width: XChart's piecewise colouring then gives every
        // whole count in band i the band's colour, and its legend prints each band's lower edge, which the
        // formatter turns into the band's range of whole counts.
        s.setPiecewise(true);
        s.setPiecewiseRanged(false);
        s.setSplitNumber(bands.count());
        s.setRangeColors(bands.colors());
        s.setMin(0.5);
        s.setMax(0.5 + bands.count() * bands.width());
        s.setHeatMapDecimalValueFormatter(v -> bands.label((int) Math.round((v - 0.5) / bands.width())));
        chart.addSeries(IopsCharts.seriesName(kind), times, sizes, cells);
        chart.addAnnotation(TimeTicks.acrossPlot(span, unit));
        chart.addAnnotation(new LegendTitle(bands.count()));
        return chart;
    }

    /** "ops per slice" over XChart's colour legend, which has no title of its own. */
    static final class LegendTitle extends Annotation {
        private final int bands;

        LegendTitle(int bands) {
            super(true);
            this.bands = bands;
        }

        @Override
        public void paint(Graphics2D g) {
            Font font = styler.getLegendFont().deriveFont(Font.BOLD);
            TextLayout text = new TextLayout(LEGEND_TITLE, font, g.getFontRenderContext());
            // XChart centres its vertical legend on the plot: one line of font size plus padding per band.
            double plotTop = getYAxisScreenValueForMin();
            double plotBottom = getYAxisScreenValueForMax();
            int pad = styler.getLegendPadding();
            double legendHeight = bands * (styler.getLegendFont().getSize() + pad) + pad;
            double legendTop = plotTop + (plotBottom - plotTop - legendHeight) / 2;
            double x = IopsCharts.WIDTH_PX - 6 - text.getBounds().getWidth();
            AffineTransform orig = g.getTransform();
            g.setColor(styler.getChartFontColor());
            g.translate(x, legendTop - 6);
            g.fill(text.getOutline(null));
            g.setTransform(orig);
        }
    }
}
