package dev.iops.charts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Real renders of the charts over time: pixels of the PNGs, text and geometry of the SVGs. */
class TimelineChartsRenderTest {
    private static final int READ_RGB = 0x0072B2;
    private static final int WRITE_RGB = 0xE69F00;
    private static final int LIGHTEST = 0xFFF7BC;
    private static final int DARKEST = 0x4A1486;

    @Test
    void eachKindHasItsOwnPanelWithOneCellPerSliceThatHoldsIt() {
        BufferedImage image = IopsCharts.renderHeatmaps(Reports.twentySizes());

        assertThat(image.getWidth()).isEqualTo(1600);
        assertThat(image.getHeight()).isEqualTo(500);
        // Reads: one read in each even slice, all in the lightest band (1-4): ten cells, nothing darker.
        assertThat(cellsOf(image, 0, LIGHTEST)).isEqualTo(10);
        assertThat(cellsOf(image, 0, DARKEST)).isZero();
        // Writes: i + 1 writes in slice i; the darkest band holds 17-20, the writes of slices 16 to 19.
        assertThat(cellsOf(image, 800, DARKEST)).isEqualTo(4);
        assertThat(cellsOf(image, 800, LIGHTEST)).isEqualTo(4);
    }

    @Test
    void aKindWithoutOperationsGetsAnEmptyPlotThatSaysSoBesideTheSameLegend(@TempDir Path tmp) throws Exception {
        BufferedImage image = IopsCharts.renderHeatmaps(Reports.singleSizeTimeline());

        // 1000 writes in the first slice: one darkest cell on the right, none at all on the left.
        assertThat(cellsOf(image, 800, DARKEST)).isEqualTo(1);
        for (int rgb : new int[] {LIGHTEST, DARKEST}) {
            assertThat(cellsOf(image, 0, rgb)).as("cells of %06x in the reads panel", rgb).isZero();
            // Both legends show every band, so the panels line up and a colour means the same in both.
            assertThat(legendSwatch(image, 0, rgb)).as("swatch of %06x in the reads legend", rgb).isTrue();
            assertThat(legendSwatch(image, 800, rgb)).as("swatch of %06x in the writes legend", rgb).isTrue();
        }
        IopsCharts.save(Reports.singleSizeTimeline(), tmp, IopsCharts.Format.SVG);
        assertThat(texts(parse(tmp.resolve("iops-ops-over-time.svg")))).contains("No reads were measured.");
    }

