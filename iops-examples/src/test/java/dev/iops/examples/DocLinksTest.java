package dev.iops.examples;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every relative link and image of README.md and of {@code docs/**}{@code /*.md} resolves: to a file of the
 * repository, and, when it names an anchor ({@code page.md#heading}, {@code #heading}), to a heading of that page as
 * GitHub names it. One dynamic test per page. Links to other sites are not followed.
 */
class DocLinksTest {
    /** {@code [text](target)} and {@code ![alt](target)}, outside code spans; the target ends at a space or ')'. */
    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)(?:\\s+\"[^\"]*\")?\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`[^`]*`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    @TestFactory
    Stream<DynamicTest> everyRelativeLinkResolves() {
        return MarkdownDocs.pages().stream()
                .map(page -> DynamicTest.dynamicTest(MarkdownDocs.name(page), () -> check(page)));
    }

    @Test
    void everyDocsPageIsLinkedFromTheIndexAndTheIndexFromTheReadme() {
        Path index = MarkdownDocs.ROOT.resolve("docs/README.md");
        assertThat(targets(MarkdownDocs.ROOT.resolve("README.md"))).as("pages the README links to").contains(index);
        List<Path> unlisted = new ArrayList<>(MarkdownDocs.pages().subList(1, MarkdownDocs.pages().size()));
        unlisted.remove(index);
        unlisted.removeAll(targets(index));
        assertThat(unlisted).as("docs pages that docs/README.md does not link to").isEmpty();
    }

    /** The files a page links to (anchors dropped), resolved. */
    private static Set<Path> targets(Path page) {
        Set<Path> targets = new HashSet<>();
        for (String line : MarkdownDocs.lines(page)) {
            Matcher m = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (m.find()) {
                String target = m.group(1).replaceFirst("#.*", "");
                if (!target.isEmpty() && !target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
                    targets.add(page.getParent().resolve(target).normalize());
                }
            }
        }
        return targets;
    }

    private static void check(Path page) {
        List<String> broken = new ArrayList<>();
        List<String> lines = MarkdownDocs.lines(page);
        boolean inFence = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            if (inFence) {
                continue;
            }
            Matcher m = LINK.matcher(CODE_SPAN.matcher(line).replaceAll(""));
            while (m.find()) {
                String problem = problem(page, m.group(1));
                if (problem != null) {
                    broken.add(MarkdownDocs.name(page) + ":" + (i + 1) + ": " + m.group(1) + ": " + problem);
                }
            }
        }
        assertThat(broken).as("links that do not resolve").isEmpty();
    }

    /** Why a link target does not resolve, or null if it does (or points outside the repository's files). */
    private static String problem(Path page, String target) {
        if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) { // https:, mailto:, ...
            return null;
        }
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
        if (!resolved.startsWith(MarkdownDocs.ROOT)) {
            return "leaves the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (anchor != null) {
            if (!resolved.toString().endsWith(".md")) {
                return "an anchor into a file that is not Markdown";
            }
            if (!anchors(resolved).contains(anchor)) {
                return "no heading with that anchor in " + MarkdownDocs.name(resolved);
            }
        }
        return null;
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as '-', repeats numbered. */
    static Set<String> anchors(Path page) {
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean inFence = false;
        for (String line : MarkdownDocs.lines(page)) {
            if (line.strip().startsWith("```")) {
                inFence = !inFence;
                continue;
            }
            Matcher h = HEADING.matcher(line);
            if (inFence || !h.matches()) {
                continue;
            }
            String slug = slug(h.group(1));
            int n = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(n == 0 ? slug : slug + "-" + n);
        }
        return anchors;
    }

    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link in a heading: its text
        StringBuilder s = new StringBuilder();
        text.toLowerCase(Locale.ROOT).codePoints().forEach(c -> {
            if (Character.isLetterOrDigit(c) || c == '-' || c == '_') {
                s.appendCodePoint(c);
            } else if (c == ' ') {
                s.append('-');
            }
        });
        return s.toString();
    }
}
