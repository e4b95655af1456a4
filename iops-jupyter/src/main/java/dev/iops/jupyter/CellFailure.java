package dev.iops.jupyter;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import org.dflib.jjava.jupyter.kernel.BaseKernel;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What the kernel threw while evaluating the cell's code, as the magic passes it on.
 *
 * <p>JJava wraps whatever a magic throws ({@code Exception running cell magic 'iops': MESSAGE}), and the kernel
 * wraps that again on its way out; the magic cannot change either. What it can change is what it hands them:
 * <ul>
 *   <li>a compile error: JJava's {@code CompilationException} says only {@code [snippet: ..., status: REJECTED]};
 *       the compiler's diagnostics are asked of the kernel's JShell and become the message, as a plain cell shows
 *       them;</li>
 *   <li>a runtime error: the kernel's {@code RuntimeException("java.lang.X, message", EvalException)} becomes one
 *       exception whose message is {@code java.lang.X: message} and whose stack trace is the cell's own frames;</li>
 *   <li>anything else is passed on unchanged.</li>
 * </ul>
 * Reached by reflection where JJava's types are not in jjava-jupyter (a6 and a7 both have
 * {@code JavaKernel.getJShell()} and {@code CompilationException.getBadSnippetCompilation()}).
 */
final class CellFailure {
    private CellFailure() {
    }

    /** The cell failed; the message says how, the stack trace is the cell's (no kernel or magic frames). */
    static final class CellException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CellException(String message, StackTraceElement[] cellFrames) {
            super(message, null, false, true);
            setStackTrace(cellFrames);
        }
    }

    /** The compiler's diagnostics when {@code e} is the kernel's compile error; else {@code null}. */
    static String compileError(BaseKernel kernel, Throwable e) {
        SnippetEvent event;
        JShell shell;
        try {
            Object ev = e.getClass().getMethod("getBadSnippetCompilation").invoke(e);
            Object sh = kernel.getClass().getMethod("getJShell").invoke(kernel);
            if (!(ev instanceof SnippetEvent se) || !(sh instanceof JShell js)) {
                return null;
            }
            event = se;
            shell = js;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError notACompileError) {
            return null;
        }
        Snippet snippet = event.snippet();
        List<Diag> diags = shell.diagnostics(snippet).filter(Diag::isError).toList();
        if (diags.isEmpty()) {
            return null;
        }
        return "the cell does not compile, so nothing of it ran:\n" + diags.stream()
                .map(d -> caret(snippet.source(), d) + d.getMessage(null).lines()
                        .filter(l -> !l.trim().startsWith("location:")).collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n"));
    }

    /** The line of {@code source} that holds the diagnostic, and a caret line under its span. */
    private static String caret(String source, Diag d) {
        long start = d.getStartPosition();
        long end = d.getEndPosition();
        if (start < 0 || end < start || end > source.length()) {
            return source.strip() + "\n";
        }
        int from = source.lastIndexOf('\n', (int) start - 1) + 1;
        int to = source.indexOf('\n', (int) start);
        String line = source.substring(from, to < 0 ? source.length() : to);
        int width = (int) Math.max(1, Math.min(end, from + line.length()) - start);
        return line + "\n" + " ".repeat((int) start - from) + "^".repeat(width) + "\n";
    }

    /** The user's exception, once, when {@code e} is the kernel's wrapping of it; else {@code e} unchanged. */
    static RuntimeException unwrap(RuntimeException e) {
        if (e.getCause() instanceof EvalException ee) {
            return new CellException(ee.getExceptionClassName() + ": " + ee.getMessage(), ee.getStackTrace());
        }
        return e;
    }
}
