package dev.iops.charts;

import dev.iops.IopsReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.iops.SizeHistogram;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.imageio.ImageIO;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.ToLongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Real renders: files decoded and inspected, pixels counted. */
class IopsChartsRenderTest {
    private static final int WHITE = 0xFFFFFF;
    private static final int READ_RGB = 0x0072B2;
    private static final int WRITE_RGB = 0xE69F00;

    @Test
    void savesPngAndSvgOfEveryChartUnderStableNamesInOrder(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("charts");

        List<Path> files = IopsCharts.save(Reports.mixed(), dir, IopsCharts.Format.PNG, IopsCharts.Format.SVG,
                IopsCharts.Format.PNG);

        assertThat(files).containsExactly(
                dir.resolve("iops-ops-by-size.png"), dir.resolve("iops-ops-by-size.svg"),
                dir.resolve("iops-bytes-by-size.png"), dir.resolve("iops-bytes-by-size.svg"),
                dir.resolve("iops-ops-over-time.png"), dir.resolve("iops-ops-over-time.svg"),
                dir.resolve("iops-rates-over-time.png"), dir.resolve("iops-rates-over-time.svg"));
        for (Path f : files) {
            assertThat(f).isRegularFile();
            assertThat(Files.size(f)).as("size of %s", f).isGreaterThan(1000);
        }
        try (var listing = Files.list(dir)) {
            assertThat(listing.count()).isEqualTo(8);
        }
    }

    @Test
    void pngOfTheSingleSizeCaseDecodesAtChartSizeWithTheWriteBarDrawnInThePlot(@TempDir Path tmp) throws Exception {
        List<Path> files = IopsCharts.save(Reports.singleSize(), tmp, IopsCharts.Format.PNG);
        assertThat(files).containsExactly(tmp.resolve("iops-ops-by-size.png"), tmp.resolve("iops-bytes-by-size.png"));

        for (Path png : files) {
            BufferedImage image = ImageIO.read(png.toFile());
            assertThat(image).as("%s decodes", png).isNotNull();
            assertThat(image.getWidth()).isEqualTo(800);
            assertThat(image.getHeight()).isEqualTo(500);
            assertWriteBarInPlot(image, 0);
        }
    }

    @Test
    void renderPutsBothHistogramsSideBySide() {
        BufferedImage image = IopsCharts.render(Reports.singleSize());

        assertThat(image.getWidth()).isEqualTo(1600);
        assertThat(image.getHeight()).isEqualTo(500);
        // One bar in each half: the operations chart on the left, the bytes chart on the right.
        assertWriteBarInPlot(image, 0);
        assertWriteBarInPlot(image, 800);
    }

    /**
     * The only write bar is as tall as the plot allows (1000 of an axis topped at 1000), so somewhere in the chart
     * starting at {@code left} a column of write-coloured pixels runs for over half the image height; the legend's
     * write swatch is a small square and cannot. No read bar is drawn: there were no reads.
     */
    private static void assertWriteBarInPlot(BufferedImage image, int left) {
        int tallestWrite = 0;
        int tallestRead = 0;
        int barColumns = 0;
        for (int x = left; x < left + 800; x++) {
            int write = longestRun(image, x, WRITE_RGB);
            tallestWrite = Math.max(tallestWrite, write);
            tallestRead = Math.max(tallestRead, longestRun(image, x, READ_RGB));
            if (write > 250) {
                barColumns++;
                // Bars stand inside the chart, clear of its edges.
                assertThat(x - left).isBetween(60, 780);
            }
        }
        assertThat(tallestWrite).isGreaterThan(250);
        assertThat(barColumns).as("bar width in pixels").isGreaterThanOrEqualTo(8);
        assertThat(tallestRead).as("read pixels only in the legend swatch").isLessThan(30);
    }

