package dev.iops.internal;

import dev.iops.internal.JsonParser.Arr;
import dev.iops.internal.JsonParser.Num;
import dev.iops.internal.JsonParser.Obj;
import dev.iops.internal.JsonParser.Position;
import dev.iops.internal.JsonParser.Str;
import dev.iops.internal.JsonParser.SyntaxException;
import dev.iops.internal.JsonParser.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The strict JSON grammar, positions and the nesting bound. */
class JsonParserTest {
    private static Value parse(String text) throws SyntaxException {
        return JsonParser.parse(text);
    }

    private static SyntaxException refused(String text) {
        SyntaxException e = catchThrowableOfType(SyntaxException.class, () -> JsonParser.parse(text));
        assertThat(e).as("must refuse: %s", text).isNotNull();
        return e;
    }

    @Test
    void readsEveryKindOfValueWithItsPosition() throws SyntaxException {
        Obj o = (Obj) parse("{\"a\": [1, -0.5e+3, true, false, null],\n  \"b\": \"x\\ty\"}");
        assertThat(o.members()).containsOnlyKeys("a", "b");
        Arr a = (Arr) o.members().get("a");
        assertThat(a.items()).extracting(Value::describe)
                .containsExactly("a number (1)", "a number (-0.5e+3)", "true", "false", "null");
        assertThat(((Num) a.items().get(1)).isInteger()).isFalse();
        assertThat(((Num) a.items().get(0)).isInteger()).isTrue();
        assertThat(a.at()).isEqualTo(new Position(1, 7));
        Str b = (Str) o.members().get("b");
        assertThat(b.value()).isEqualTo("x\ty");
        assertThat(b.at()).isEqualTo(new Position(2, 8));
    }

    @Test
    void keepsMembersInDocumentOrder() throws SyntaxException {
        assertThat(((Obj) parse("{\"z\":1,\"a\":2,\"m\":3}")).members().keySet()).containsExactly("z", "a", "m");
    }

    @Test
    void resolvesEveryEscapeIncludingSurrogates() throws SyntaxException {
        Str s = (Str) parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00 \\ud800 \\u0000\"");
        assertThat(s.value()).isEqualTo("\" \\ / \b \f \n \r \t é 😀 \uD800 \u0000");
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "-", "1.", ".5", "1e", "1e+", "+1", "NaN", "Infinity", "-Infinity", "0x10", "1_000",
            "tru", "nul", "True", "'a'", "\"a", "\"\\x\"", "\"\\u12G4\"", "\"\\u00\"", "\"\t\"", "\"\n\"", "[1,]",
            "{\"a\":1,}", "{a:1}", "{\"a\" 1}", "{\"a\":1 \"b\":2}", "[1 2]", "/* c */ 1", "1 // c", "\u00a01", "\f1",
            "{\"a\":1,\"a\":2}", "[", "]", "{", "\"\\", "", " ", "1 2", "\uFEFF\uFEFF1", "\"\\uDG00\""})
    void refusesWhatJsonDoesNotAllow(String text) {
        SyntaxException e = refused(text);
        assertThat(e.getMessage()).isNotBlank();
        assertThat(e.at().line()).isPositive();
        assertThat(e.at().column()).isPositive();
        assertThat(e.path()).startsWith("$");
    }

    @Test
    void saysWhatItFoundAndWhere() {
        SyntaxException e = refused("{\"a\": [1,\n 2,\n 03]}");
        assertThat(e).hasMessage("leading zero in a number");
        assertThat(e.at()).isEqualTo(new Position(3, 3));
        assertThat(e.path()).isEqualTo("$.a[2]");
        e = refused("{\"a\":\"b\u0001\"}");
        assertThat(e).hasMessage("control character U+0001 in a string: JSON needs it escaped");
        assertThat(e.at()).isEqualTo(new Position(1, 8));
        e = refused("{\"a b\":{\"c\":nope}}");
        assertThat(e).hasMessage("expected null, found 'n'");
        assertThat(e.path()).isEqualTo("$[\"a b\"].c");
        e = refused("[\"\\u12\"]");
        assertThat(e).hasMessage("expected 4 hex digits after \\u, found '\"'");
        assertThat(e.at()).isEqualTo(new Position(1, 7));
        e = refused("{\"a\":1,\"a\":2}");
        assertThat(e).hasMessage("duplicate member \"a\"");
        assertThat(e.at()).isEqualTo(new Position(1, 8));
        assertThat(e.path()).isEqualTo("$.a");
    }

    @Test
    void acceptsTheFourWhitespaceCharactersAndOneByteOrderMark() throws SyntaxException {
        assertThat(parse(" \t\r\n[ 1 ,\t2 ]\r\n")).isInstanceOf(Arr.class);
        Value v = parse("\uFEFF{\"a\":1}");
        assertThat(v.at()).isEqualTo(new Position(1, 1));
    }

    @Test
    void boundsTheNestingDepth() throws SyntaxException {
        int limit = JsonParser.MAX_DEPTH;
        assertThat(parse("[".repeat(limit) + "]".repeat(limit))).isInstanceOf(Arr.class);
        SyntaxException e = refused("[".repeat(limit + 1) + "]".repeat(limit + 1));
        assertThat(e).hasMessage("arrays and objects nest deeper than 64 levels");
        assertThat(e.at()).isEqualTo(new Position(1, limit + 1));
        // far deeper than any stack: refused at the limit, no StackOverflowError
        assertThat(refused("{\"a\":".repeat(1_000_000))).hasMessage("arrays and objects nest deeper than 64 levels");
        assertThat(refused("[".repeat(1_000_000))).hasMessage("arrays and objects nest deeper than 64 levels");
    }

    @Test
    void rendersPathsThatReadBack() {
        assertThat(JsonParser.renderPath(List.of())).isEqualTo("$");
        assertThat(JsonParser.renderPath(List.of("detail", "topPaths", 3, "totals"))).isEqualTo(
                "$.detail.topPaths[3].totals");
        assertThat(JsonParser.renderPath(List.of("a.b", "", "é", "q\"", 0))).isEqualTo(
                "$[\"a.b\"][\"\"][\"é\"][\"q\\\"\"][0]");
    }
}
