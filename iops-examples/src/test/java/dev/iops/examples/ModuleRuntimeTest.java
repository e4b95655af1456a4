package dev.iops.examples;

import com.sun.jna.Native;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import dev.iops.Iops;
import dev.iops.charts.IopsCharts;
import dev.iops.linux.ProcfsProfiler;
import dev.iops.windows.IoCountersProfiler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import org.slf4j.LoggerFactory;
import org.slf4j.simple.SimpleServiceProvider;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a small application module against the real jars on a module path, in a child JVM: it compiles only where
 * the provider modules export their packages (it names their {@code NAME} constants), and it starts on a jlink'ed
 * runtime of {@code java.base} alone (no {@code jdk.jfr}: {@code requires static}), where jfr reports why it cannot
 * run and another profiler measures. ({@code --limit-modules} would not do: it keeps what the modules require.)
 */
class ModuleRuntimeTest {
    private static final String MODULE_INFO = """
            module dev.iops.probe {
                requires dev.iops.api;
                requires dev.iops.linux;
                requires dev.iops.windows;
            }
            """;

    // args: <file> <profiler name, or "default">; prints one line per profiler, then what measured the writes
    private static final String MAIN = """
            package dev.iops.probe;

            import dev.iops.Iops;
            import dev.iops.IopsReport;
            import dev.iops.IopsSession;
            import dev.iops.ProfilerInfo;
            import dev.iops.Scope;
            import java.io.FileOutputStream;
            import java.io.IOException;
            import java.io.OutputStream;
            import java.nio.file.Path;

            public final class Main {
                public static void main(String[] args) throws IOException {
                    System.out.println("names " + dev.iops.jvm.JfrProfiler.NAME + " " + dev.iops.linux.ProcfsProfiler.NAME
                            + " " + dev.iops.linux.StraceProfiler.NAME + " " + dev.iops.windows.IoCountersProfiler.NAME);
                    for (ProfilerInfo p : Iops.profilers()) {
                        System.out.println("profiler " + p.name() + " " + (p.usable() ? "usable" : "unusable: " + p.reason()));
                    }
                    Path file = Path.of(args[0]);
                    write(file); // warm: class loading reads jar files
                    Iops.Builder with = Iops.with();
                    if (!args[1].equals("default")) {
                        with.profiler(args[1]).scope(Scope.THREAD);
                    }
                    IopsReport r;
                    try {
                        IopsSession session = with.start();
                        write(file);
                        r = session.stop();
                    } catch (RuntimeException e) {
                        System.out.println("refused " + e.getClass().getSimpleName() + ": " + e.getMessage());
                        return;
                    }
                    System.out.println("measured " + r.profiler() + " writes " + r.writeOps() + " bytes " + r.bytesWritten());
                }

                private static void write(Path file) throws IOException {
                    byte[] block = new byte[4096];
                    try (OutputStream out = new FileOutputStream(file.toFile())) {
                        for (int i = 0; i < 1000; i++) {
                            out.write(block);
                        }
                    }
                }
            }
            """;

    // An application that draws a chart needs only dev.iops.charts and what it names itself: XChart, VectorGraphics2D
    // (jar-file names) and java.desktop come in as the automatic module's readers.
    private static final String CHART_MODULE_INFO = """
            @SuppressWarnings("requires-automatic")
            module dev.iops.chartprobe {
                requires dev.iops.api;
                requires dev.iops.charts;
            }
            """;

    private static final String CHART_MAIN = """
            package dev.iops.chartprobe;

            import dev.iops.Iops;
            import dev.iops.IopsReport;
            import dev.iops.IopsSession;
            import dev.iops.Scope;
            import dev.iops.charts.IopsCharts;
            import java.io.FileOutputStream;
            import java.io.IOException;
            import java.io.OutputStream;
            import java.nio.file.Files;
            import java.nio.file.Path;

            public final class Main {
                public static void main(String[] args) throws IOException {
                    Path dir = Path.of(args[0]);
                    IopsSession session = Iops.with().profiler("jfr").scope(Scope.THREAD).histogram().start();
                    try (OutputStream out = new FileOutputStream(dir.resolve("data.bin").toFile())) {
                        out.write(new byte[4096]);
                    }
                    IopsReport r = session.stop();
                    for (Path png : IopsCharts.save(r, dir.resolve("charts"), IopsCharts.Format.PNG)) {
                        System.out.println("chart " + png.getFileName() + " " + Files.size(png));
                    }
                }
            }
            """;

    @TempDir
    static Path work;

