package dev.iops.jupyter;

import dev.iops.IopsReport;
import dev.iops.charts.IopsCharts;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;
import org.knowm.xchart.ChartEncoder;
import org.knowm.xchart.internal.chartpart.Chart;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;

/**
 * Shows a report under the cell through {@code kernel.display}: the table as {@code text/plain} and
 * {@code text/html}, optionally the JSON, and the size charts, each as an {@code image/png} (with a
 * {@code text/plain} caption). PNG only: nbconvert's HTML export empties inline SVG (its sanitizer) and prefers SVG
 * over PNG when both are there, which left blank boxes, and XChart's SVG is ~250 KB a chart against ~25 KB of PNG
 * in the saved notebook. Charts are drawn in memory after the session stopped: none of this is measured, nothing
 * is written to disk.
 */
final class ReportDisplay {
    /** The MIME type of a PNG in a Jupyter bundle: base64 text. */
    static final String PNG = "image/png";

    private ReportDisplay() {
    }

    static void show(BaseKernel kernel, IopsReport report, boolean charts, boolean json) {
        DisplayData table = new DisplayData(report.toText());
        table.putHTML(ReportHtml.of(report));
        kernel.display(table);
        if (json) {
            kernel.display(new DisplayData(report.toJson()));
        }
        if (charts && report.histogram().isPresent()) {
            for (DisplayData chart : charts(report)) {
                kernel.display(chart);
            }
        }
    }

    /** The operations and bytes histograms, one bundle each. */
    static List<DisplayData> charts(IopsReport report) {
        return List.of(
                bundle(IopsCharts.sizeHistogram(report), "iops: operations by size"),
                bundle(IopsCharts.bytesHistogram(report), "iops: bytes by size"));
    }

    private static DisplayData bundle(Chart<?, ?> chart, String alt) {
        DisplayData d = new DisplayData(alt + " (chart: shown as an image by notebook front ends)");
        d.putData(PNG, Base64.getEncoder().encodeToString(encode(chart, "png")));
        return d;
    }

    private static byte[] encode(Chart<?, ?> chart, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try {
            ChartEncoder.saveChart(chart, out, format);
        } catch (IOException e) {
            throw new UncheckedIOException("iops could not draw the " + format + " chart: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
