package dev.iops.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iops.jupyter.JupyterClientRun.Cell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code %%iops} and {@code %iops} end to end: real cells executed in {@link TestKernel} (JJava 1.0-a6 API, JShell,
 * snippets on pooled executor threads) through Debian's {@code jupyter_client}, asserting on the messages a
 * notebook would receive. One kernel runs all cells (in {@link #runCells()}); each test checks one cell.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class IopsMagicKernelTest {
    static final int BLOCKS = 1000;
    static final int BLOCK = 4096;
    /** The first cell of every kernel test: {@code writeBlocks(file, n)} writes n blocks of BLOCK bytes; a value. */
    static final String WRITE_BLOCKS = "void writeBlocks(String file, int n) throws java.io.IOException {\n"
            + "    try (var o = new java.io.FileOutputStream(file)) {\n"
            + "        byte[] b = new byte[" + BLOCK + "];\n"
            + "        for (int i = 0; i < n; i++) o.write(b);\n"
            + "    }\n"
            + "}\n"
            + "String done = \"done-\" + 42;\n";

    @TempDir
    static Path work;
    private static String perOpProfiler;
    private static List<Cell> cells;

    // cell indexes
    private static final int THREAD_EXACT = 1;
    private static final int HISTOGRAM = 2;
    private static final int BAD_OPTION = 3;
    private static final int THROWING = 4;
    private static final int LINE = 5;
    private static final int NO_SUCH_PROFILER = 6;
    private static final int DEFAULT = 7;
    private static final int COMPILE_ERROR = 8;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void runCells() throws Exception {
        Optional<String> why = JupyterClientRun.unavailable();
        Assumptions.assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElseThrow());
        // strace is exact and sees paths; without it jfr is exact for FileOutputStream writes and sees paths too
        perOpProfiler = onPath("strace") ? "strace" : "jfr";
        List<String> code = new ArrayList<>();
        code.add(WRITE_BLOCKS + "String lineFile = \"" + file("line") + "\";");
        code.add("%%iops --thread --profiler procfs --json\n"
                + "writeBlocks(\"" + file("thread") + "\", " + BLOCKS + ");\n"
                + "done");
        code.add("%%iops --histogram --profiler " + perOpProfiler + " --json\n"
                + "System.out.println(\"body ran\");\n"
                + "writeBlocks(\"" + file("histogram") + "\", " + BLOCKS + ");");
        code.add("%%iops --hist\n"
                + "writeBlocks(\"" + file("never") + "\", 1);");
        code.add("%%iops --thread --profiler procfs --json\n"
                + "writeBlocks(\"" + file("throwing") + "\", 10);\n"
                + "if (true) throw new IllegalStateException(\"boom after 10 writes\");");
        code.add("%iops --thread --profiler procfs --json writeBlocks(lineFile, 3)");
        code.add("%%iops --profiler nosuch\n"
                + "writeBlocks(\"" + file("nosuch") + "\", 1);");
        code.add("%%iops --json\n"
                + "writeBlocks(\"" + file("default") + "\", " + BLOCKS + ");");
        code.add("%%iops --thread --profiler procfs\n"
                + "int y = undefinedThing + 1;");
        cells = JupyterClientRun.run(code, Duration.ofMinutes(4), List.of("-Djava.awt.headless=true"));
        assertThat(cells).hasSize(code.size());
        assertThat(cells.get(0).ok()).as("setup cell: %s", cells.get(0)).isTrue();
    }

    @Test
    void leavesNoKernelOrClientProcessBehind() throws InterruptedException {
        // run() has returned: python and the kernel JVM must be gone, also an orphaned kernel re-parented to init.
        // A child that was told to exit may still be on its way out (and be reaped): a bounded wait, not a sleep.
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("?")).toList()).isEmpty();
        // orphans only (re-parented to init): a live kernel with a parent is another test run's, on a shared machine
        assertThat(ProcessHandle.allProcesses()
                .filter(p -> p.parent().map(pp -> pp.pid() == 1).orElse(true))
                .filter(p -> p.info().arguments().map(a -> List.of(a).contains(TestKernel.class.getName()))
                        .orElse(false))
                .map(ProcessHandle::pid).toList()).isEmpty();
    }

    @Test
    void threadScopeCountsExactlyTheCellsWritesAndShowsItsValue() throws Exception {
        Cell c = cells.get(THREAD_EXACT);
        assertThat(c.ok()).as("%s", c).isTrue();
        JsonNode report = c.jsonReport();
        assertThat(report.path("profiler").asText()).isEqualTo("procfs");
        assertThat(report.path("scope").asText()).isEqualTo("THREAD");
        assertThat(report.path("writeOps").asLong()).isEqualTo(BLOCKS);
        assertThat(report.path("bytesWritten").asLong()).isEqualTo((long) BLOCKS * BLOCK);
        assertThat(report.path("notes").toString()).contains("JShell compiled the cell on another thread");
        String text = c.displays().get(0).path("text/plain").asText();
        assertThat(text).contains("profiler procfs, scope THREAD").contains("1,000");
        // the cell's own value comes after the report, as the kernel renders it
        assertThat(c.displays().get(c.displays().size() - 1).path("text/plain").asText()).isEqualTo("done-42");
        assertThat(Files.size(Path.of(file("thread")))).isEqualTo((long) BLOCKS * BLOCK);
    }

    @Test
    void reportIsAlsoAStyledHtmlTable() {
        JsonNode data = cells.get(THREAD_EXACT).displays().get(0);
        String html = data.path("text/html").asText();
        assertThat(html).startsWith("<div class=\"iops\"><table class=\"iops-report\"")
                .contains("iops: measured by procfs, scope THREAD")
                .contains("<td style=\"text-align:left;padding:2px 10px\">writes</td>"
                        + "<td style=\"text-align:right;padding:2px 10px\">1,000</td>"
                        + "<td style=\"text-align:right;padding:2px 10px\">3.9 MiB</td>")
                .endsWith("</div>");
    }

    @Test
    void histogramDrawsChartsThatDecodeAndAreNotBlank() throws Exception {
        Cell c = cells.get(HISTOGRAM);
        assertThat(c.ok()).as("%s", c).isTrue();
        assertThat(c.stdout()).isEqualTo("body ran\n");
        JsonNode report = c.jsonReport();
        assertThat(report.path("profiler").asText()).isEqualTo(perOpProfiler);
        JsonNode path = pathRow(report, file("histogram")).path("totals");
        assertThat(path.path("writeOps").asLong()).isEqualTo(BLOCKS);
        assertThat(path.path("bytesWritten").asLong()).isEqualTo((long) BLOCKS * BLOCK);
        List<JsonNode> charts = c.displays().stream().filter(d -> d.has(ReportDisplay.PNG)).toList();
        assertThat(charts).hasSize(2);
        for (JsonNode chart : charts) {
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(
                    Base64.getDecoder().decode(chart.path(ReportDisplay.PNG).asText())));
            assertThat(png).isNotNull();
            assertThat(png.getWidth()).isEqualTo(800);
            assertThat(png.getHeight()).isEqualTo(500);
            assertThat(distinctColours(png)).as("colours in the chart").isGreaterThan(10);
        }
    }

    @Test
    void unknownOptionGivesTheUsageAndRunsNothing() {
        Cell c = cells.get(BAD_OPTION);
        assertThat(c.ok()).isFalse();
        // the usage once, as output above the error; the error itself is one line
        assertThat(c.types()).containsExactly("display_data", "error");
        assertThat(c.displays().get(0).path("text/plain").asText()).isEqualTo(MagicOptions.USAGE);
        assertThat(c.reply().path("evalue").asText())
                .endsWith("%%iops: unknown option '--hist'; nothing was run (usage above)")
                .doesNotContain("Usage:");
        assertThat(c.outputs().get(1).path("content").path("traceback").toString()).doesNotContain("Options:");
        assertThat(Files.exists(Path.of(file("never")))).isFalse();
    }

    @Test
    void throwingCellShowsTheReportOfWhatRanThenTheError() throws Exception {
        Cell c = cells.get(THROWING);
        assertThat(c.ok()).isFalse();
        // the user's exception once, as "class: message", not the kernel's "RuntimeException, ..." chain of it
        String evalue = c.reply().path("evalue").asText();
        assertThat(evalue).endsWith("java.lang.IllegalStateException: boom after 10 writes");
        assertThat(evalue.split("boom after 10 writes", -1)).hasSize(2);
        assertThat(c.types()).containsSubsequence("display_data", "error");
        assertThat(c.types().get(c.types().size() - 1)).isEqualTo("error");
        JsonNode report = c.jsonReport();
        assertThat(report.path("writeOps").asLong()).isEqualTo(10);
        assertThat(report.path("bytesWritten").asLong()).isEqualTo(10L * BLOCK);
    }

    @Test
    void lineMagicMeasuresOneStatement() throws Exception {
        Cell c = cells.get(LINE);
        assertThat(c.ok()).as("%s", c).isTrue();
        JsonNode report = c.jsonReport();
        assertThat(report.path("writeOps").asLong()).isEqualTo(3);
        assertThat(report.path("bytesWritten").asLong()).isEqualTo(3L * BLOCK);
    }

    @Test
    void unknownProfilerFailsBeforeTheCellRunsAndSaysWhy() {
        Cell c = cells.get(NO_SUCH_PROFILER);
        assertThat(c.ok()).isFalse();
        assertThat(c.reply().path("evalue").asText()).contains("nosuch");
        assertThat(Files.exists(Path.of(file("nosuch")))).isFalse();
    }

    @Test
    void defaultMeasuresTheWholeKernelWithTheBestUsableProfilerAndSaysWhich() throws Exception {
        Cell c = cells.get(DEFAULT);
        assertThat(c.ok()).as("%s", c).isTrue();
        JsonNode report = c.jsonReport();
        String profiler = report.path("profiler").asText();
        assertThat(profiler).isIn("tracepoints", "perf", "procfs", "procfs+jfr", "jfr", "strace");
        assertThat(report.path("scope").asText()).isEqualTo("PROCESS");
        // the whole JVM: at least the cell's writes (the kernel's own messages come on top)
        assertThat(report.path("writeOps").asLong()).isGreaterThanOrEqualTo(BLOCKS);
        assertThat(report.path("bytesWritten").asLong()).isGreaterThanOrEqualTo((long) BLOCKS * BLOCK);
        assertThat(report.path("notes").toString()).contains("scope PROCESS counts every thread of the kernel JVM");
        assertThat(c.displays().get(0).path("text/html").asText()).contains("iops: measured by " + profiler);
    }

    @Test
    void compileErrorShowsTheCompilersMessageAndNoReport() {
        Cell c = cells.get(COMPILE_ERROR);
        assertThat(c.ok()).isFalse();
        assertThat(c.types()).containsExactly("error");
        assertThat(c.reply().path("evalue").asText()).endsWith("the cell does not compile, so nothing of it ran:\n"
                + "int y = undefinedThing + 1;\n"
                + "        ^^^^^^^^^^^^^^\n"
                + "cannot find symbol\n"
                + "  symbol:   variable undefinedThing");
    }

    private static JsonNode pathRow(JsonNode report, String path) {
        for (JsonNode p : report.path("detail").path("topPaths")) {
            if (p.path("path").asText().equals(path)) {
                return p;
            }
        }
        throw new AssertionError("no row for " + path + " in " + report.path("detail").path("topPaths"));
    }

    private static int distinctColours(BufferedImage img) {
        Set<Integer> seen = new HashSet<>();
        for (int y = 0; y < img.getHeight(); y += 3) {
            for (int x = 0; x < img.getWidth(); x += 3) {
                seen.add(img.getRGB(x, y));
            }
        }
        return seen.size();
    }

    private static String file(String name) {
        return work.resolve(name + ".bin").toString();
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
