package dev.iops.jupyter;

import dev.iops.Figure;
import dev.iops.IoTotals;
import dev.iops.IopsReport;
import dev.iops.OpDetail;
import dev.iops.PathStats;
import dev.iops.Units;

import java.util.List;
import java.util.OptionalLong;

/**
 * A report as a small styled HTML table, for the {@code text/html} part of the magic's display. Pure: no I/O,
 * no state. Inline styles only, since notebook front ends drop {@code <style>} blocks from some outputs.
 */
final class ReportHtml {
    /** The one CSS class every table carries, so tests and users' own CSS can find it. */
    static final String TABLE_CLASS = "iops-report";

    private static final String TABLE = "<table class=\"" + TABLE_CLASS + "\" style=\"border-collapse:collapse;"
            + "font-family:monospace;font-size:90%;margin:4px 0\">";
    private static final String TH = "<th style=\"text-align:right;padding:2px 10px;border-bottom:1px solid #999\">";
    private static final String TH_LEFT = "<th style=\"text-align:left;padding:2px 10px;border-bottom:1px solid #999\">";
    private static final String TD = "<td style=\"text-align:right;padding:2px 10px\">";
    private static final String TD_LEFT = "<td style=\"text-align:left;padding:2px 10px\">";

    private ReportHtml() {
    }

    /**
     * The report as HTML: a caption with the profiler, scope and elapsed time; one row each for reads, writes
     * and both (operations, bytes, IOPS, throughput; {@code n/a} where the profiler could not count); the busiest
     * paths when the profiler saw them; the notes; the whole text report, folded.
     */
    static String of(IopsReport r) {
        StringBuilder b = new StringBuilder(2048);
        b.append("<div class=\"iops\">").append(TABLE)
                // one line: a caption wraps at the table's width otherwise ("elapsed 10.70" / "ms")
                .append("<caption style=\"text-align:left;font-weight:bold;padding:2px 0;white-space:nowrap\">")
                .append("iops: measured by ")
                .append(esc(r.profiler())).append(", scope ").append(r.scope()).append(", elapsed ")
                .append(esc(Units.duration(r.elapsed()))).append("</caption>")
                .append("<tr>").append(TH_LEFT).append("</th>").append(TH).append("operations</th>").append(TH)
                .append("bytes</th>").append(TH).append("IOPS</th>").append(TH).append("throughput</th></tr>");
        row(b, r, "reads", r.figure(Figure.READ_OPS), r.figure(Figure.BYTES_READ));
        row(b, r, "writes", r.figure(Figure.WRITE_OPS), r.figure(Figure.BYTES_WRITTEN));
        row(b, r, "total", sum(r.figure(Figure.READ_OPS), r.figure(Figure.WRITE_OPS)),
                sum(r.figure(Figure.BYTES_READ), r.figure(Figure.BYTES_WRITTEN)));
        b.append("</table>");
        r.detail().map(OpDetail::topPaths).filter(p -> !p.isEmpty()).ifPresent(p -> paths(b, p));
        if (!r.notes().isEmpty()) {
            b.append("<ul style=\"margin:2px 0;font-size:85%\">");
            for (String n : r.notes()) {
                b.append("<li>").append(esc(n)).append("</li>");
            }
            b.append("</ul>");
        }
        // The front end shows this HTML instead of the text/plain table: keep every section of it one click away.
        // display:list-item gives the summary back its disclosure triangle where a front end's CSS took it away
        b.append("<details><summary style=\"font-size:85%;display:list-item;cursor:pointer\">")
                .append("full report (sizes, targets, latency)</summary>")
                .append("<pre style=\"font-size:85%\">").append(esc(r.toText())).append("</pre></details>");
        return b.append("</div>").toString();
    }

    private static void row(StringBuilder b, IopsReport r, String label, OptionalLong ops, OptionalLong bytes) {
        b.append("<tr>").append(TD_LEFT).append(label).append("</td>")
                .append(TD).append(ops.isPresent() ? Units.count(ops.getAsLong()) : "n/a").append("</td>")
                .append(TD).append(bytes.isPresent() ? esc(Units.bytes(bytes.getAsLong())) : "n/a").append("</td>")
                .append(TD).append(ops.isPresent() ? esc(Units.rate(r.perSecond(ops.getAsLong()))) : "n/a")
                .append("</td>")
                .append(TD).append(bytes.isPresent()
                        ? esc(Units.bytesPerSecond(r.perSecond(bytes.getAsLong()))) : "n/a").append("</td></tr>");
    }

    private static void paths(StringBuilder b, List<PathStats> paths) {
        b.append(TABLE).append("<tr>").append(TH_LEFT).append("path</th>").append(TH_LEFT).append("kind</th>")
                .append(TH).append("reads</th>").append(TH).append("writes</th>").append(TH).append("read</th>")
                .append(TH).append("written</th></tr>");
        for (PathStats p : paths) {
            IoTotals t = p.totals();
            b.append("<tr>").append(TD_LEFT).append(esc(p.path())).append("</td>")
                    .append(TD_LEFT).append(esc(p.target().toString().toLowerCase(java.util.Locale.ROOT)))
                    .append("</td>")
                    .append(TD).append(Units.count(t.readOps())).append("</td>")
                    .append(TD).append(Units.count(t.writeOps())).append("</td>")
                    .append(TD).append(esc(Units.bytes(t.bytesRead()))).append("</td>")
                    .append(TD).append(esc(Units.bytes(t.bytesWritten()))).append("</td></tr>");
        }
        b.append("</table>");
    }

    private static OptionalLong sum(OptionalLong a, OptionalLong b) {
        return a.isPresent() && b.isPresent() ? OptionalLong.of(a.getAsLong() + b.getAsLong()) : OptionalLong.empty();
    }

    /** Escapes the five characters that matter in HTML text and attribute values. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
