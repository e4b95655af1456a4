package dev.iops.charts;

import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.SizeHistogram;
import org.knowm.xchart.ChartEncoder;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Writes the README's example chart, {@code docs/images/histogram.png}: the operations histogram of the demo's
 * workload (1000 writes of 4 KiB, read back 4 KiB at a time, plus the read that meets end of file), as a
 * per-operation profiler sees it. Not a test; run it from the repository root after {@code mvn test-compile}:
 *
 * <pre>{@code
 * mvn -q -pl iops-charts -am test-compile \
 *     org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp "iops-charts/target/test-classes:iops-charts/target/classes:iops-api/target/classes:$(cat iops-charts/target/cp.txt)" \
 *     dev.iops.charts.ExampleImage docs/images/histogram.png
 * }</pre>
 */
public final class ExampleImage {
    private ExampleImage() {
    }

    /**
     * Writes the image.
     *
     * @param args the PNG file to write, default {@code docs/images/histogram.png}
     * @throws IOException if the file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "docs/images/histogram.png");
        SizeHistogram.Builder b = SizeHistogram.builder();
        for (int i = 0; i < 1000; i++) {
            b.record(OpKind.WRITE, 4096);
            b.record(OpKind.READ, 4096);
        }
        b.record(OpKind.READ, 0);
        SizeHistogram h = b.build();
        // Labelled "example", not with a real profiler's name: these counts are the workload's, not a measurement.
        IopsReport report = IopsReport.of("example", Scope.THREAD, Duration.ofNanos(6_030_000),
                h.readOps(), h.writeOps(), h.bytesRead(), h.bytesWritten()).withHistogram(h);
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            ChartEncoder.saveChart(IopsCharts.sizeHistogram(report), out, "png");
        }
        System.out.println(file.toAbsolutePath());
    }
}
