package dev.iops.jupyter;

import dev.iops.Figure;
import dev.iops.IopsReport;
import dev.iops.Scope;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReportHtmlTest {

    private static IopsReport report(EnumSet<Figure> measured, List<String> notes) {
        return new IopsReport("procfs", Scope.THREAD, Duration.ofSeconds(2),
                measured.contains(Figure.READ_OPS) ? 10 : 0, 1000, 40960, 4_096_000, measured, Optional.empty(),
                Optional.empty(), Optional.empty(), notes);
    }

    @Test
    void rowsCarryCountsBytesAndRatesOverTheElapsedTime() {
        String html = ReportHtml.of(report(EnumSet.allOf(Figure.class), List.of()));
        assertThat(html).contains("iops: measured by procfs, scope THREAD, elapsed 2.000 s")
                .contains(">writes</td><td style=\"text-align:right;padding:2px 10px\">1,000</td>"
                        + "<td style=\"text-align:right;padding:2px 10px\">3.9 MiB</td>"
                        + "<td style=\"text-align:right;padding:2px 10px\">500</td>"
                        + "<td style=\"text-align:right;padding:2px 10px\">2.0 MiB/s</td>")
                .contains(">total</td><td style=\"text-align:right;padding:2px 10px\">1,010</td>");
    }

    @Test
    void unmeasuredFiguresShowAsNotAvailableNotZero() {
        String html = ReportHtml.of(report(EnumSet.of(Figure.BYTES_READ, Figure.BYTES_WRITTEN,
                Figure.WRITE_OPS), List.of()));
        assertThat(html).contains(">reads</td><td style=\"text-align:right;padding:2px 10px\">n/a</td>")
                .contains(">total</td><td style=\"text-align:right;padding:2px 10px\">n/a</td>");
    }

    @Test
    void notesAreEscaped() {
        String html = ReportHtml.of(report(EnumSet.allOf(Figure.class), List.of("<script>a & \"b\"</script>")));
        assertThat(html).contains("<li>&lt;script&gt;a &amp; &quot;b&quot;&lt;/script&gt;</li>")
                .doesNotContain("<script>");
    }

    @Test
    void foldsTheWholeTextReportUnderTheTable() {
        IopsReport r = report(EnumSet.allOf(Figure.class), List.of("a < b"));
        String html = ReportHtml.of(r);
        assertThat(html).contains("<pre style=\"font-size:85%\">" + ReportHtml.esc(r.toText()) + "</pre></details>");
        assertThat(r.toText()).contains("a < b"); // so the escaping above is exercised
    }
}