    private static String modulePath;
    private static String chartModulePath;
    private static Path fullJava;
    private static Path javaBaseOnly;

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void compileTheApplicationModule() throws Exception {
        List<Path> jars = List.of(locationOf(Iops.class), locationOf(ProcfsProfiler.class),
                locationOf(IoCountersProfiler.class), locationOf(LoggerFactory.class),
                locationOf(SimpleServiceProvider.class), locationOf(Native.class));
        String libraries = jars.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        modulePath = libraries + File.pathSeparator + compile("dev.iops.probe", MODULE_INFO, MAIN, libraries);
        String chartLibraries = libraries + File.pathSeparator + Stream.of(IopsCharts.class, XYChart.class,
                VectorGraphics2D.class).map(t -> locationOf(t).toString()).collect(Collectors.joining(File.pathSeparator));
        chartModulePath = chartLibraries + File.pathSeparator
                + compile("dev.iops.chartprobe", CHART_MODULE_INFO, CHART_MAIN, chartLibraries);
        fullJava = Path.of(System.getProperty("java.home"), "bin", "java");
        Path image = work.resolve("java-base-only");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(diagnostics, true, StandardCharsets.UTF_8);
        int rc = ToolProvider.findFirst("jlink").orElseThrow(() -> new AssertionError("this JDK has no jlink"))
                .run(sink, sink, "--add-modules", "java.base", "--output", image.toString(), "--strip-debug",
                        "--no-header-files", "--no-man-pages");
        assertThat(rc).as("jlink:%n%s", diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        javaBaseOnly = image.resolve("bin").resolve("java");
    }

    /** Compiles one application module against {@code libraries}, warnings as errors; returns its classes. */
    private static Path compile(String module, String moduleInfo, String main, String libraries) throws IOException {
        Path src = work.resolve(module);
        Path pkg = Files.createDirectories(src.resolve(module.replace('.', '/')));
        Files.writeString(src.resolve("module-info.java"), moduleInfo);
        Files.writeString(pkg.resolve("Main.java"), main);
        Path classes = work.resolve(module + "-classes");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(diagnostics, true, StandardCharsets.UTF_8);
        int rc = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("this JDK has no javac"))
                .run(sink, sink, "-d", classes.toString(), "--module-path", libraries, "-Xlint:all", "-Werror",
                        src.resolve("module-info.java").toString(), pkg.resolve("Main.java").toString());
        assertThat(rc).as("javac of %s on the module path, which sees only exported packages:%n%s", module,
                diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        return classes;
    }

    /** Runs the application module in a child JVM; returns its output lines (stdout, then stderr). */
    private static List<String> run(Path java, String profiler) throws IOException, InterruptedException {
        return run(List.of(java.toString(), "--module-path", modulePath, "--module", "dev.iops.probe/dev.iops.probe.Main",
                work.resolve("probe-" + profiler + ".bin").toString(), profiler));
    }

    private static List<String> run(List<String> cmd) throws IOException, InterruptedException {
        Path out = work.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child JVM finished within 60 s").isTrue();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(out);
        assertThat(p.exitValue()).as("exit code of %s:%n%s", cmd, String.join("\n", lines)).isZero();
        return lines;
    }

    private static String line(List<String> lines, String prefix) {
        return lines.stream().filter(l -> l.startsWith(prefix)).findFirst()
                .orElseThrow(() -> new AssertionError("no line starting with '" + prefix + "' in:\n"
                        + String.join("\n", lines)));
    }

    @Test
    @Timeout(120)
    void onAFullRuntimeTheModulePathResolvesJdkJfrAndTheProviderConstantsAreReachable() throws Exception {
        List<String> lines = run(fullJava, "jfr");
        // the application compiled (javac above) and ran against the exported packages
        assertThat(line(lines, "names ")).isEqualTo("names jfr procfs strace iocounters");
        assertThat(line(lines, "profiler jfr ")).isEqualTo("profiler jfr usable");
        assertThat(line(lines, "measured ")).isEqualTo("measured jfr writes 1000 bytes 4096000");
    }

    @Test
    @Timeout(120)
    void aRuntimeWithoutJdkJfrStartsAndExplainsWhyJfrCannotRun() throws Exception {
        List<String> lines = run(javaBaseOnly, "jfr");
        assertThat(line(lines, "profiler jfr ")).isEqualTo("profiler jfr unusable: needs the jdk.jfr module, which "
                + "this Java runtime lacks (a jlink image without it?); add jdk.jfr to the runtime or use another "
                + "profiler");
        assertThat(line(lines, "refused ")).startsWith("refused NoProfilerException: ").contains("jdk.jfr");
    }

    @Test
    @Timeout(120)
    void aRuntimeWithoutJdkJfrResolvesAndAnotherProfilerMeasures() throws Exception {
        List<String> lines = run(javaBaseOnly, "default");
        String measured = line(lines, "measured ");
        assertThat(measured).doesNotStartWith("measured jfr ");
        // process scope: the writes are all there; a JVM thread may add its own I/O, never remove any
        String[] words = measured.split(" ");
        assertThat(Long.parseLong(words[3])).as(measured).isGreaterThanOrEqualTo(1000);
        assertThat(Long.parseLong(words[5])).as(measured).isGreaterThanOrEqualTo(4_096_000);
        assertThat(words[1]).as("a Linux profiler here").isIn("tracepoints", "perf", "procfs", "strace");
    }

    @Test
    @Timeout(120)
    void theChartsModuleDrawsOnTheModulePathUnderItsAutomaticModuleName() throws Exception {
        Path dir = Files.createDirectories(work.resolve("chart-run"));
        List<String> lines = run(List.of(fullJava.toString(), "--module-path", chartModulePath, "--module",
                "dev.iops.chartprobe/dev.iops.chartprobe.Main", dir.toString()));
        assertThat(lines).filteredOn(l -> l.startsWith("chart ")).extracting(l -> l.split(" ")[1])
                .as("output:%n%s", String.join("\n", lines))
                .contains(IopsCharts.OPS_BY_SIZE + ".png", IopsCharts.BYTES_BY_SIZE + ".png");
        Path png = dir.resolve("charts").resolve(IopsCharts.OPS_BY_SIZE + ".png");
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(IopsCharts.WIDTH_PX);
        assertThat(image.getHeight()).isEqualTo(IopsCharts.HEIGHT_PX);
    }
}
