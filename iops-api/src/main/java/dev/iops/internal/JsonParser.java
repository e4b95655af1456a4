package dev.iops.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict JSON reader (RFC 8259) that keeps where each value was: it reads a whole text into a tree of
 * {@link Value}s, each with its line and column, so a reader of the tree can say where a value it refuses is.
 *
 * <p>Strict: only the four JSON whitespace characters, no comments, no trailing commas, no leading zeros, no
 * {@code NaN}, no raw control characters in strings, no duplicate member names, nothing after the value. One
 * leniency: a byte order mark before the value is skipped. Nesting is bounded by {@link #MAX_DEPTH}, so a
 * hostile text cannot exhaust the stack. Numbers are kept as their text; the caller decides what they mean.
 *
 * <p>Stateless and thread-safe; each call to {@link #parse(String)} uses its own state.
 */
public final class JsonParser {
    /** Deepest nesting of arrays and objects accepted; a report needs 5. */
    public static final int MAX_DEPTH = 64;

    /** Where a value starts: line and column from 1, the column counted in UTF-16 characters. */
    public record Position(int line, int column) {
    }

    /** One parsed JSON value. */
    public sealed interface Value permits Obj, Arr, Str, Num, Bool, Null {
        /** @return where the value starts */
        Position at();

        /** @return what kind of value this is, for messages: {@code an object}, {@code a string}, ... */
        String describe();
    }

    /** An object; its members in document order. */
    public record Obj(Map<String, Value> members, Position at) implements Value {
        @Override
        public String describe() {
            return "an object";
        }
    }

    /** An array. */
    public record Arr(List<Value> items, Position at) implements Value {
        @Override
        public String describe() {
            return "an array";
        }
    }

    /** A string, escapes resolved. */
    public record Str(String value, Position at) implements Value {
        @Override
        public String describe() {
            return "a string";
        }
    }

    /** A number, as written (already checked against the JSON number grammar). */
    public record Num(String text, Position at) implements Value {
        @Override
        public String describe() {
            return "a number (" + text + ")";
        }

        /** @return whether the text has no fraction and no exponent */
        public boolean isInteger() {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '.' || c == 'e' || c == 'E') {
                    return false;
                }
            }
            return true;
        }
    }

    /** {@code true} or {@code false}. */
    public record Bool(boolean value, Position at) implements Value {
        @Override
        public String describe() {
            return value ? "true" : "false";
        }
    }

    /** {@code null}. */
    public record Null(Position at) implements Value {
        @Override
        public String describe() {
            return "null";
        }
    }

    /** The text is not JSON; says why, where, and at which JSON path the parser was. */
    public static final class SyntaxException extends Exception {
        private static final long serialVersionUID = 1L;
        private final transient Position at;
        private final String path;

        SyntaxException(String problem, Position at, String path) {
            super(problem);
            this.at = at;
            this.path = path;
        }

        /** @return where the problem is */
        public Position at() {
            return at;
        }

        /** @return the JSON path of the value being read, {@code $} for the top */
        public String path() {
            return path;
        }
    }

    private final String text;
    private int pos;
    private int line = 1;
    private int lineStart;
    private int depth;
    /** Member names (String) and array indexes (Integer) from the top to the value being read. */
    private final Deque<Object> path = new ArrayDeque<>();

    private JsonParser(String text) {
        this.text = text;
    }

    /**
     * Reads one JSON value that must fill the whole text (whitespace around it aside).
     *
     * @param text the JSON text
     * @return the value, with positions
     * @throws SyntaxException if the text is not one JSON value, or nests deeper than {@link #MAX_DEPTH}
     */
    public static Value parse(String text) throws SyntaxException {
        JsonParser p = new JsonParser(text);
        if (text.startsWith("\uFEFF")) {
            p.pos = 1;
            p.lineStart = 1;
        }
        p.skipWhitespace();
        Value v = p.value();
        p.skipWhitespace();
        if (p.pos < text.length()) {
            throw p.error("unexpected " + p.describeHere() + " after the end of the JSON value");
        }
        return v;
    }

    /**
     * Renders a JSON path: {@code $}, then {@code .name} per member (or {@code ["name"]} when the name is not a
     * plain identifier) and {@code [i]} per array index.
     *
     * @param segments member names and array indexes, from the top
     * @return the path
     */
    public static String renderPath(Iterable<?> segments) {
        StringBuilder sb = new StringBuilder("$");
        for (Object s : segments) {
            if (s instanceof Integer i) {
                sb.append('[').append(i).append(']');
            } else if (isIdentifier((String) s)) {
                sb.append('.').append(s);
            } else {
                sb.append('[').append(JsonFormat.str((String) s)).append(']');
            }
        }
        return sb.toString();
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0)) || s.charAt(0) > 0x7e) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0x7e || !Character.isJavaIdentifierPart(c)) {
                return false;
            }
        }
        return true;
    }

    private Position here() {
        return new Position(line, pos - lineStart + 1);
    }

    private SyntaxException error(String problem) {
        return new SyntaxException(problem, here(), renderPath(path::descendingIterator));
    }

    /** The character at the current position, as a reader would want it named. */
    private String describeHere() {
        if (pos >= text.length()) {
            return "end of input";
        }
        char c = text.charAt(pos);
        if (c >= 0x20 && c < 0x7f) {
            return "'" + c + "'";
        }
        return String.format("character U+%04X", (int) c);
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '\n') {
                line++;
                lineStart = pos + 1;
            } else if (c != ' ' && c != '\t' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private Value value() throws SyntaxException {
        if (pos >= text.length()) {
            throw error("expected a JSON value, found end of input");
        }
        char c = text.charAt(pos);
        return switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> {
                Position at = here();
                yield new Str(string(), at);
            }
            case 't' -> literal("true", new Bool(true, here()));
            case 'f' -> literal("false", new Bool(false, here()));
            case 'n' -> literal("null", new Null(here()));
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield number();
                }
                throw error("expected a JSON value, found " + describeHere());
            }
        };
    }

    private Value literal(String word, Value v) throws SyntaxException {
        if (!text.startsWith(word, pos)) {
            throw error("expected " + word + ", found " + describeHere());
        }
        pos += word.length();
        return v;
    }

    private void enter() throws SyntaxException {
        if (++depth > MAX_DEPTH) {
            throw error("arrays and objects nest deeper than " + MAX_DEPTH + " levels");
        }
    }

    private Obj object() throws SyntaxException {
        Position at = here();
        enter();
        pos++; // '{'
        Map<String, Value> members = new LinkedHashMap<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == '}') {
            pos++;
            depth--;
            return new Obj(Collections.unmodifiableMap(members), at);
        }
        while (true) {
            skipWhitespace();
            if (pos >= text.length() || text.charAt(pos) != '"') {
                throw error("expected a member name in double quotes, found " + describeHere());
            }
            Position nameAt = here();
            String name = string();
            if (members.containsKey(name)) {
                path.push(name);
                throw new SyntaxException("duplicate member " + JsonFormat.str(name), nameAt,
                        renderPath(path::descendingIterator));
            }
            skipWhitespace();
            if (pos >= text.length() || text.charAt(pos) != ':') {
                throw error("expected ':' after member name " + JsonFormat.str(name) + ", found " + describeHere());
            }
            pos++;
            skipWhitespace();
            path.push(name);
            members.put(name, value());
            path.pop();
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
            } else if (pos < text.length() && text.charAt(pos) == '}') {
                pos++;
                depth--;
                return new Obj(Collections.unmodifiableMap(members), at);
            } else {
                throw error("expected ',' or '}' after a member, found " + describeHere());
            }
        }
    }

    private Arr array() throws SyntaxException {
        Position at = here();
        enter();
        pos++; // '['
        List<Value> items = new ArrayList<>();
        skipWhitespace();
        if (pos < text.length() && text.charAt(pos) == ']') {
            pos++;
            depth--;
            return new Arr(Collections.unmodifiableList(items), at);
        }
        while (true) {
            skipWhitespace();
            path.push(items.size());
            items.add(value());
            path.pop();
            skipWhitespace();
            if (pos < text.length() && text.charAt(pos) == ',') {
                pos++;
            } else if (pos < text.length() && text.charAt(pos) == ']') {
                pos++;
                depth--;
                return new Arr(Collections.unmodifiableList(items), at);
            } else {
                throw error("expected ',' or ']' after an array element, found " + describeHere());
            }
        }
    }

    /** Reads a string literal starting at the opening quote. */
    private String string() throws SyntaxException {
        pos++; // opening quote
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string: found end of input before the closing '\"'");
            }
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return sb.toString();
            }
            if (c < 0x20) {
                throw error(String.format("control character U+%04X in a string: JSON needs it escaped", (int) c));
            }
            if (c != '\\') {
                sb.append(c);
                pos++;
                continue;
            }
            if (pos + 1 >= text.length()) {
                pos++;
                throw error("unterminated escape: found end of input after '\\'");
            }
            char e = text.charAt(pos + 1);
            switch (e) {
                case '"' -> sb.append('"');
                case '\\' -> sb.append('\\');
                case '/' -> sb.append('/');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    int code = 0;
                    for (int i = 0; i < 4; i++) {
                        int at = pos + 2 + i;
                        int digit = at < text.length() ? Character.digit(text.charAt(at), 16) : -1;
                        if (digit < 0 || text.charAt(at) > 'f') {
                            pos = Math.min(at, text.length());
                            throw error("expected 4 hex digits after \\u, found " + describeHere());
                        }
                        code = code * 16 + digit;
                    }
                    sb.append((char) code);
                    pos += 4;
                }
                default -> {
                    pos++;
                    throw error("invalid escape \\" + (e >= 0x20 && e < 0x7f ? String.valueOf(e)
                            : String.format("U+%04X", (int) e)) + " in a string");
                }
            }
            pos += 2;
        }
    }

    /** Checks the JSON number grammar: {@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}. */
    private Num number() throws SyntaxException {
        Position at = here();
        int start = pos;
        if (text.charAt(pos) == '-') {
            pos++;
        }
        if (pos < text.length() && text.charAt(pos) == '0') {
            pos++;
            if (pos < text.length() && isDigit(text.charAt(pos))) {
                throw error("leading zero in a number");
            }
        } else {
            digits("a digit");
        }
        if (pos < text.length() && text.charAt(pos) == '.') {
            pos++;
            digits("a digit after the decimal point");
        }
        if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
            pos++;
            if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                pos++;
            }
            digits("a digit in the exponent");
        }
        return new Num(text.substring(start, pos), at);
    }

    private void digits(String what) throws SyntaxException {
        if (pos >= text.length() || !isDigit(text.charAt(pos))) {
            throw error("expected " + what + ", found " + describeHere());
        }
        while (pos < text.length() && isDigit(text.charAt(pos))) {
            pos++;
        }
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