    private static boolean legendSwatch(BufferedImage image, int left, int rgb) {
        for (int x = left + 700; x < left + 800; x++) {
            for (int y = 100; y < 400; y++) {
                if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Cells of one colour in a panel, for charts whose cells each sit in a row of their own: the distinct heights at
     * which a column of that colour at least 12 pixels tall starts. Legend swatches are under 10 pixels tall.
     */
    private static int cellsOf(BufferedImage image, int left, int rgb) {
        List<Integer> tops = new ArrayList<>();
        for (int x = left + 60; x < left + 800; x++) {
            int run = 0;
            for (int y = 30; y < 450; y++) {
                run = (image.getRGB(x, y) & 0xFFFFFF) == rgb ? run + 1 : 0;
                if (run == 12) {
                    tops.add(y - 11);
                    break;
                }
            }
        }
        tops.sort(null);
        int cells = 0;
        int last = -1000;
        for (int top : tops) {
            // Rows are about 19 pixels apart; a cell's edge columns may start a pixel lower than its middle.
            if (top - last > 5) {
                cells++;
            }
            last = top;
        }
        return cells;
    }

    @Test
    void iopsChartShowsWritesHighThenReadsHigh() {
        BufferedImage image = IopsCharts.renderRates(Reports.demoTimeline());

        // The first half of the block writes, the second reads: at a quarter of the plot the write line is the
        // upper one, at three quarters the read line.
        for (int left : new int[] {0, 800}) {
            int quarter = left + 90 + (740 - 90) / 4;
            int threeQuarters = left + 90 + 3 * (740 - 90) / 4;
            assertThat(topmost(image, quarter, WRITE_RGB)).as("write line at a quarter, panel %d", left)
                    .isLessThan(topmost(image, quarter, READ_RGB) - 200);
            assertThat(topmost(image, threeQuarters, READ_RGB)).as("read line at three quarters, panel %d", left)
                    .isLessThan(topmost(image, threeQuarters, WRITE_RGB) - 200);
        }
    }

    @Test
    void rateChartsLabelRoundTimesOnlyUpToTheEndOfTheData(@TempDir Path tmp) throws Exception {
        // The timeline ends at 12.35 ms: under each plot (y > 420, below the y axis' 0) the time axis says 0, 2 ...
        // 12, and nothing past the data.
        IopsCharts.save(Reports.singleSizeTimeline(), tmp, IopsCharts.Format.SVG);
        List<Placed> texts = placedTexts(parse(tmp.resolve("iops-rates-over-time.svg")));

        for (String t : List.of("0", "2", "4", "6", "8", "10", "12")) {
            for (int panel = 0; panel < 2; panel++) {
                boolean left = panel == 0;
                assertThat(texts.stream().filter(x -> x.text.equals(t) && x.y > 420 && (x.x < 800) == left))
                        .as("time %s in panel %d", t, panel).hasSize(1);
            }
        }
        assertThat(texts).noneMatch(x -> x.y > 420 && (x.text.equals("14") || x.text.equals("15")));
        // The labels stand in order, left to right.
        List<Double> xs = new ArrayList<>();
        for (String t : List.of("0", "2", "4", "6", "8", "10", "12")) {
            xs.add(texts.stream().filter(x -> x.text.equals(t) && x.y > 420 && x.x < 800).findFirst().orElseThrow().x);
        }
        assertThat(xs).isSorted();
    }

    private static int topmost(BufferedImage image, int x, int rgb) {
        for (int y = 0; y < image.getHeight(); y++) {
            if ((image.getRGB(x, y) & 0xFFFFFF) == rgb) {
                return y;
            }
        }
        return Integer.MAX_VALUE;
    }

    @Test
    void svgKeepsTextAsTextSoTitlesCanBeFound(@TempDir Path tmp) throws Exception {
        List<Path> files = IopsCharts.save(Reports.mixed(), tmp, IopsCharts.Format.SVG);

        assertThat(texts(parse(tmp.resolve("iops-ops-by-size.svg"))))
                .contains("Operations by size: 49 ops in 250.00 ms (strace, process)", "operations",
                        "bytes per operation, rounded down to a power of two",
                        "0 B", "4 KiB", "1 MiB", "2 MiB", "reads", "writes", "all");
        assertThat(texts(parse(tmp.resolve("iops-rates-over-time.svg"))))
                .contains("IOPS over time: 34 reads, 15 writes in 250.00 ms (strace, process)",
                        "Throughput over time: 121.3 KiB read, 3.0 MiB written in 250.00 ms (strace, process)",
                        "throughput (MiB/s)", "IOPS (operations per second)");
        List<String> heat = texts(parse(tmp.resolve("iops-ops-over-time.svg")));
        assertThat(heat).contains("Reads over time by size: 34 ops in 250.00 ms (strace, process)",
                "Writes over time by size: 15 ops in 250.00 ms (strace, process)", "ops per slice",
                "1\u20135", "6\u201310", "21\u201325", "time since start (ms), in 4 slices of 62.50 ms");
        // Round times, once per panel: 0, 50, ... 250 ms.
        for (String t : List.of("0", "50", "100", "150", "200", "250")) {
            assertThat(heat.stream().filter((t + "@0")::equals)).as("time label %s on the left", t).hasSize(1);
            assertThat(heat.stream().filter((t + "@1")::equals)).as("time label %s on the right", t).hasSize(1);
        }
        // Text instead of glyph outlines: every file is a few tens of KB, not hundreds.
        for (Path f : files) {
            assertThat(Files.size(f)).as("size of %s", f).isLessThan(60_000);
        }
    }

    @Test
    void everySizeRowIsLabelledBesideItsOwnCells(@TempDir Path tmp) throws Exception {
        IopsCharts.save(Reports.twentySizes(), tmp, IopsCharts.Format.SVG);
        Document svg = parse(tmp.resolve("iops-ops-over-time.svg"));

        // Writes panel (x >= 800): slice i holds the writes of 2^i bytes, so the cell of each row is known.
        Map<String, double[]> labels = new HashMap<>();
        for (Placed t : placedTexts(svg)) {
            if (t.x >= 800 && t.x < 900) {
                labels.put(t.text, new double[] {t.x, t.y});
            }
        }
        List<double[]> cells = new ArrayList<>();
        NodeList rects = svg.getElementsByTagNameNS("*", "rect");
        for (int i = 0; i < rects.getLength(); i++) {
            Element r = (Element) rects.item(i);
            Point2D corner = toPage(r).transform(new Point2D.Double(Double.parseDouble(r.getAttribute("x")),
                    Double.parseDouble(r.getAttribute("y"))), null);
            double h = Double.parseDouble(r.getAttribute("height"));
            // Cells, not the legend's swatches (right of the plot) nor the white plot background.
            if (corner.getX() > 880 && corner.getX() < 1500 && h < 30 && r.getAttribute("width").length() > 0
                    && r.getAttribute("style").startsWith("fill:rgb(") && !r.getAttribute("style").contains("rgb(255,255,255)")) {
                cells.add(new double[] {corner.getX(), corner.getY(), h});
            }
        }
        cells.sort((a, b) -> Double.compare(a[0], b[0]));
        double cellWidth = cells.get(1)[0] - cells.get(0)[0];
        List<String> rows = List.of("1 B", "2 B", "4 B", "8 B", "16 B", "32 B", "64 B", "128 B", "256 B", "512 B",
                "1 KiB", "2 KiB", "4 KiB", "8 KiB", "16 KiB", "32 KiB", "64 KiB", "128 KiB", "256 KiB", "512 KiB");
        assertThat(cells).as("one write cell per slice").hasSize(20);
        for (int i = 0; i < 20; i++) {
            double[] label = labels.get(rows.get(i));
            assertThat(label).as("label %s", rows.get(i)).isNotNull();
            double[] cell = cells.get(i);
            // The label's baseline sits within its cell's row, below the middle (text is centred on the row).
            assertThat(label[1]).as("baseline of %s against its cell %s..%s", rows.get(i), cell[1], cell[1] + cell[2])
                    .isBetween(cell[1] + cell[2] / 2, cell[1] + cell[2]);
        }
        // Times sit where they fall: 0 ms at the left edge of slice 0, 10 ms between slices 9 and 10, 20 ms at the
        // right edge of slice 19. Labels are centred on their tick; a "0" is about 8 pixels wide, a "10" about 15.
        Map<String, Double> times = new HashMap<>();
        for (Placed t : placedTexts(svg)) {
            if (t.x >= 800 && t.y > 440 && t.y < 470) {
                times.put(t.text, t.x);
            }
        }
        assertThat(times.get("0")).isBetween(cells.get(0)[0] - 6, cells.get(0)[0] - 2);
        assertThat(times.get("10")).isBetween(cells.get(10)[0] - 10, cells.get(10)[0] - 5);
        assertThat(times.get("20")).isBetween(cells.get(19)[0] + cellWidth - 10, cells.get(19)[0] + cellWidth - 5);
    }

    /** Texts of an SVG, each also as {@code text@panel} (panel 0 or 1 by x) so repeated labels can be counted. */
    private static List<String> texts(Document svg) {
        List<String> out = new ArrayList<>();
        for (Placed t : placedTexts(svg)) {
            out.add(t.text);
            out.add(t.text + "@" + (t.x < 800 ? 0 : 1));
        }
        return out;
    }

    private record Placed(String text, double x, double y) {
    }

    /** Every {@code <text>} with its position on the page, through the transforms of its groups. */
    private static List<Placed> placedTexts(Document svg) {
        List<Placed> out = new ArrayList<>();
        NodeList nodes = svg.getElementsByTagNameNS("*", "text");
        for (int i = 0; i < nodes.getLength(); i++) {
            Element e = (Element) nodes.item(i);
            AffineTransform at = toPage(e);
            Point2D p = at.transform(new Point2D.Double(Double.parseDouble(e.getAttribute("x")),
                    Double.parseDouble(e.getAttribute("y"))), null);
            out.add(new Placed(e.getTextContent(), p.getX(), p.getY()));
        }
        return out;
    }

    /** The transform from an element's own coordinates to the page: those of the groups it is in, outermost first. */
    private static AffineTransform toPage(Element e) {
        AffineTransform at = new AffineTransform();
        List<Element> chain = new ArrayList<>();
        for (Node n = e; n instanceof Element el; n = n.getParentNode()) {
            chain.add(0, el);
        }
        for (Element el : chain) {
            String tr = el.getAttribute("transform");
            if (tr.isEmpty()) {
                continue;
            }
            // VectorGraphics2D writes "matrix(a b c d e f)" or "translate(x y)".
            String[] v = tr.substring(tr.indexOf('(') + 1, tr.length() - 1).trim().split("[ ,]+");
            double[] m = new double[v.length];
            for (int k = 0; k < v.length; k++) {
                m[k] = Double.parseDouble(v[k]);
            }
            at.concatenate(tr.startsWith("matrix(") ? new AffineTransform(m)
                    : AffineTransform.getTranslateInstance(m[0], m.length > 1 ? m[1] : 0));
        }
        return at;
    }

    private static Document parse(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setNamespaceAware(true);
        // Never fetch the SVG DTD over the network: tests run offline, and well-formedness needs no DTD.
        f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return f.newDocumentBuilder().parse(file.toFile());
    }
}
