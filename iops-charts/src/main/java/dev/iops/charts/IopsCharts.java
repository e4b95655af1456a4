package dev.iops.charts;

import dev.iops.IopsReport;
import dev.iops.OpDetail;
import dev.iops.OpKind;
import dev.iops.SizeHistogram;
import dev.iops.Units;
import dev.iops.TimeSizeGrid;
import org.knowm.xchart.AnnotationTextPanel;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.internal.chartpart.AxesChart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.CategoryStyler;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Charts of an {@link IopsReport}, drawn with <a href="https://knowm.org/open-source/xchart/">XChart</a>.
 *
 * <pre>{@code
 * IopsReport report = Iops.with().histogram().measure(() -> work());
 * List<Path> files = IopsCharts.save(report, Path.of("charts"), IopsCharts.Format.PNG, IopsCharts.Format.SVG);
 * BufferedImage both = IopsCharts.render(report);          // the two histograms side by side
 * BufferedImage heat = IopsCharts.renderHeatmaps(report);  // reads and writes over time by size, side by side
 * BufferedImage rates = IopsCharts.renderRates(report);    // IOPS and throughput over time, side by side
 * CategoryChart ops = IopsCharts.sizeHistogram(report);    // restyle, then ChartEncoder.saveChart(ops, "ops", "png")
 * }</pre>
 *
 * <h2>The charts</h2>
 * <ul>
 *   <li>{@link #sizeHistogram(IopsReport)}: operations per power-of-two size bucket, as bars;</li>
 *   <li>{@link #bytesHistogram(IopsReport)}: total bytes moved per size bucket, as bars;</li>
 *   <li>{@link #heatmap(IopsReport, OpKind)}: operations of one kind per time slice (x) and size bucket (y),
 *   colour = operations; reads and writes never share a grid, each has its panel;</li>
 *   <li>{@link #iopsOverTime(IopsReport)} and {@link #throughputOverTime(IopsReport)}: operations and bytes per
 *   second in each time slice, reads and writes as separate series, as fio's and iostat's users read them.</li>
 * </ul>
 * Each histogram has three series, named {@value #READS}, {@value #WRITES} and {@value #ALL}, over the buckets
 * from one below the smallest non-empty bucket to one above the largest, labelled with each bucket's smallest
 * size in binary units ({@code 4 KiB} is the bucket of 4 KiB up to, not including, 8 KiB; the axis title says
 * {@value #SIZE_AXIS}). Bars, unlike lines,
 * show a single bucket too: 1000 writes of 4096 bytes draw one visible bar. The y axis unit is chosen from the
 * tallest bar ({@code KiB}, {@code MiB}, ... for bytes; thousands or millions for large counts) and named in the
 * axis title; series values are in that unit. Operation counts that span two decades or more go on a log axis
 * instead, so that rare sizes stay visible. Titles carry the totals drawn, the elapsed time (none for a report
 * without one, such as a trace without timestamps), the profiler and the scope; a profiler name too long for the
 * chart loses its middle to an ellipsis. A report of zero operations gives a chart whose title and plot say so.
 *
 * <p>Every chart is {@value #WIDTH_PX} x {@value #HEIGHT_PX} pixels; the two-panel images and files are twice as
 * wide.
 *
 * <h2>Reports these charts need</h2>
 * Histograms need {@link IopsReport#histogram()}, which per-operation profilers fill when asked with
 * {@code Iops.with().histogram()}; the charts over time also need {@link OpDetail#timeline()}, from profilers
 * that timestamp operations, built with reads and writes apart ({@link TimeSizeGrid#hasKinds()}, as iops' own
 * profilers build it). Without them the methods throw {@link IllegalArgumentException} naming the profiler
 * and what to do, rather than draw an empty picture that looks like "no I/O".
 *
 * <h2>Headless, threads, state</h2>
 * Charts are drawn into off-screen images only. Unless the JVM was started with {@code -Djava.awt.headless}
 * set either way, loading this class sets {@code java.awt.headless=true}, so drawing never needs or opens a
 * display (nor a Dock icon on macOS); set the property to {@code false} before first use to keep AWT's own
 * choice. All methods are thread-safe and keep no state: every call builds new chart objects, which belong to
 * the caller (XChart chart objects themselves are not thread-safe; do not share one between threads while
 * changing it).
 */
public final class IopsCharts {
    /** Width of one chart, in pixels. */
    public static final int WIDTH_PX = 800;
    /** Height of one chart, in pixels. */
    public static final int HEIGHT_PX = 500;

    /** Name of the series of read operations. */
    public static final String READS = "reads";
    /** Name of the series of write operations. */
    public static final String WRITES = "writes";
    /** Name of the series of reads and writes together. */
    public static final String ALL = "all";

    /** File name, without extension, of the operations histogram written by {@link #save}. */
    public static final String OPS_BY_SIZE = "iops-ops-by-size";
    /** File name, without extension, of the bytes histogram written by {@link #save}. */
    public static final String BYTES_BY_SIZE = "iops-bytes-by-size";
    /**
     * File name, without extension, of the read and write heatmaps side by side, written by {@link #save} when the
     * report has a timeline that keeps kinds apart.
     */
    public static final String OPS_OVER_TIME = "iops-ops-over-time";
    /**
     * File name, without extension, of IOPS and throughput over time side by side, written by {@link #save} when
     * the report has a timeline that keeps kinds apart.
     */
    public static final String RATES_OVER_TIME = "iops-rates-over-time";

    /**
     * The operations histogram switches to a log axis when its tallest bar is this many times its shortest
     * non-empty one: on a linear axis of a few hundred pixels, the short one would be under a pixel or two.
     */
    public static final long LOG_RATIO = 100;

    /** What a chart of a report without operations says in its plot. */
    static final String EMPTY_NOTE = "No read or write operations were measured.";

    /**
     * Title of the size axis of the histograms and the heatmaps. A bucket is labelled with its smallest size, so
     * the 4 KiB bar counts the operations of 4 KiB up to, not including, 8 KiB: their sizes rounded down.
     */
    static final String SIZE_AXIS = "bytes per operation, rounded down to a power of two";

    // Okabe-Ito colours: told apart by colour-blind readers too; "all" is a neutral grey behind the two kinds.
    private static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    /**
     * The widest a title may be. XChart centres a title on the plot, which the y axis pushes right of the chart's
     * centre by about 45 pixels: a title this wide still ends inside the chart.
     */
    static final int TITLE_MAX_PX = WIDTH_PX - 90;
    private static final Font AXIS_TITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font LEGEND_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    private static final Font NOTE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
    /** Every font a chart's text is drawn in; the heatmap's legend title is the legend font in bold. */
    static final Set<Font> FONTS = new LinkedHashSet<>(List.of(TICK_FONT, LEGEND_FONT, AXIS_TITLE_FONT, TITLE_FONT,
            LEGEND_FONT.deriveFont(Font.BOLD), NOTE_FONT));

    static final Color READ_COLOR = new Color(0x0072B2);
    static final Color WRITE_COLOR = new Color(0xE69F00);
    private static final Color ALL_COLOR = new Color(0x7F7F7F);
    private static final Color TEXT_COLOR = new Color(0x333333);
    private static final Color GRID_COLOR = new Color(0xDDDDDD);

    static {
        // Off-screen drawing only: keep AWT away from any display unless the user decided otherwise.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private IopsCharts() {
    }

    /**
     * File formats {@link #save} writes.
     */
    public enum Format {
        /** Portable Network Graphics, {@value IopsCharts#WIDTH_PX} x {@value IopsCharts#HEIGHT_PX} pixels; extension {@code .png}. */
        PNG("png"),
        /**
         * Scalable Vector Graphics, {@value IopsCharts#WIDTH_PX} x {@value IopsCharts#HEIGHT_PX} user units per
         * chart; extension {@code .svg}. Text is written as SVG text (searchable, and 20-30 KB per chart) in the
         * physical font Java used, followed by the generic {@code sans-serif}; a viewer without that font draws
         * the text in its own sans-serif, so widths may differ slightly from the PNG.
         */
        SVG("svg");

        private final String extension;

        Format(String extension) {
            this.extension = extension;
        }

        /** @return the file extension, without the dot: {@code "png"} or {@code "svg"} */
        public String extension() {
            return extension;
        }
    }

    /**
     * Operations per size bucket, as bars: series {@value #READS}, {@value #WRITES} and {@value #ALL}.
     *
     * <p>Title: {@code "Operations by size: 2,000 ops in 12.34 ms (strace, thread)"}. X axis: bucket labels
     * such as {@code "4 KiB"}; y axis: {@code "operations"}, or {@code "operations (thousands)"} /
     * {@code "operations (millions)"} when the tallest bar reaches 100,000 / 100,000,000, in which case the
     * series values are in that unit. When the tallest bar is {@value #LOG_RATIO} or more times the shortest
     * non-empty one, the y axis is logarithmic instead, titled {@code "operations (log scale)"}, the values are
     * plain counts and empty buckets hold {@code null} (no bar), so a lone end-of-file read beside thousands of
     * 4 KiB reads still shows.
     *
     * @param report a report with a size histogram, not {@code null}
     * @return a new chart of {@value #WIDTH_PX} x {@value #HEIGHT_PX} pixels, owned by the caller
     * @throws IllegalArgumentException if the report has no histogram (a count-only profiler measured it)
     */
    public static CategoryChart sizeHistogram(IopsReport report) {
        SizeHistogram h = histogramOf(report);
        long max = max(h, SizeHistogram.Bucket::readOps, SizeHistogram.Bucket::writeOps);
        long min = minNonZero(h);
        // Counts often span decades (one end-of-file read beside thousands of block reads); on a linear axis the
        // rare sizes would draw bars under a pixel tall, so then a log axis keeps every non-empty bucket visible.
        boolean log = !h.isEmpty() && max >= LOG_RATIO * min;
        String title = title("Operations by size: " + (h.isEmpty() ? "no operations" : ops(h.totalOps())), report);
        if (log) {
            return histogramChart(title, "operations (log scale)", h, b -> b.readOps(), b -> b.writeOps(),
                    b -> b.totalOps(), "#,##0", true);
        }
        Labels.CountUnit unit = Labels.CountUnit.forMax(max);
        String yTitle = unit.name().isEmpty() ? "operations" : "operations (" + unit.name() + ")";
        return histogramChart(title, yTitle, h, b -> unit.scale(b.readOps()), b -> unit.scale(b.writeOps()),
                b -> unit.scale(b.totalOps()), unit.divisor() == 1 ? "#,##0.#" : "#,##0.##", false);
    }

    /**
     * Total bytes moved per size bucket, as bars: series {@value #READS}, {@value #WRITES} and {@value #ALL}.
     *
     * <p>Title: {@code "Bytes by size: 7.8 MiB in 12.34 ms (strace, thread)"}. X axis as in
     * {@link #sizeHistogram(IopsReport)}; y axis {@code "total bytes"} under 1 KiB, else
     * {@code "total bytes (KiB)"}, {@code "(MiB)"}, ... after the tallest bar, and the series values are in that
     * unit (1 KiB = 1024 bytes).
     *
     * @param report a report with a size histogram, not {@code null}
     * @return a new chart of {@value #WIDTH_PX} x {@value #HEIGHT_PX} pixels, owned by the caller
     * @throws IllegalArgumentException if the report has no histogram (a count-only profiler measured it)
     */
    public static CategoryChart bytesHistogram(IopsReport report) {
        SizeHistogram h = histogramOf(report);
        long max = max(h, SizeHistogram.Bucket::readBytes, SizeHistogram.Bucket::writeBytes);
        Labels.ByteUnit unit = Labels.ByteUnit.forMax(max);
        String yTitle = unit.divisor() == 1 ? "total bytes" : "total bytes (" + unit.symbol() + ")";
        long total = h.bytesRead() + h.bytesWritten();
        String title = title("Bytes by size: " + (h.isEmpty() ? "no operations" : Units.bytes(total)), report);
        return histogramChart(title, yTitle, h, b -> unit.scale(b.readBytes()), b -> unit.scale(b.writeBytes()),
                b -> unit.scale(b.totalBytes()), "#,##0.##", false);
    }

    /**
     * Operations of one kind by time and size: one column per time slice of the block, one row per size bucket,
     * colour = operations of that kind that started in that cell. Reads and writes never share a grid: draw one
     * panel per kind ({@link #renderHeatmaps(IopsReport)} puts them side by side). Both panels of a report have the
     * same rows (every size either kind used, from the smallest to the largest, and one empty row on each side as
     * the histograms have, so a single size is a band rather than the whole plot) and the same colour bands, so a
     * colour means the same count in both.
     *
     * <p>Colour bands are ranges of whole counts that do not overlap ({@code 1–4}, {@code 5–8}, ... up to the
     * largest cell of either kind), at most five, from light (few) to dark (most), in a legend titled
     * {@code "ops per slice"}. Empty cells are left blank. Title:
     * {@code "Writes over time by size: 1,000 ops in 12.34 ms (strace, thread)"}; x axis
     * {@code "time since start (ms), in 50 slices of 246.9 µs"}, with ticks at round times (0, 5, 10 ...) where
     * they fall; y axis {@value #SIZE_AXIS}, every row labelled with its bucket's
     * smallest size as in {@link #sizeHistogram(IopsReport)}. The series is named {@value #READS} or
     * {@value #WRITES}; its cells are {@code {time slice, row, operations}}.
     *
     * @param report a report whose detail has a timeline that keeps kinds apart, not {@code null}
     * @param kind   which operations to draw, not {@code null}
     * @return a new chart of {@value #WIDTH_PX} x {@value #HEIGHT_PX} pixels, owned by the caller
     * @throws IllegalArgumentException if the report has no time x size grid (its profiler does not see operations
     *                                  one by one or does not timestamp them), or one built without kinds
     */
    public static HeatMapChart heatmap(IopsReport report, OpKind kind) {
        Objects.requireNonNull(kind, "kind");
        return Heatmaps.heatmap(report, kind);
    }

    /**
     * IOPS over time, as fio and iostat users read it: operations per second in each time slice of the block,
     * series {@value #READS} and {@value #WRITES} drawn as steps (each value spans its slice). The series hold one
     * point per slice start plus one at the end of the last slice, which repeats the last value; x in the unit of
     * the x axis title ({@code "time since start (ms), one value per slice of 246.9 µs"}), y in operations per
     * second, or thousands / millions of them when the busiest slice reaches 100,000 / 100,000,000 per second (the
     * y axis title says which). The x axis runs from 0 to the end of the last slice, no further, with labels at
     * round times within it (0, 5, 10 ...); the y axis tops at the next round value above the busiest slice.
     * Title: {@code "IOPS over time: 1,000 reads, 1,000 writes in 12.34 ms (strace, thread)"}.
     *
     * @param report a report whose detail has a timeline that keeps kinds apart, not {@code null}
     * @return a new chart of {@value #WIDTH_PX} x {@value #HEIGHT_PX} pixels, owned by the caller
     * @throws IllegalArgumentException if the report has no such timeline
     */
    public static XYChart iopsOverTime(IopsReport report) {
        return Rates.chart(report, Rates.Rate.OPS);
    }

    /**
     * Throughput over time: bytes per second read and written in each time slice of the block, exact (from the
     * bytes of each operation, not from its size bucket), series {@value #READS} and {@value #WRITES} as steps like
     * {@link #iopsOverTime(IopsReport)}. The y unit is the binary unit the busiest slice reaches, named in the y
     * axis title ({@code "throughput (MiB/s)"}). Title:
     * {@code "Throughput over time: 3.9 MiB read, 3.9 MiB written in 12.34 ms (strace, thread)"}.
     *
     * @param report a report whose detail has a timeline that keeps kinds apart, not {@code null}
     * @return a new chart of {@value #WIDTH_PX} x {@value #HEIGHT_PX} pixels, owned by the caller
     * @throws IllegalArgumentException if the report has no such timeline
     */
    public static XYChart throughputOverTime(IopsReport report) {
        return Rates.chart(report, Rates.Rate.BYTES);
    }

    /**
     * The read and write heatmaps side by side in one image: reads on the left, writes on the right.
     *
     * @param report a report whose detail has a timeline that keeps kinds apart, not {@code null}
     * @return a new RGB image of {@code 2 * WIDTH_PX} x {@value #HEIGHT_PX} pixels
     * @throws IllegalArgumentException as {@link #heatmap(IopsReport, OpKind)}
     */
    public static BufferedImage renderHeatmaps(IopsReport report) {
        return image(List.of(heatmap(report, OpKind.READ), heatmap(report, OpKind.WRITE)));
    }

    /**
     * IOPS and throughput over time side by side in one image: IOPS on the left, throughput on the right.
     *
     * @param report a report whose detail has a timeline that keeps kinds apart, not {@code null}
     * @return a new RGB image of {@code 2 * WIDTH_PX} x {@value #HEIGHT_PX} pixels
     * @throws IllegalArgumentException as {@link #iopsOverTime(IopsReport)}
     */
    public static BufferedImage renderRates(IopsReport report) {
        return image(List.of(iopsOverTime(report), throughputOverTime(report)));
    }

    /**
     * The two histograms side by side in one image, as {@code iops --histogram} shows them: operations by size
     * on the left, bytes by size on the right.
     *
     * @param report a report with a size histogram, not {@code null}
     * @return a new RGB image of {@code 2 * WIDTH_PX} x {@value #HEIGHT_PX} pixels
     * @throws IllegalArgumentException if the report has no histogram
     */
    public static BufferedImage render(IopsReport report) {
        return image(List.of(sizeHistogram(report), bytesHistogram(report)));
    }

    /** Charts side by side, left to right, in one image of one chart's height. */
    private static BufferedImage image(List<? extends AxesChart<?, ?>> panels) {
        BufferedImage image = new BufferedImage(panels.size() * WIDTH_PX, HEIGHT_PX, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            paint(g, panels);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void paint(Graphics2D g, List<? extends AxesChart<?, ?>> panels) {
        for (int i = 0; i < panels.size(); i++) {
            AffineTransform orig = g.getTransform();
            g.translate(i * WIDTH_PX, 0);
            panels.get(i).paint(g, WIDTH_PX, HEIGHT_PX);
            g.setTransform(orig);
        }
    }

    /**
     * Writes the charts of a report into a folder, in each format asked, and returns the files in the order
     * written: for each chart, one file per format. The charts are the operations histogram
     * ({@value #OPS_BY_SIZE}), the bytes histogram ({@value #BYTES_BY_SIZE}) and, when the report has a
     * timeline with reads and writes apart, the read and write heatmaps side by side ({@value #OPS_OVER_TIME}) and
     * IOPS and throughput over time side by side ({@value #RATES_OVER_TIME}), each of those {@code 2 * WIDTH_PX}
     * wide; file names are these plus {@code .png} / {@code .svg}, so a second call replaces the files of the first.
     * The folder is created if missing.
     *
     * @param report  a report with a size histogram, not {@code null}
     * @param dir     the folder to write into, not {@code null}
     * @param formats one or more formats; repeats are ignored
     * @return the files written, absolute or relative as {@code dir} is
     * @throws IllegalArgumentException if no format is given or the report has no histogram (nothing is written)
     * @throws IOException              if a file cannot be written
     */
    public static List<Path> save(IopsReport report, Path dir, Format... formats) throws IOException {
        Objects.requireNonNull(report, "report");
        Objects.requireNonNull(dir, "dir");
        Set<Format> wanted = new LinkedHashSet<>(Arrays.asList(formats));
        if (wanted.isEmpty()) {
            throw new IllegalArgumentException("no format given: pass Format.PNG, Format.SVG or both");
        }
        // Build every chart before writing anything, so a report that cannot be charted leaves no half-written folder.
        List<List<? extends AxesChart<?, ?>>> charts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        charts.add(List.of(sizeHistogram(report)));
        names.add(OPS_BY_SIZE);
        charts.add(List.of(bytesHistogram(report)));
        names.add(BYTES_BY_SIZE);
        if (report.detail().flatMap(OpDetail::timeline).filter(TimeSizeGrid::hasKinds).isPresent()) {
            charts.add(List.of(heatmap(report, OpKind.READ), heatmap(report, OpKind.WRITE)));
            names.add(OPS_OVER_TIME);
            charts.add(List.of(iopsOverTime(report), throughputOverTime(report)));
            names.add(RATES_OVER_TIME);
        }
        Files.createDirectories(dir);
        List<Path> written = new ArrayList<>();
        for (int i = 0; i < charts.size(); i++) {
            for (Format f : wanted) {
                Path file = dir.resolve(names.get(i) + "." + f.extension());
                try (OutputStream out = Files.newOutputStream(file)) {
                    write(charts.get(i), f, out);
                }
                written.add(file);
            }
        }
        return List.copyOf(written);
    }

    private static void write(List<? extends AxesChart<?, ?>> panels, Format format, OutputStream out)
            throws IOException {
        if (format == Format.PNG) {
            ImageIO.write(image(panels), "png", out);
            return;
        }
        Svg.write(panels, out);
    }

    private static CategoryChart histogramChart(String title, String yTitle, SizeHistogram h,
                                                ToDoubleFunction<SizeHistogram.Bucket> reads,
                                                ToDoubleFunction<SizeHistogram.Bucket> writes,
                                                ToDoubleFunction<SizeHistogram.Bucket> all, String yPattern,
                                                boolean log) {
        CategoryChart chart = new CategoryChart(WIDTH_PX, HEIGHT_PX, Styler.ChartTheme.XChart);
        chart.setTitle(title);
        chart.setXAxisTitle(SIZE_AXIS);
        chart.setYAxisTitle(yTitle);
        CategoryStyler s = chart.getStyler();
        style(s);
        s.setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Bar);
        s.setSeriesColors(new Color[] {READ_COLOR, WRITE_COLOR, ALL_COLOR});
        // Below the plot, not inside it: any bucket, the first one included, may hold the tallest bar.
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        s.setAvailableSpaceFill(0.8);
        s.setYAxisMin(0.0);
        s.setYAxisDecimalPattern(yPattern);
        s.setPlotGridVerticalLinesVisible(false);
        s.setXAxisLabelRotation(45);
        s.setXAxisTickMarkSpacingHint(20);

        List<String> labels = new ArrayList<>();
        List<Double> r = new ArrayList<>();
        List<Double> w = new ArrayList<>();
        List<Double> a = new ArrayList<>();
        // A log axis has no zero: an empty bucket gets no bar (null) instead of a bar down to minus infinity.
        DoubleFunction<Double> bar = v -> log && v == 0 ? null : v;
        if (h.isEmpty()) {
            // XChart cannot lay out a chart without data; one zero bar keeps the axes, and the plot says why.
            labels.add("no operations");
            r.add(0.0);
            w.add(0.0);
            a.add(0.0);
            s.setYAxisMax(1.0);
            s.setLegendVisible(false);
            s.setYAxisTicksVisible(false);
            s.setXAxisTicksVisible(false);
        } else {
            int[] range = shownBuckets(h);
            double max = 0;
            for (int i = range[0]; i <= range[1]; i++) {
                SizeHistogram.Bucket b = h.bucket(i);
                labels.add(Labels.bucket(i));
                r.add(bar.apply(reads.applyAsDouble(b)));
                w.add(bar.apply(writes.applyAsDouble(b)));
                a.add(bar.apply(all.applyAsDouble(b)));
                max = Math.max(max, all.applyAsDouble(b));
            }
            if (log) {
                // Counts are whole numbers, so bars start at 0.5: a bucket of one operation still has a visible bar.
                s.setYAxisLogarithmic(true);
                // XChart draws a grid line at every 2..9 of each decade; fainter lines keep the bars in front.
                s.setPlotGridLinesColor(new Color(0xEEEEEE));
                s.setYAxisMin(0.5);
            } else {
                // A round top lets XChart place round ticks; left to itself it ticks 7.81 MiB at 0, 3.91 and 7.81.
                s.setYAxisMax(roundTopAbove(max));
            }
        }
        chart.addSeries(READS, labels, r);
        chart.addSeries(WRITES, labels, w);
        chart.addSeries(ALL, labels, a);
        if (h.isEmpty()) {
            chart.addAnnotation(emptyNote(s));
        }
        return chart;
    }

    /**
     * The buckets a histogram chart shows: one empty neighbour on each side of the non-empty ones, for context
     * (a lone bar then sits between its neighbours instead of filling the plot).
     *
     * @param h a non-empty histogram
     * @return {@code {first, last}} bucket indexes, inclusive
     */
    static int[] shownBuckets(SizeHistogram h) {
        int first = -1;
        int last = -1;
        for (SizeHistogram.Bucket b : h.buckets()) {
            if (b.totalOps() > 0) {
                first = first < 0 ? b.index() : first;
                last = b.index();
            }
        }
        return new int[] {Math.max(0, first - 1), Math.min(SizeHistogram.MAX_BUCKETS - 1, last + 1)};
    }

    /**
     * The smallest "round" number at or above {@code v}: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 times a power of ten.
     *
     * @param v a positive value
     * @return the round value, {@code >= v}
     */
    static double niceCeiling(double v) {
        double decade = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            // The tolerance keeps an exact 2000 at 2000 despite floating-point error in the division.
            if (step * decade >= v * (1 - 1e-12)) {
                return step * decade;
            }
        }
        return 10 * decade;
    }

    /**
     * The top of a linear y axis: {@link #niceCeiling} of the tallest value, or the next round number when the
     * tallest value is round itself. XChart ticks an axis whose values, with its ends, are equally spaced at those
     * values only: one bar of 1,000 gave the ticks 0 and 1,000 and nothing between, and rates of 1,000, 2,000 ...
     * 20,000 a label every 1,000. A top above the tallest value breaks that spacing, and keeps the tallest bar or
     * step off the plot's upper edge.
     *
     * @param v the tallest value, {@code > 0}
     * @return a round value, {@code > v}
     */
    static double roundTopAbove(double v) {
        double top = niceCeiling(v);
        return top > v * (1 + 1e-9) ? top : niceCeiling(top * (1 + 1e-6));
    }

    /**
     * The "nothing measured" note, centred on a chart of the default size. Screen coordinates because a chart
     * without data has no meaningful data coordinates.
     */
    static AnnotationTextPanel emptyNote(AxesChartStyler s) {
        return note(s, EMPTY_NOTE);
    }

    /** A note centred on a chart of the default size, in screen coordinates. */
    static AnnotationTextPanel note(AxesChartStyler s, String text) {
        Font font = s.getAnnotationTextPanelFont();
        double textWidth = new TextLayout(text, font, new FontRenderContext(null, true, false)).getBounds()
                .getWidth();
        // XChart pads the panel once on the left of the text and twice on the right.
        double panelWidth = textWidth + 3.0 * s.getAnnotationTextPanelPadding();
        return new AnnotationTextPanel(text, (WIDTH_PX - panelWidth) / 2, HEIGHT_PX / 2.0, true);
    }

    static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE);
        s.setPlotBackgroundColor(Color.WHITE);
        s.setPlotBorderVisible(false);
        s.setPlotGridLinesColor(GRID_COLOR);
        // Solid grid lines: XChart's dashed ones become one filled path per dash in SVG (tens of KB per chart).
        s.setPlotGridLinesStroke(new java.awt.BasicStroke(1f));
        s.setChartFontColor(TEXT_COLOR);
        s.setChartTitleFont(TITLE_FONT);
        s.setAxisTitleFont(AXIS_TITLE_FONT);
        s.setAxisTickLabelsFont(TICK_FONT);
        s.setLegendFont(LEGEND_FONT);
        s.setLegendBorderColor(GRID_COLOR);
        // XChart's heatmap theme leaves the annotation panel without font or colours; the "no operations" note needs
        // them.
        s.setAnnotationTextPanelFont(NOTE_FONT);
        s.setAnnotationTextPanelFontColor(TEXT_COLOR);
        s.setAnnotationTextPanelBackgroundColor(new Color(0xF4F4F4));
        s.setAnnotationTextPanelBorderColor(GRID_COLOR);
        s.setChartTitleBoxVisible(false);
        s.setLocale(Locale.ROOT);
        s.setAntiAlias(true);
        s.setTextAntiAlias(true);
    }

    /** {@code "1 op"}, {@code "2,000 ops"}. */
    static String ops(long n) {
        return Units.count(n) + (n == 1 ? " op" : " ops");
    }

    /**
     * A chart's title: what it shows, then the elapsed time, profiler and scope, as
     * {@code "Operations by size: 2,000 ops in 12.34 ms (strace, thread)"}. A report without an elapsed time (a
     * trace read from a file whose lines have no timestamps) says no time rather than "in 0 ns". A profiler name too
     * long for the chart's width (a custom provider's, a path) loses its middle to an ellipsis, so the title stays
     * on its own chart.
     *
     * @param what   the chart and its totals, e.g. {@code "Operations by size: 2,000 ops"}
     * @param report the report drawn
     * @return the title, at most {@link #TITLE_MAX_PX} wide in the title font
     */
    static String title(String what, IopsReport report) {
        String time = report.elapsed().isZero() ? "" : " in " + Units.duration(report.elapsed());
        String scope = ", " + report.scope().name().toLowerCase(Locale.ROOT) + ")";
        String profiler = report.profiler();
        String title = what + time + " (" + profiler + scope;
        int keep = profiler.length();
        while (width(title) > TITLE_MAX_PX && keep > 2) {
            keep--;
            // Both ends stay: a path keeps its root and its file name, a name its prefix and its variant.
            int head = (keep + 1) / 2;
            title = what + time + " (" + profiler.substring(0, head) + "\u2026"
                    + profiler.substring(profiler.length() - (keep - head)) + scope;
        }
        return title;
    }

    /** Width of a title in the title font, in pixels. */
    static double width(String title) {
        // Measured as XChart measures its title.
        return new TextLayout(title, TITLE_FONT, new FontRenderContext(null, true, false)).getBounds().getWidth();
    }

    /** Smallest non-zero read or write count of a bucket, or 0 for an empty histogram. */
    private static long minNonZero(SizeHistogram h) {
        long min = 0;
        for (SizeHistogram.Bucket b : h.buckets()) {
            for (long v : new long[] {b.readOps(), b.writeOps()}) {
                if (v > 0 && (min == 0 || v < min)) {
                    min = v;
                }
            }
        }
        return min;
    }

    private static long max(SizeHistogram h, ToLongFunction<SizeHistogram.Bucket> read,
                            ToLongFunction<SizeHistogram.Bucket> write) {
        long max = 0;
        for (SizeHistogram.Bucket b : h.buckets()) {
            max = Math.max(max, read.applyAsLong(b) + write.applyAsLong(b));
        }
        return max;
    }

    private static SizeHistogram histogramOf(IopsReport report) {
        Objects.requireNonNull(report, "report");
        return report.histogram().orElseThrow(() -> new IllegalArgumentException(
                "the report from profiler '" + report.profiler() + "' has no size histogram, so there is nothing to"
                        + " chart: it counted operations without seeing their sizes. Measure with"
                        + " Iops.with().histogram(), which picks a profiler that sees each operation's size."));
    }

    static TimeSizeGrid timelineOf(IopsReport report) {
        Objects.requireNonNull(report, "report");
        Optional<TimeSizeGrid> grid = report.detail().flatMap(OpDetail::timeline);
        return grid.orElseThrow(() -> new IllegalArgumentException(
                "the report from profiler '" + report.profiler() + "' has no time x size grid, so there is"
                        + " nothing over time to draw: the profiler did not timestamp operations. Measure with a profiler"
                        + " that has Capability.TIMELINE (see Iops.profilers()), or chart the histograms instead."));
    }

    /** {@code "reads"} or {@code "writes"}, as titles and messages say it. */
    static String kindWord(OpKind kind) {
        return kind == OpKind.READ ? "reads" : "writes";
    }

    /** The series name of a kind: {@value #READS} or {@value #WRITES}. */
    static String seriesName(OpKind kind) {
        return kind == OpKind.READ ? READS : WRITES;
    }

    static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }
}
