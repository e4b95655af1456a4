package dev.iops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** What fromJson says about text that is not a report it reads: word for word, with line, column and path. */
class ReportJsonErrorsTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();
    private static final String PREFIX = "Cannot read an iops report from JSON: ";

    /** {"schema":"iops-report/1","profiler":"procfs","scope":"PROCESS","elapsedNanos":1000000,...} */
    private static final String DOC = IopsReport.of("procfs", Scope.PROCESS, Duration.ofMillis(1), 1, 2, 3, 4).toJson();

    private static ReportJsonException refused(String json) {
        ReportJsonException e = catchThrowableOfType(ReportJsonException.class, () -> IopsReport.fromJson(json));
        assertThat(e).as("fromJson must refuse: %s", json).isNotNull().isExactlyInstanceOf(ReportJsonException.class);
        return e;
    }

    private static void assertRefused(String json, int line, int column, String path, String problem) {
        ReportJsonException e = refused(json);
        assertThat(e).hasMessage(PREFIX + "line " + line + ", column " + column + " (" + path + "): " + problem);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.column()).isEqualTo(column);
        assertThat(e.path()).isEqualTo(path);
    }

    private static String replace(String json, String from, String to) {
        assertThat(json).contains(from);
        return json.replace(from, to);
    }

    /** Column of the first character of {@code fragment} in {@code json}, from 1. */
    private static int columnOf(String json, String fragment) {
        assertThat(json).contains(fragment);
        return json.indexOf(fragment) + 1;
    }

    @Test
    void saysTextThatIsNotJsonIsNotJson() {
        assertRefused("hello", 1, 1, "$", "not valid JSON: expected a JSON value, found 'h'");
        assertRefused("", 1, 1, "$", "not valid JSON: expected a JSON value, found end of input");
        assertRefused("  \n\t", 2, 2, "$", "not valid JSON: expected a JSON value, found end of input");
        assertRefused("{'schema': 1}", 1, 2, "$", "not valid JSON: expected a member name in double quotes, found "
                + "'''");
    }

    @Test
    void saysAJsonValueThatIsNotAnObjectIsNotAReport() {
        assertRefused("[1]", 1, 1, "$", "expected a JSON object (an iops report), found an array");
        assertRefused("\"iops-report/1\"", 1, 1, "$", "expected a JSON object (an iops report), found a string "
                + "(\"iops-report/1\")");
    }

    @Test
    void namesTheSchemaFoundAndTheOneSupported() {
        assertRefused("{\"profiler\":\"procfs\"}", 1, 1, "$", "no \"schema\" member, so this is not an iops report "
                + "(a report starts with \"schema\":\"iops-report/1\")");
        assertRefused(replace(DOC, "iops-report/1", "iops-report/2"), 1, 11, "$.schema",
                "found schema \"iops-report/2\"; this version of iops reads \"iops-report/1\" only: read the report "
                        + "with the iops version that wrote it");
        assertRefused("{\"schema\":\"vega-lite/5\"}", 1, 11, "$.schema",
                "found schema \"vega-lite/5\"; this version of iops reads \"iops-report/1\" only, so this is not an "
                        + "iops report");
        assertRefused("{\"schema\":1}", 1, 11, "$.schema", "expected the schema name as a string, found a number (1)");
    }

    @Test
    void checksTheSchemaBeforeAnythingElse() {
        // a later version may have changed any field: its name is what the reader must hear about
        assertRefused("{\"schema\":\"iops-report/2\",\"elapsed\":\"PT1S\"}", 1, 11, "$.schema",
                "found schema \"iops-report/2\"; this version of iops reads \"iops-report/1\" only: read the report "
                        + "with the iops version that wrote it");
    }

    @Test
    void namesAMissingRequiredField() {
        assertRefused(replace(DOC, "\"scope\":\"PROCESS\",", ""), 1, 1, "$.scope",
                "missing required field \"scope\" (the object that starts here has no such member)");
        String traced = ReportFormatsTest.traced().toJson();
        String noErrors = replace(traced, "\"errors\":2,", "");
        assertRefused(noErrors, 1, columnOf(noErrors, "{\"byTarget\""), "$.detail.errors",
                "missing required field \"errors\" (the object that starts here has no such member)");
    }

    @Test
    void namesAValueOfTheWrongType() {
        // the example of docs/report-json.md
        assertRefused(replace(DOC, "\"elapsedNanos\":1000000", "\"elapsedNanos\":\"1000000\""), 1, 80,
                "$.elapsedNanos", "expected an integer, found a string (\"1000000\")");
        String json = replace(DOC, "\"readOps\":1,", "\"readOps\":\"1\",");
        assertRefused(json, 1, columnOf(json, "\"1\""), "$.readOps", "expected an integer, found a string (\"1\")");
        json = replace(DOC, "\"readOps\":1,", "\"readOps\":1.0,");
        assertRefused(json, 1, columnOf(json, "1.0"), "$.readOps",
                "expected an integer, found a number with a fraction or an exponent (1.0)");
        json = replace(DOC, "\"notes\":[]", "\"notes\":[\"a\",7]");
        assertRefused(json, 1, columnOf(json, "7]"), "$.notes[1]", "expected a string, found a number (7)");
        json = replace(DOC, "\"histogram\":null", "\"histogram\":[]");
        assertRefused(json, 1, columnOf(json, "[]"), "$.histogram", "expected an object, found an array");
        json = replace(DOC, "\"iops\":", "\"iops\":\"fast\",\"was\":");
        assertRefused(json, 1, columnOf(json, "\"fast\""), "$.iops", "expected a number or null, found a string "
                + "(\"fast\")");
    }

    @Test
    void namesAValueOutOfRange() {
        String json = replace(DOC, "\"writeOps\":2,", "\"writeOps\":-2,");
        assertRefused(json, 1, columnOf(json, "-2"), "$.writeOps", "expected a count >= 0, found -2");
        json = replace(DOC, "\"writeOps\":2,", "\"writeOps\":9223372036854775808,");
        assertRefused(json, 1, columnOf(json, "9223372036854775808"), "$.writeOps",
                "integer out of the range of a 64-bit signed long: 9223372036854775808");
        json = replace(DOC, "\"scope\":\"PROCESS\"", "\"scope\":\"GLOBAL\"");
        assertRefused(json, 1, columnOf(json, "\"GLOBAL\""), "$.scope", "unknown Scope \"GLOBAL\"; known: PROCESS, "
                + "THREAD");
        json = replace(DOC, "\"measured\":[\"readOps\"", "\"measured\":[\"reads\"");
        assertRefused(json, 1, columnOf(json, "\"reads\""), "$.measured[0]", "unknown figure \"reads\"; known: "
                + "readOps, writeOps, bytesRead, bytesWritten");
    }

    @Test
    void refusesAFigureThatContradictsTheMeasuredList() {
        String json = replace(DOC, "\"readOps\":1,", "\"readOps\":null,");
        assertRefused(json, 1, columnOf(json, "null,\"writeOps\""), "$.readOps", "readOps is null but listed in "
                + "\"measured\"");
        json = replace(DOC, "\"measured\":[\"readOps\",", "\"measured\":[");
        assertRefused(json, 1, columnOf(json, "1,\"writeOps\""), "$.readOps", "readOps is 1 but not listed in "
                + "\"measured\" (an unmeasured figure is null)");
        json = replace(DOC, "\"measured\":[\"readOps\",", "\"measured\":[\"readOps\",\"readOps\",");
        assertRefused(json, 1, columnOf(json, "\"readOps\",\"writeOps\""), "$.measured[1]",
                "figure \"readOps\" is listed twice");
    }

    @Test
    void refusesTextAfterTheReport() {
        assertRefused(DOC + " x", 1, DOC.length() + 2, "$",
                "not valid JSON: unexpected 'x' after the end of the JSON value");
        assertRefused(DOC + DOC, 1, DOC.length() + 1, "$",
                "not valid JSON: unexpected '{' after the end of the JSON value");
        assertThat(IopsReport.fromJson(" \r\n" + DOC + "\n")).isEqualTo(IopsReport.fromJson(DOC));
    }

    @Test
    void saysWhereATruncatedReportEnds() {
        String cut = DOC.substring(0, DOC.length() - 1);
        assertRefused(cut, 1, DOC.length(), "$", "not valid JSON: expected ',' or '}' after a member, found end of "
                + "input");
        cut = DOC.substring(0, DOC.indexOf("\"measured\":[\"readOps\"") + 15);
        assertRefused(cut, 1, cut.length() + 1, "$.measured[0]", "not valid JSON: unterminated string: found end of "
                + "input before the closing '\"'");
    }

    @Test
    void refusesADuplicateMember() {
        String json = replace(DOC, "\"readOps\":1,", "\"readOps\":1,\"readOps\":1,");
        assertRefused(json, 1, json.indexOf("\"readOps\":1,") + 13, "$.readOps",
                "not valid JSON: duplicate member \"readOps\"");
    }

    @Test
    void refusesNestingDeeperThanTheLimit() {
        String json = DOC.substring(0, DOC.length() - 1) + ",\"x\":" + "[".repeat(100) + "]".repeat(100) + "}";
        assertRefused(json, 1, DOC.length() + 68, "$.x" + "[0]".repeat(63),
                "not valid JSON: arrays and objects nest deeper than 64 levels");
    }

    @Test
    void pointsIntoNestedDetailAndPrettyPrintedText() throws Exception {
        JsonNode tree = JACKSON.readTree(ReportFormatsTest.traced().toJson());
        ((ObjectNode) tree.get("detail").get("topPaths").get(0).get("totals")).put("readOps", "many");
        String pretty = JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree);
        String[] lines = pretty.split("\n", -1);
        int line = 0;
        while (!lines[line].contains("\"many\"")) {
            line++;
        }
        assertRefused(pretty, line + 1, lines[line].indexOf("\"many\"") + 1, "$.detail.topPaths[0].totals.readOps",
                "expected an integer, found a string (\"many\")");
        // the same document, every value valid again, reads back equal whatever its whitespace
        ((ObjectNode) tree.get("detail").get("topPaths").get(0).get("totals")).put("readOps", 1);
        assertThat(IopsReport.fromJson(JACKSON.writerWithDefaultPrettyPrinter().writeValueAsString(tree)))
                .isEqualTo(ReportFormatsTest.traced());
    }

    @Test
    void checksTheShapeOfTheTimeline() {
        String traced = ReportFormatsTest.traced().toJson();
        String json = replace(traced, "\"timeBins\":2", "\"timeBins\":3");
        assertRefused(json, 1, columnOf(json, "[[0,"), "$.detail.timeline.ops", "expected 3 rows (timeBins), found 2");
        json = replace(traced, "\"sizeBuckets\":14", "\"sizeBuckets\":13");
        assertRefused(json, 1, columnOf(json, "[0,"), "$.detail.timeline.ops[0]",
                "expected 13 cells (sizeBuckets), found 14");
        json = replace(traced, "\"binWidthNanos\":5000000", "\"binWidthNanos\":0");
        assertRefused(json, 1, columnOf(json, "0,\"timeBins\""), "$.detail.timeline.binWidthNanos",
                "expected a bin width > 0 ns, found 0");
        json = replace(traced, "\"readOps\":null,\"writeOps\":null,\"bytesRead\":null",
                "\"readOps\":null,\"writeOps\":null,\"bytesRead\":[0,0]");
        assertRefused(json, 1, columnOf(json, "{\"binWidthNanos\""), "$.detail.timeline", "the timeline has "
                + "bytesRead but not readOps, writeOps, bytesWritten: the four per-kind fields come together (or are all "
                + "null)");
    }

    @Test
    void checksTheSplitOfATimelineWithKinds() {
        TimeSizeGrid grid = TimeSizeGrid.ofKinds(Duration.ofMillis(1), 1, 2, new long[]{1, 0}, new long[]{0, 3},
                new long[]{1}, new long[]{6});
        OpDetail detail = new OpDetail(java.util.Map.of(), java.util.List.of(), 0, IoTotals.ZERO, java.util.Map.of(), 0,
                java.util.Optional.of(grid));
        String doc = IopsReport.of("t", Scope.PROCESS, Duration.ofMillis(1), 0, 0, 0, 0).withDetail(detail).toJson();
        String json = replace(doc, "\"ops\":[[1,3]]", "\"ops\":[[1,4]]");
        assertRefused(json, 1, columnOf(json, "4]]"), "$.detail.timeline.ops[0][1]",
                "ops[0][1] is 4 but readOps + writeOps there is 0 + 3");
    }

    @Test
    void readsDocumentsOfEarlierReleasesAndIgnoresUnknownFields() {
        IopsReport traced = ReportFormatsTest.traced();
        String json = traced.toJson();
        // before devices, call sites and the timeline's split existed
        String old = replace(json, ",\"devices\":null", "");
        old = replace(old, "\"topSites\":[{\"site\":\"com.example.Store.flush:42\",\"totals\":{\"readOps\":0,"
                + "\"writeOps\":1000,\"bytesRead\":0,\"bytesWritten\":4096000}}],", "");
        old = replace(old, ",\"readOps\":null,\"writeOps\":null,\"bytesRead\":null,\"bytesWritten\":null}", "}");
        IopsReport expected = traced.withDetail(new OpDetail(traced.detail().orElseThrow().byTarget(),
                traced.detail().orElseThrow().topPaths(), 1, IoTotals.ZERO, traced.detail().orElseThrow().latency(), 2,
                traced.detail().orElseThrow().timeline()));
        assertThat(IopsReport.fromJson(old)).isEqualTo(expected);
        // a later compatible addition
        String later = replace(json, "\"notes\":[]", "\"notes\":[],\"host\":{\"name\":\"ci-7\",\"cpus\":[1,2]}");
        assertThat(IopsReport.fromJson(later)).isEqualTo(traced);
    }

    @Test
    void neverThrowsAnythingButItsOwnExceptionOnCommonMistakes() {
        for (String text : new String[]{"null", "true", "0", "-", "{", "}", "{}", "[", "{\"schema\":null}",
                "{\"schema\":\"iops-report/1\"}", "{\"schema\":\"iops-report/1\",\"profiler\":null}",
                DOC.replace("1000000", "1e6"), DOC.replace("1000000", "-0"), DOC.replace(":", ": "),
                "\uFEFF" + DOC + "\uFEFF", DOC.replace("\"procfs\"", "\"\\ud800\"")}) {
            try {
                IopsReport.fromJson(text);
            } catch (ReportJsonException expected) {
                assertThat(expected.getMessage()).startsWith(PREFIX);
            }
        }
    }
}
