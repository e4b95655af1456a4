package dev.iops.examples;

import dev.iops.examples.MarkdownDocs.Block;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every fenced {@code ```java} block of README.md and of {@code docs/**}{@code /*.md} compiles, against this module's
 * test class path (every iops module, JUnit, JMH, XChart), with {@code javac --release 17}, in-process. One dynamic
 * test per block, named {@code page:line} of its opening fence; a failure prints javac's messages with the page's
 * line numbers.
 *
 * <p>How a block becomes a compilation unit (also in {@code docs/testing.md}, for whoever writes a page):
 * <ul>
 *   <li>A block that declares a module ({@code module x { ... }}) is compiled as a {@code module-info.java}, with this
 *       module's test class path as the module path.</li>
 *   <li>A block with a top-level {@code class}, {@code interface}, {@code record} or {@code enum} at the start of a
 *       line is a compilation unit as it stands.</li>
 *   <li>Any other block is a fragment: statements, compiled as the body of a method that {@code throws Exception}.
 *       Its leading {@code import} lines, if any, become the unit's imports.</li>
 *   <li>Both get, in package {@code snippet}, the imports a reader assumes: {@code dev.iops.*}, {@code dev.iops.spi.*},
 *       {@code java.io.*}, {@code java.nio.file.*}, {@code java.time.*}, {@code java.util.*}, and the static members
 *       of a class {@code Context} that declares the user's side of an example: {@code work()} (does nothing),
 *       {@code Path p}, {@code Path file}, {@code byte[] data}.</li>
 *   <li>Anything else a block uses but does not declare (a helper, a field of the user's test) is declared just above
 *       the fence in an HTML comment, which GitHub does not show:
 *       {@code <!-- snippet: static void writeAndSync(Path f) {} -->}. Its text goes into {@code Context} as it is,
 *       so members are written {@code static}.</li>
 * </ul>
 * What is not Java (a notebook cell with {@code %%iops}, a shell command, output) is not fenced as {@code java}.
 */
class DocSnippetsTest {
    private static final Pattern MODULE = Pattern.compile("(?m)^(open\\s+)?module\\s+[\\w.]+\\s*\\{");
    private static final Pattern TOP_LEVEL_TYPE = Pattern.compile(
            "(?m)^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*(?:(?:public|final|abstract|sealed|non-sealed|static)\\s+)*"
                    + "(class|interface|record|enum|@interface)\\s+(\\w+)");
    private static final Pattern PUBLIC_TYPE = Pattern.compile(
            "(?m)^(?:@[\\w.]+(?:\\([^)]*\\))?\\s+)*public\\s+(?:(?:final|abstract|sealed|non-sealed)\\s+)*"
                    + "(?:class|interface|record|enum|@interface)\\s+(\\w+)");

    private static final List<String> IMPORTS = List.of(
            "import dev.iops.*;",
            "import dev.iops.spi.*;",
            "import java.io.*;",
            "import java.nio.file.*;",
            "import java.time.*;",
            "import java.util.*;");

    /** The user's side of the examples that every block may use; a block's own comment adds to it. */
    private static final List<String> COMMON_DECLARATIONS = List.of(
            "static void work() {}",
            "static Path p = Path.of(\"data.bin\");",
            "static Path file = Path.of(\"data.bin\");",
            "static byte[] data = new byte[4096];");

    @TempDir
    static Path work;

    private static final JavaCompiler JAVAC = ToolProvider.getSystemJavaCompiler();

    static List<Block> javaBlocks() {
        return MarkdownDocs.pages().stream()
                .flatMap(page -> MarkdownDocs.blocks(page).stream())
                .filter(b -> b.language().equals("java"))
                .collect(Collectors.toList());
    }

    @TestFactory
    Stream<DynamicTest> everyJavaBlockCompiles() throws IOException {
        assertThat(JAVAC).as("a JDK with javac runs the tests").isNotNull();
        StandardJavaFileManager files = JAVAC.getStandardFileManager(null, Locale.ROOT, StandardCharsets.UTF_8);
        List<Block> blocks = javaBlocks();
        return blocks.stream().map(b -> DynamicTest.dynamicTest(b.where(), () -> compile(files, b)));
    }

    @Test
    void theReadmeAndTheDocsHaveJavaBlocks() {
        // a parser that silently found nothing would pass every block
        assertThat(javaBlocks()).extracting(b -> MarkdownDocs.name(b.page()))
                .contains("README.md")
                .anyMatch(name -> name.startsWith("docs/"));
    }

    /** One compilation unit in the making: its lines, and the page line each came from (0: the wrapper's own). */
    private static final class Unit {
        final List<String> lines = new ArrayList<>();
        final List<Integer> from = new ArrayList<>();

        void add(String line) {
            lines.add(line);
            from.add(0);
        }

        void add(String line, int pageLine) {
            lines.add(line);
            from.add(pageLine);
        }

        String text() {
            return String.join("\n", lines) + "\n";
        }
    }

    private static void compile(StandardJavaFileManager files, Block block) throws IOException {
        Path dir = Files.createDirectories(work.resolve(block.where().replaceAll("[^A-Za-z0-9]", "_")));
        Path src = Files.createDirectories(dir.resolve("src"));
        Path out = Files.createDirectories(dir.resolve("classes"));
        String code = String.join("\n", block.code());
        List<String> options = new ArrayList<>(List.of("--release", "17", "-proc:none", "-d", out.toString()));
        String classPath = System.getProperty("java.class.path");

        Unit unit = new Unit();
        Path unitFile;
        List<Path> sources = new ArrayList<>();
        if (MODULE.matcher(code).find()) {
            addBlock(unit, block, 0);
            unitFile = src.resolve("module-info.java");
            options.addAll(List.of("--module-path", modulePath(classPath)));
        } else {
            Path pkg = Files.createDirectories(src.resolve("snippet"));
            Files.writeString(pkg.resolve("Context.java"), context(block.declarations()), StandardCharsets.UTF_8);
            sources.add(pkg.resolve("Context.java"));
            options.addAll(List.of("-classpath", classPath));
            unit.add("package snippet;");
            IMPORTS.forEach(unit::add);
            unit.add("import static snippet.Context.*;");
            if (TOP_LEVEL_TYPE.matcher(code).find()) {
                addBlock(unit, block, 0);
                Matcher pub = PUBLIC_TYPE.matcher(code);
                unitFile = pkg.resolve((pub.find() ? pub.group(1) : "Snippet") + ".java");
            } else {
                int body = 0;
                while (body < block.code().size() && (block.code().get(body).startsWith("import ")
                        || block.code().get(body).isBlank())) {
                    unit.add(block.code().get(body), block.line() + 1 + body);
                    body++;
                }
                unit.add("class Snippet {");
                unit.add("    void snippet() throws Exception {");
                addBlock(unit, block, body);
                unit.add("    }");
                unit.add("}");
                unitFile = pkg.resolve("Snippet.java");
            }
        }
        Files.writeString(unitFile, unit.text(), StandardCharsets.UTF_8);
        sources.add(unitFile);

        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter javacOut = new StringWriter();
        boolean ok = JAVAC.getTask(javacOut, files, diagnostics, options, null,
                files.getJavaFileObjectsFromPaths(sources)).call();
        if (!ok) {
            throw new AssertionError(block.where() + ": this ```java block does not compile:\n"
                    + describe(diagnostics, unitFile, unit) + javacOut
                    + "\n(compiled as " + unitFile.getFileName() + ":\n" + numbered(unit.text()) + ")");
        }
    }

    private static void addBlock(Unit unit, Block block, int from) {
        for (int i = from; i < block.code().size(); i++) {
            unit.add(block.code().get(i), block.line() + 1 + i);
        }
    }

    private static String context(String declarations) {
        StringBuilder c = new StringBuilder("package snippet;\n");
        IMPORTS.forEach(i -> c.append(i).append('\n'));
        c.append("final class Context {\n    private Context() {\n    }\n");
        COMMON_DECLARATIONS.forEach(d -> c.append("    ").append(d).append('\n'));
        if (!declarations.isEmpty()) {
            c.append(declarations).append('\n');
        }
        return c.append("}\n").toString();
    }

    /**
     * The class path's jars and explicit modules, as a module path: a folder of classes without a module-info would
     * be an automatic module named after the folder ({@code classes}), several times over.
     */
    private static String modulePath(String classPath) {
        return Arrays.stream(classPath.split(File.pathSeparator))
                .filter(e -> e.endsWith(".jar") || Files.exists(Path.of(e, "module-info.class")))
                .collect(Collectors.joining(File.pathSeparator));
    }

    private static String describe(DiagnosticCollector<JavaFileObject> diagnostics, Path unitFile, Unit unit) {
        StringBuilder s = new StringBuilder();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() != Diagnostic.Kind.ERROR) {
                continue;
            }
            String where = "";
            if (d.getSource() != null && Path.of(d.getSource().toUri()).equals(unitFile) && d.getLineNumber() > 0) {
                int pageLine = unit.from.get((int) d.getLineNumber() - 1);
                where = pageLine > 0 ? "page line " + pageLine + ": " : "wrapper line " + d.getLineNumber() + ": ";
            } else if (d.getSource() != null) {
                where = Path.of(d.getSource().toUri()).getFileName() + ":" + d.getLineNumber() + ": ";
            }
            s.append("  ").append(where).append(d.getMessage(Locale.ROOT)).append('\n');
        }
        return s.toString();
    }

    private static String numbered(String text) {
        String[] lines = text.split("\n", -1);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < lines.length - 1; i++) {
            s.append(String.format(Locale.ROOT, "%4d  %s%n", i + 1, lines[i]));
        }
        return s.toString();
    }
}
