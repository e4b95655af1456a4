package dev.iops.examples;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.charts.IopsCharts;
import dev.iops.spi.Capability;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;

/**
 * The iops demo: writes 1000 blocks of 4 KiB to a file in a temporary folder and reads them back, measured with the
 * best profiler available here, and prints the report. When a profiler here sees each operation's size, the demo
 * asks for a histogram and also writes its charts (PNG and SVG) into a folder and prints their paths: the folder
 * named by the first argument, else {@code iops-charts-out/} under the current directory, where it also writes the
 * report as JSON ({@code iops-report.json}). The data file it creates is deleted on exit; the outputs are kept.
 */
public final class Demo {
    private Demo() {
    }

    /**
     * Runs the demo.
     *
     * @param args optional: the folder to write the charts into (default {@code iops-charts-out})
     * @throws IOException if the temporary folder or the charts folder cannot be used
     */
    public static void main(String[] args) throws IOException {
        System.out.println("Profilers found:");
        for (ProfilerInfo p : Iops.profilers()) {
            System.out.printf(Locale.ROOT, "  %-10s priority %3d  %s%n", p.name(), p.priority(),
                    p.usable() ? "usable " + p.capabilities() : "not usable: " + p.reason());
        }
        System.out.println();

        Path dir = Files.createTempDirectory("iops-demo-");
        Path file = dir.resolve("data.bin");
        try {
            // One unmeasured run first: the JVM loads classes on first use, and class loading reads files,
            // which a thread-scoped profiler rightly counts. The measured run then shows only the workload.
            writeAndReadBack(file);
            // Charts need operation sizes; ask for them only where a profiler can see them at thread scope.
            boolean sizes = Iops.profilers().stream().anyMatch(p -> p.usable() && p.capabilities()
                    .containsAll(EnumSet.of(Capability.OPERATION_SIZES, Capability.THREAD_SCOPE)));
            IopsReport report = Iops.with().scope(Scope.THREAD).histogram(sizes).measureValue(() -> {
                writeAndReadBack(file);
                return null;
            }).report();
            System.out.println("Write 1000 x 4096 bytes, then read them back 4096 at a time:");
            System.out.println(report.toText());
            Path charts = Path.of(args.length > 0 ? args[0] : "iops-charts-out");
            Files.createDirectories(charts);
            Path json = Files.writeString(charts.resolve("iops-report.json"), report.toJson());
            System.out.println("JSON report:\n  " + json.toAbsolutePath());
            if (sizes) {
                System.out.println("\nCharts:");
                for (Path chart : IopsCharts.save(report, charts, IopsCharts.Format.PNG, IopsCharts.Format.SVG)) {
                    System.out.println("  " + chart.toAbsolutePath());
                }
            } else {
                System.out.println("\nNo charts: no usable profiler here sees each operation's size at thread scope"
                        + " (see the list above), so there is no histogram to draw.");
            }
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }

    static void writeAndReadBack(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            for (int i = 0; i < 1000; i++) {
                out.write(block);
            }
        }
        try (InputStream in = new FileInputStream(file.toFile())) {
            while (in.read(block) > 0) {
                // drain
            }
        }
    }
}
