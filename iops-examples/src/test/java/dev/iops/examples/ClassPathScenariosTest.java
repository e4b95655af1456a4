package dev.iops.examples;

import com.sun.jna.Native;
import dev.iops.Iops;
import dev.iops.linux.ProcfsProfiler;
import dev.iops.macos.FsUsageProfiler;
import dev.iops.windows.IoCountersProfiler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
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
 * The class paths a Linux user assembles, each in a child JVM running a default measurement as the README's first
 * example does: iops-api alone, iops-api with iops-macos (a macOS build's dependencies), with iops-linux, and with
 * every platform's module. What the report and the log say in each: a hint when no module for this OS is there,
 * no note about a profiler made for another OS, and no warning for anything selection expects.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(300)
class ClassPathScenariosTest {
    // args: <file>; one default measurement of 1000 writes of 4 KiB; prints what measured and every note. A report
    // that came out incomplete (tracepoints, when another process floods the kernel's ring buffers) still carries
    // selection's notes, which are what these tests look at.
    private static final String PROBE = """
            package probe;

            import dev.iops.IncompleteReportException;
            import dev.iops.Iops;
            import dev.iops.IopsReport;
            import java.io.FileOutputStream;
            import java.io.IOException;
            import java.io.OutputStream;
            import java.nio.file.Path;

            public final class Probe {
                public static void main(String[] args) throws IOException {
                    Path file = Path.of(args[0]);
                    write(file); // the workload's own first use, outside the window
                    IopsReport r;
                    try {
                        r = Iops.measure(() -> write(file));
                    } catch (IncompleteReportException e) {
                        r = e.partialReport();
                    }
                    System.out.println("measured " + r.profiler() + " writes " + r.writeOps());
                    for (String note : r.notes()) {
                        System.out.println("note " + note);
                    }
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

    private static final String HINT = "note no iops module for Linux is on the class path, so jfr measured what "
            + "the JVM sees of the block's I/O; add iops-linux (dev.iops:iops-linux) for the exact system calls of the "
            + "block (procfs, perf, tracepoints, strace)";

    @TempDir
    static Path work;

    private static List<Path> api;
    private static List<Path> linux;
    private static List<Path> macos;
    private static List<Path> windows;

    private static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeAll
    static void compileTheProbe() throws Exception {
        Path src = Files.createDirectories(work.resolve("src/probe"));
        Files.writeString(src.resolve("Probe.java"), PROBE);
        Path classes = work.resolve("classes");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(diagnostics, true, StandardCharsets.UTF_8);
        int rc = ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("this JDK has no javac"))
                .run(sink, sink, "-d", classes.toString(), "--release", "17", "-cp",
                        locationOf(Iops.class).toString(), src.resolve("Probe.java").toString());
        assertThat(rc).as("javac:%n%s", diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        // what a user's build brings: the module, its dependencies, a logger (slf4j-simple logs at INFO and up)
        api = List.of(classes, locationOf(Iops.class), locationOf(LoggerFactory.class),
                locationOf(SimpleServiceProvider.class));
        linux = List.of(locationOf(ProcfsProfiler.class), locationOf(Native.class));
        macos = List.of(locationOf(FsUsageProfiler.class), locationOf(oshi.SystemInfo.class), locationOf(Native.class),
                locationOf(com.sun.jna.platform.FileUtils.class));
        windows = List.of(locationOf(IoCountersProfiler.class), locationOf(Native.class));
    }

    /** Runs the probe on a class path; returns its standard output and error, merged. */
    @SafeVarargs
    private static List<String> run(String name, List<Path>... parts) throws IOException, InterruptedException {
        String classPath = Stream.of(parts).flatMap(List::stream).distinct().map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, "probe.Probe", work.resolve(name + ".bin").toString()));
        Path out = work.resolve(name + ".txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the child JVM finished within 120 s").isTrue();
        } finally {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        List<String> lines = Files.readAllLines(out);
        assertThat(p.exitValue()).as("exit code of %s:%n%s", cmd, String.join("\n", lines)).isZero();
        assertThat(lines).as("what selection expects logs no warning").noneMatch(l -> l.contains(" WARN "));
        return lines;
    }

    private static List<String> notes(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("note ")).toList();
    }

    private static String measured(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("measured ")).findFirst()
                .orElseThrow(() -> new AssertionError("nothing measured:\n" + String.join("\n", lines)));
    }

    @Test
    void withIopsApiAloneJfrMeasuresAndTheReportSaysWhichModuleGivesTheSystemCalls() throws Exception {
        List<String> lines = run("api", api);
        assertThat(measured(lines)).isEqualTo("measured jfr writes 1000");
        assertThat(notes(lines)).as("the hint first, then jfr's own notes on what it sees").startsWith(HINT)
                .noneMatch(n -> n.startsWith("note passed over"));
    }

    @Test
    void withTheMacosModuleOnLinuxTheHintStaysAndFsUsageIsNotMentioned() throws Exception {
        List<String> lines = run("api-macos", api, macos);
        assertThat(measured(lines)).isEqualTo("measured jfr writes 1000");
        assertThat(notes(lines)).startsWith(HINT).as("fs_usage (priority 320, above jfr) is made for macOS: no note about it")
                .noneMatch(n -> n.startsWith("note passed over") || n.contains("fs_usage"));
    }

    @Test
    void withTheLinuxModuleNoHintAndWithEveryPlatformsModuleNoNoteAboutAnotherOs() throws Exception {
        List<String> linuxOnly = run("api-linux", api, linux);
        assertThat(measured(linuxOnly)).startsWith("measured ").doesNotStartWith("measured jfr ");
        assertThat(notes(linuxOnly)).noneMatch(n -> n.startsWith("note no iops module"));

        List<String> all = run("api-all", api, linux, macos, windows);
        assertThat(measured(all).split(" ")[1]).as("the same profiler").isEqualTo(measured(linuxOnly).split(" ")[1]);
        for (List<String> lines : List.of(linuxOnly, all)) {
            assertThat(notes(lines)).as("notes only about what could run on Linux")
                    .noneMatch(n -> n.contains("fs_usage") || n.contains("iocounters") || n.contains("oshi"));
        }
    }
}
