package dev.iops.jupyter;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A notebook with {@code %%iops --histogram} cells, executed and exported by Debian's {@code jupyter nbconvert
 * --execute --to html} on {@link TestKernel}: the export must not fail, and the HTML must hold every chart as an
 * image that decodes and is not blank (nbconvert's sanitizer empties inline SVG, so a chart must reach it as PNG).
 */
class NotebookExportTest {
    static final Path NBCONVERT = Path.of("/usr/bin/jupyter-nbconvert");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PNG = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=\\s]+)\"");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void exportedHtmlShowsEveryChartAsANonBlankImage() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(NBCONVERT), () -> "skipped: " + NBCONVERT + " not found; install "
                + "jupyter-nbconvert (apt-get install -y jupyter-nbconvert)");
        Assumptions.assumeTrue(JupyterClientRun.unavailable().isEmpty(), () -> "skipped: "
                + JupyterClientRun.unavailable().orElseThrow());
        String perOp = IopsMagicKernelTest.onPath("strace") ? "strace" : "jfr";
        Path notebook = dir.resolve("charts.ipynb");
        writeNotebook(notebook, List.of(IopsMagicKernelTest.WRITE_BLOCKS,
                "%%iops --histogram --profiler " + perOp + "\n"
                        + "writeBlocks(\"" + dir.resolve("a.bin") + "\", 100);",
                "%%iops --histogram --thread --profiler " + perOp + "\n"
                        + "writeBlocks(\"" + dir.resolve("b.bin") + "\", 10);"));
        Path spec = JupyterClientRun.writeKernelspec(dir, List.of("-Djava.awt.headless=true"));
        ProcessBuilder pb = new ProcessBuilder(NBCONVERT.toString(), "--execute", "--to", "html",
                "--ExecutePreprocessor.timeout=180", notebook.toString())
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile());
        Map<String, String> env = pb.environment();
        env.put("JUPYTER_PATH", spec.toString());
        env.put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
        env.put("JUPYTER_DATA_DIR", dir.resolve("data").toString());
        env.put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
        env.put("JUPYTER_PLATFORM_DIRS", "1");
        Process p = pb.start();
        try {
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("nbconvert finished").isTrue();
        } finally {
            JupyterClientRun.kill(p.toHandle());
        }
        assertThat(p.exitValue()).as("nbconvert: %s", Files.readString(dir.resolve("log.txt"))).isZero();
        String html = Files.readString(dir.resolve("charts.html"));
        List<BufferedImage> charts = new ArrayList<>();
        Matcher m = PNG.matcher(html);
        while (m.find()) {
            charts.add(ImageIO.read(new ByteArrayInputStream(
                    Base64.getMimeDecoder().decode(m.group(1)))));
        }
        assertThat(charts).hasSize(4); // two cells, two charts each
        for (BufferedImage chart : charts) {
            assertThat(chart).isNotNull();
            assertThat(chart.getWidth()).isEqualTo(800);
            assertThat(distinctColours(chart)).as("colours in the chart").isGreaterThan(10);
        }
        assertThat(html).contains("iops: measured by " + perOp);
    }

    private static void writeNotebook(Path file, List<String> sources) throws Exception {
        List<Map<String, Object>> cells = new ArrayList<>();
        for (int i = 0; i < sources.size(); i++) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("cell_type", "code");
            c.put("id", "cell-" + i);
            c.put("execution_count", null);
            c.put("metadata", Map.of());
            c.put("outputs", List.of());
            c.put("source", sources.get(i));
            cells.add(c);
        }
        Map<String, Object> nb = new LinkedHashMap<>();
        nb.put("cells", cells);
        nb.put("metadata", Map.of("kernelspec", Map.of("name", JupyterClientRun.KERNEL, "display_name", "iops test",
                "language", "java"), "language_info", Map.of("name", "java")));
        nb.put("nbformat", 4);
        nb.put("nbformat_minor", 5);
        JSON.writeValue(file.toFile(), nb);
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
}