    private static int longestRun(BufferedImage image, int x, int rgb) {
        int best = 0;
        int run = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                best = Math.max(best, ++run);
            } else {
                run = 0;
            }
        }
        return best;
    }

    @Test
    void onALogAxisTheLoneEndOfFileReadIsAVisibleBar() {
        BufferedImage image = IopsCharts.render(Reports.demoWorkload());

        // Read-coloured columns inside the plot (above the legend), grouped into bars left to right.
        List<int[]> bars = new ArrayList<>();
        for (int x = 0; x < 800; x++) {
            int run = 0;
            int best = 0;
            for (int y = 30; y < 400; y++) {
                run = (image.getRGB(x, y) & 0xFFFFFF) == READ_RGB ? run + 1 : 0;
                best = Math.max(best, run);
            }
            if (best == 0) {
                continue;
            }
            if (bars.isEmpty() || bars.get(bars.size() - 1)[1] < x - 1) {
                bars.add(new int[] {x, x, best});
            } else {
                int[] bar = bars.get(bars.size() - 1);
                bar[1] = x;
                bar[2] = Math.max(bar[2], best);
            }
        }
        assertThat(bars).as("read bars: the 0 B bucket, then 4 KiB").hasSize(2);
        assertThat(bars.get(0)[2]).as("height of the one-read bar").isGreaterThanOrEqualTo(15);
        assertThat(bars.get(1)[2]).as("height of the 1000-read bar").isGreaterThan(200);
        assertThat(bars.get(0)[1] - bars.get(0)[0] + 1).as("width of the one-read bar").isGreaterThanOrEqualTo(8);
    }

    @Test
    void svgIsWellFormedXmlWhoseBarsAreTheSeriesValues(@TempDir Path tmp) throws Exception {
        IopsReport report = Reports.mixed();
        List<Path> files = IopsCharts.save(report, tmp, IopsCharts.Format.SVG);
        assertThat(files).hasSize(4);
        for (Path f : files) {
            assertThat(parse(f).getDocumentElement().getLocalName()).as("root of %s", f).isEqualTo("svg");
        }

        Document svg = parse(tmp.resolve("iops-ops-by-size.svg"));
        assertThat(svg.getDocumentElement().getAttribute("width")).isEqualTo("800px");
        assertThat(svg.getDocumentElement().getAttribute("height")).isEqualTo("500px");
        // XChart draws text as outlines, so the series are checked by their bars: for each series colour, the bars
        // standing on the zero line, left to right, are as tall as that series' values, to scale.
        SizeHistogram h = report.histogram().orElseThrow();
        assertBarsMatch(svg, "rgb(0,114,178)", h, SizeHistogram.Bucket::readOps);
        assertBarsMatch(svg, "rgb(230,159,0)", h, SizeHistogram.Bucket::writeOps);
        assertBarsMatch(svg, "rgb(127,127,127)", h, SizeHistogram.Bucket::totalOps);
    }

    /** Bars of one fill colour: {x, top, bottom} of each filled path. */
    private static void assertBarsMatch(Document svg, String fill, SizeHistogram h,
                                        ToLongFunction<SizeHistogram.Bucket> value) {
        List<double[]> shapes = new ArrayList<>();
        NodeList paths = svg.getElementsByTagNameNS("*", "path");
        for (int i = 0; i < paths.getLength(); i++) {
            Element p = (Element) paths.item(i);
            if (p.getAttribute("style").contains("fill:" + fill + ";")) {
                shapes.add(box(p.getAttribute("d")));
            }
        }
        // Zero-height bars of empty buckets sit on the zero line too; the legend swatch does not.
        Map<Double, Long> bottoms = shapes.stream()
                .collect(Collectors.groupingBy(b -> b[2], Collectors.counting()));
        double zeroLine = bottoms.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        List<double[]> bars = shapes.stream().filter(b -> b[2] == zeroLine)
                .sorted(Comparator.comparingDouble(b -> b[0])).toList();

        // Shown buckets: 0 to 22 (one above the largest, 21).
        assertThat(bars).as("bars of %s", fill).hasSize(23);
        double unitHeight = (bars.get(13)[2] - bars.get(13)[1]) / value.applyAsLong(h.bucket(13));
        for (int i = 0; i <= 22; i++) {
            double height = bars.get(i)[2] - bars.get(i)[1];
            assertThat(height).as("%s bar of bucket %d", fill, i)
                    .isCloseTo(value.applyAsLong(h.bucket(i)) * unitHeight, within(0.01));
        }
    }

    /** {min x, min y, max y} of an SVG path made of absolute M/L/Z commands, as XChart writes bars. */
    private static double[] box(String d) {
        double minX = Double.MAX_VALUE;
        double minY = Double.MAX_VALUE;
        double maxY = -Double.MAX_VALUE;
        Matcher m = Pattern.compile("([-0-9.]+),([-0-9.]+)").matcher(d);
        while (m.find()) {
            minX = Math.min(minX, Double.parseDouble(m.group(1)));
            double y = Double.parseDouble(m.group(2));
            minY = Math.min(minY, y);
            maxY = Math.max(maxY, y);
        }
        return new double[] {minX, minY, maxY};
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // Never fetch the SVG DTD over the network: tests run offline, and well-formedness needs no DTD.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        DocumentBuilder b = f.newDocumentBuilder();
        return b.parse(file.toFile());
    }

    @Test
    void emptyReportRendersItsNoteInThePlot() {
        BufferedImage image = IopsCharts.render(Reports.empty());

        // The note's panel is centred in each chart; its text is dark on a light grey panel.
        for (int left : new int[] {0, 800}) {
            int dark = 0;
            for (int x = left + 250; x < left + 550; x++) {
                for (int y = 200; y < 300; y++) {
                    int rgb = image.getRGB(x, y) & 0xFFFFFF;
                    if ((rgb >> 16 & 0xFF) < 0x80) {
                        dark++;
                    }
                }
            }
            assertThat(dark).as("dark text pixels in the middle of the chart at x=%d", left).isGreaterThan(300);
        }
    }

    @Test
    void refusesAReportWithoutHistogramBeforeWritingAnything(@TempDir Path tmp) {
        Path dir = tmp.resolve("never");

        assertThatThrownBy(() -> IopsCharts.save(Reports.countOnly(), dir, IopsCharts.Format.PNG))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("the report from profiler 'procfs' has no size histogram");
        assertThat(dir).doesNotExist();
    }

    @Test
    void refusesToSaveWithoutAFormat(@TempDir Path tmp) {
        assertThatThrownBy(() -> IopsCharts.save(Reports.mixed(), tmp))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no format given: pass Format.PNG, Format.SVG or both");
    }

    @Test
    void reportWithoutTimelineSavesTheTwoHistogramsOnly(@TempDir Path tmp) throws IOException {
        List<Path> files = IopsCharts.save(Reports.singleSize(), tmp, IopsCharts.Format.SVG);

        assertThat(files).containsExactly(tmp.resolve("iops-ops-by-size.svg"), tmp.resolve("iops-bytes-by-size.svg"));
    }

    @Test
    void concurrentRendersDrawTheSamePixelsAsOneAlone() throws Exception {
        IopsReport report = Reports.mixed();
        int[] expected = pixels(IopsCharts.render(report));

        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<int[]>> results = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> pixels(IopsCharts.render(report))));
            }
            for (Future<int[]> r : results) {
                assertThat(r.get()).isEqualTo(expected);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }

    @Test
    void backgroundIsWhite() {
        BufferedImage image = IopsCharts.render(Reports.singleSize());

        assertThat(image.getRGB(2, 2) & 0xFFFFFF).isEqualTo(WHITE);
        assertThat(image.getRGB(1598, 498) & 0xFFFFFF).isEqualTo(WHITE);
    }
}
