package dev.iops.jupyter;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The options of one {@code %%iops} / {@code %iops} call, parsed from the arguments the kernel split.
 *
 * <p>Options are matched whole ({@code --hist} is not {@code --histogram}); anything unknown is a
 * {@link MagicUsageException} (the magic shows {@link #USAGE} above it), so a typo never measures something other
 * than what was asked.
 *
 * @param histogram  {@code --histogram}: per-operation sizes, drawn as charts
 * @param profiler   {@code --profiler NAME}: measure with this profiler only
 * @param thread     {@code --thread}: count only the thread that runs the cell's code
 * @param json       {@code --json}: show the report's JSON as well
 * @param help       {@code --help}: show {@link #USAGE} and run nothing
 * @param statement  the line magic's statement (empty for the cell magic)
 */
record MagicOptions(boolean histogram, Optional<String> profiler, boolean thread, boolean json, boolean help,
                    String statement) {

    /** What {@code --help} and every wrong call show. */
    static final String USAGE = String.join("\n",
            "Usage:",
            "  %%iops [options]            measures the I/O of the rest of the cell",
            "  %iops [options] STATEMENT   measures the I/O of one statement",
            "Options:",
            "  --histogram       also draw operation sizes as charts (needs a per-operation profiler)",
            "  --profiler NAME   measure with NAME only (strace, procfs, jfr, ...); default: the best usable one",
            "  --thread          count only the thread that runs the cell's code (default: the whole kernel JVM)",
            "  --json            also show the report as JSON",
            "  --help            show this message");

    MagicOptions {
        Objects.requireNonNull(profiler, "profiler");
        Objects.requireNonNull(statement, "statement");
    }

    /**
     * Parses the arguments of a call.
     *
     * @param magic the magic as the user typed it, {@code "%%iops"} or {@code "%iops"}, for messages
     * @param args  the arguments as the kernel split them at white space
     * @param line  true for the line magic: the first argument that is not an option starts the statement
     * @throws MagicUsageException if an option is unknown, a value is missing, or the line magic has no statement
     */
    static MagicOptions parse(String magic, List<String> args, boolean line) {
        boolean histogram = false;
        boolean thread = false;
        boolean json = false;
        boolean help = false;
        String profiler = null;
        int i = 0;
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (!a.startsWith("--")) {
                if (line) {
                    break;
                }
                throw new MagicUsageException(magic + ": unexpected argument '" + a + "'");
            }
            switch (a) {
                case "--histogram" -> histogram = true;
                case "--thread" -> thread = true;
                case "--json" -> json = true;
                case "--help" -> help = true;
                case "--profiler" -> {
                    if (i + 1 >= args.size() || args.get(i + 1).startsWith("--") || args.get(i + 1).isBlank()) {
                        throw new MagicUsageException(magic + ": --profiler needs a profiler name, e.g. --profiler jfr");
                    }
                    profiler = args.get(++i);
                }
                default -> {
                    if (a.startsWith("--profiler=") && a.length() > "--profiler=".length()) {
                        profiler = a.substring("--profiler=".length());
                    } else {
                        throw new MagicUsageException(magic + ": unknown option '" + a + "'");
                    }
                }
            }
        }
        // The kernel split the line at white space; one space between the pieces gives the statement back
        // (a run of spaces becomes one, which Java does not mind outside string literals).
        String statement = String.join(" ", args.subList(i, args.size())).trim();
        if (line && statement.isEmpty() && !help) {
            throw new MagicUsageException(magic + ": no statement to measure");
        }
        return new MagicOptions(histogram, Optional.ofNullable(profiler), thread, json, help, statement);
    }

    /** A wrong call of the magic: the message says what was wrong; the magic shows {@link #USAGE} once, above it. */
    static final class MagicUsageException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MagicUsageException(String problem) {
            super(problem + "; nothing was run (usage above)");
        }
    }
}
