package dev.iops;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Hostile JSON: every truncation of a report and thousands of seeded mutations of valid reports. Whatever the text,
 * fromJson either returns a report that reads back equal, or throws {@link ReportJsonException} with a position and a
 * path; nothing else escapes (no NumberFormatException, ClassCastException, NullPointerException, StackOverflowError).
 */
class ReportJsonFuzzTest {
    private static final long SEED = 0x1f0_2006L;
    private static final int MUTATIONS = 4000;

    /** Fragments a mutation splices in: JSON tokens, wrong types, extremes, broken escapes, odd characters. */
    private static final List<String> FRAGMENTS = List.of("{", "}", "[", "]", ",", ":", "\"", "\\", "null", "true",
            "false", "0", "-1", "1.5", "1e3", "-0", "9223372036854775807", "9223372036854775808",
            "-9223372036854775809", "99999999999999999999999999", "\"x\"", "[]", "{}", "\"\\u12\"", "\"\\ud800\"",
            "\u0000", "\u0001", "\n", "\uFEFF", "é", "😀", "\uD800", "NaN", "Infinity", "[[[[[[[[", "]]]]", "\"schema\"",
            "\"iops-report/2\"", "\"THREAD\"", "\"FILE\"", "\"READ\"", "\"readOps\"", ",\"readOps\":1", " ", "");

    private int cases;
    private int accepted;

    static List<String> documents() {
        TimeSizeGrid grid = TimeSizeGrid.ofKinds(Duration.ofMillis(1), 2, 3, new long[]{1, 0, 2, 0, 0, 1},
                new long[]{0, 3, 0, 1, 1, 0}, new long[]{5, 0}, new long[]{7, 9});
        OpDetail detail = new OpDetail(Map.of(TargetKind.PIPE, new IoTotals(1, 2, 3, 4)),
                List.of(new PathStats("/tmp/\"x\"\n", TargetKind.PIPE, new IoTotals(1, 2, 3, 4))), 1,
                new IoTotals(0, 1, 0, 9), Map.of(OpKind.READ, new LatencySummary(3, Duration.ofNanos(10),
                Duration.ofNanos(20), Duration.ofNanos(30), Duration.ofNanos(40))), 1, Optional.of(grid),
                List.of(new SiteStats("a.B.c:1", new IoTotals(1, 0, 3, 0))));
        IopsReport kinds = IopsReport.of("jfr", Scope.THREAD, Duration.ofMillis(2), 3, 5, 8, 16)
                .withHistogram(SizeHistogram.builder().record(OpKind.READ, 1).record(OpKind.WRITE, 4096).build())
                .withDetail(detail).withStorage(new StorageBytes(1, 2))
                .withDevices(List.of(new DeviceIo("vda", 1, 2, 3, 4, Duration.ofNanos(5)))).withNote("n");
        return List.of(ReportFormatsTest.traced().toJson(), ReportFormatsTest.counted().toJson(), kinds.toJson(),
                IopsReport.of("p", Scope.PROCESS, Duration.ZERO, 1, 0, 0, 0).toJson());
    }

    private void check(String text, String what) {
        cases++;
        IopsReport r;
        try {
            r = IopsReport.fromJson(text);
        } catch (ReportJsonException e) {
            // plain checks: AssertJ per case would dominate the run time
            if (!e.getMessage().startsWith("Cannot read an iops report from JSON: line ") || e.line() < 1
                    || e.column() < 1 || !e.path().startsWith("$")) {
                throw new AssertionError(what + ": a message without position or path: " + e.getMessage(), e);
            }
            return;
        } catch (Throwable t) {
            throw new AssertionError(what + " threw " + t + " on: " + text, t);
        }
        // a mutation that is still a report (a digit changed, a space added) must be stable
        accepted++;
        assertThat(IopsReport.fromJson(r.toJson())).as(what).isEqualTo(r);
    }

    @Test
    void everyTruncationIsRefusedWithAPosition() {
        for (String doc : documents()) {
            for (int n = 0; n < doc.length(); n++) {
                String cut = doc.substring(0, n);
                cases++;
                try {
                    IopsReport.fromJson(cut);
                    fail("a truncation was accepted: " + cut);
                } catch (ReportJsonException e) {
                    if (e.line() != 1 || e.column() < 1 || e.column() > n + 1) {
                        throw new AssertionError("truncation at " + n + ": position off the text: " + e.getMessage());
                    }
                } catch (Throwable t) {
                    throw new AssertionError("truncation at " + n + " threw " + t, t);
                }
            }
        }
        assertThat(cases).isGreaterThanOrEqualTo(1000);
    }

    @Test
    void mutatedReportsOnlyEverThrowReportJsonException() {
        Random random = new Random(SEED);
        List<String> docs = documents();
        for (int i = 0; i < MUTATIONS; i++) {
            String doc = docs.get(random.nextInt(docs.size()));
            StringBuilder sb = new StringBuilder(doc);
            int edits = 1 + random.nextInt(3);
            for (int k = 0; k < edits && sb.length() > 0; k++) {
                int at = random.nextInt(sb.length());
                switch (random.nextInt(6)) {
                    case 0 -> sb.setCharAt(at, (char) random.nextInt(0x80)); // any ASCII, controls included
                    case 1 -> sb.setCharAt(at, (char) random.nextInt(0x10000)); // any UTF-16 unit, surrogates included
                    case 2 -> sb.deleteCharAt(at);
                    case 3 -> sb.insert(at, FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
                    case 4 -> { // replace one value: the text after a ':' up to the next ',' or '}'
                        int colon = sb.indexOf(":", at);
                        if (colon >= 0) {
                            int end = colon + 1;
                            while (end < sb.length() && ",}]".indexOf(sb.charAt(end)) < 0) {
                                end++;
                            }
                            sb.replace(colon + 1, end, FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
                        }
                    }
                    default -> { // duplicate or drop a stretch
                        int end = Math.min(sb.length(), at + 1 + random.nextInt(40));
                        if (random.nextBoolean()) {
                            sb.insert(at, sb.substring(at, end));
                        } else {
                            sb.delete(at, end);
                        }
                    }
                }
            }
            check(sb.toString(), "mutation " + i + " (seed " + SEED + ")");
        }
        assertThat(cases).isEqualTo(MUTATIONS);
        // the mix must exercise both outcomes, or it tests less than it claims
        assertThat(accepted).isBetween(1, MUTATIONS / 2);
    }

    @Test
    void randomBytesAreRefused() {
        Random random = new Random(SEED + 1);
        for (int i = 0; i < 1000; i++) {
            byte[] bytes = new byte[random.nextInt(200)];
            random.nextBytes(bytes);
            String text = random.nextBoolean() ? "{\"schema\":\"iops-report/1\"," + new String(bytes,
                    java.nio.charset.StandardCharsets.ISO_8859_1) : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            check(text, "random text " + i + " (seed " + (SEED + 1) + ")");
        }
        assertThat(accepted).isZero();
    }
}
