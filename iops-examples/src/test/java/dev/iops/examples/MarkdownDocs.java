package dev.iops.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The project's Markdown pages as the documentation tests read them: README.md and every {@code docs/**}{@code /*.md},
 * their fenced code blocks and their links. Pure text handling, no Markdown library: the pages use a small, regular
 * subset (fences of three backticks, inline links).
 */
final class MarkdownDocs {
    /** The tests run in iops-examples; the reactor root is its parent folder. */
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    private static final Pattern FENCE = Pattern.compile("^(\\s*)```\\s*([A-Za-z0-9_+-]*)\\s*$");
    private static final Pattern SNIPPET_COMMENT = Pattern.compile("(?s)<!--\\s*snippet:(.*?)-->\\s*$");

    private MarkdownDocs() {
    }

    /** README.md, then every Markdown file under docs/, in path order. */
    static List<Path> pages() {
        List<Path> pages = new ArrayList<>();
        pages.add(ROOT.resolve("README.md"));
        try (Stream<Path> docs = Files.walk(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return pages;
    }

    /** A page's path relative to the root, with forward slashes: how failures name it. */
    static String name(Path page) {
        return ROOT.relativize(page).toString().replace('\\', '/');
    }

    static List<String> lines(Path page) {
        try {
            return Files.readAllLines(page, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A fenced code block.
     *
     * @param page         the page it is on
     * @param line         the 1-based line of its opening fence
     * @param language     the fence's info string ({@code java}, {@code bash}, or empty)
     * @param code         its lines, without the fences and without the fence's own indentation
     * @param declarations the Java of a {@code <!-- snippet: ... -->} comment just above the fence, or empty
     */
    record Block(Path page, int line, String language, List<String> code, String declarations) {
        String where() {
            return name(page) + ":" + line;
        }
    }

    /** Every fenced code block of a page, in order. */
    static List<Block> blocks(Path page) {
        List<String> lines = lines(page);
        List<Block> blocks = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher open = FENCE.matcher(lines.get(i));
            if (!open.matches()) {
                continue;
            }
            String indent = open.group(1);
            List<String> code = new ArrayList<>();
            int j = i + 1;
            while (j < lines.size() && !FENCE.matcher(lines.get(j)).matches()) {
                String l = lines.get(j);
                code.add(l.startsWith(indent) ? l.substring(indent.length()) : l.strip());
                j++;
            }
            if (j == lines.size()) {
                throw new AssertionError(name(page) + ":" + (i + 1) + ": a code fence that is never closed");
            }
            blocks.add(new Block(page, i + 1, open.group(2), List.copyOf(code), declarationsAbove(lines, i)));
            i = j;
        }
        return blocks;
    }

    /** The body of a {@code <!-- snippet: ... -->} comment that ends on the last non-blank line above the fence. */
    private static String declarationsAbove(List<String> lines, int fence) {
        int end = fence - 1;
        while (end >= 0 && lines.get(end).isBlank()) {
            end--;
        }
        if (end < 0 || !lines.get(end).strip().endsWith("-->")) {
            return "";
        }
        int start = end;
        while (start >= 0 && !lines.get(start).contains("<!--")) {
            start--;
        }
        if (start < 0) {
            return "";
        }
        String comment = lines.subList(start, end + 1).stream().map(String::strip).collect(Collectors.joining("\n"));
        Matcher m = SNIPPET_COMMENT.matcher(comment);
        return m.find() && comment.strip().startsWith("<!--") ? m.group(1).strip() : "";
    }
}
