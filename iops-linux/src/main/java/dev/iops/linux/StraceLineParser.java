package dev.iops.linux;

/**
 * A tokenizer for one line of {@code strace -f [-tt|-ttt] [-T] [-y]} output, over bytes, without allocating.
 * It fills its own fields and is reused line after line, so a whole trace is parsed in constant memory.
 *
 * <p>It understands the shapes strace prints: {@code TID [TIME] name(args) = RESULT [ERRNO (text)] [<DUR>]},
 * {@code name(args <unfinished ...>}, {@code <... name resumed>args) = RESULT}, with or without the thread id
 * and time stamp. Arguments are split at top-level commas only: commas, parentheses, quotes and angle brackets
 * inside quoted strings ({@code "a)b\"c"}) and inside {@code -y} descriptor paths ({@code 7</tmp/a)b>}) are
 * skipped, honouring backslash escapes. Signals, exits, unknown calls, truncated lines and garbage are reported
 * as such and never throw.
 *
 * <p>Pure: no I/O, no clock. Not thread-safe (one per reader).
 */
final class StraceLineParser {
    /** {@link #parse} result: a traced call ({@link #syscall} and the fields below are set). */
    static final int CALL = 0;
    /** {@link #parse} result: a well-formed line of no interest (signal, exit, untraced call). */
    static final int IGNORED = 1;
    /** {@link #parse} result: a line that could not be understood (truncated, garbage). */
    static final int GARBAGE = 2;

    /** Shape: the whole call on one line. */
    static final int COMPLETE = 0;
    /** Shape: the entry half, ending in {@code <unfinished ...>}. */
    static final int UNFINISHED = 1;
    /** Shape: the exit half, starting with {@code <... name resumed>}; its arguments are not indexed. */
    static final int RESUMED = 2;

    private static final int MAX_ARGS = 4;
    private static final byte[] RESUMED_PREFIX = ascii("<... ");
    private static final byte[] RESUMED_SUFFIX = ascii(" resumed>");
    private static final byte[] UNFINISHED_TEXT = ascii("<unfinished ...>");
    private static final byte[] SIGNAL = ascii("--- ");
    private static final byte[] SIGNAL_END = ascii(" ---");
    private static final byte[] EXIT = ascii("+++ ");
    private static final byte[] EXIT_END = ascii(" +++");
    private static final byte[] DUMP = ascii("| ");

    /** Thread id, or -1 when the line has none. */
    long tid;
    /** Time stamp in nanoseconds (since midnight for -tt, since the epoch for -ttt), or -1. */
    long timeNanos;
    /** {@link #COMPLETE}, {@link #UNFINISHED} or {@link #RESUMED}. */
    int shape;
    /** The traced call. */
    Syscall syscall;
    /** Number of indexed arguments (at most 4; none for resumed lines). */
    int args;
    /** Start (inclusive) of each indexed argument in the line's buffer. */
    final int[] argFrom = new int[MAX_ARGS];
    /** End (exclusive) of each indexed argument in the line's buffer. */
    final int[] argTo = new int[MAX_ARGS];
    /** True when the line carries a numeric result (false for {@code = ?} and unfinished lines). */
    boolean hasResult;
    /** The result; negative when {@link #failed}. */
    long result;
    /** True when the call returned an error ({@code = -1 EAGAIN (...)}). */
    boolean failed;
    /** Time spent in the call from {@code -T}, in nanoseconds, or -1. */
    long durationNanos;

    /**
     * After {@link #GARBAGE}: true when the line is the start of a call cut inside its arguments (a name and an
     * opening parenthesis, then the end of the bytes), as the first bytes of a file end inside a long first line.
     */
    boolean truncated;

    private boolean diedInCall;

    private static byte[] ascii(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }

    /**
     * Parses {@code b[from, to)}, one line without or with its line terminator.
     *
     * @return {@link #CALL}, {@link #IGNORED} or {@link #GARBAGE}; the fields are valid only after {@code CALL}
     */
    int parse(byte[] b, int from, int to) {
        tid = -1;
        timeNanos = -1;
        syscall = null;
        args = 0;
        hasResult = false;
        result = 0;
        failed = false;
        durationNanos = -1;
        diedInCall = false;
        truncated = false;
        if (from < 0 || to > b.length || from >= to) {
            return GARBAGE;
        }
        while (to > from && (b[to - 1] == '\n' || b[to - 1] == '\r' || b[to - 1] == ' ')) {
            to--;
        }
        int i = skipSpaces(b, from, to);
        int j = digitsEnd(b, i, to);
        if (j > i && j < to && b[j] == ' ') {
            tid = parseDigits(b, i, j);
            i = skipSpaces(b, j, to);
            j = digitsEnd(b, i, to);
        }
        if (j > i && j < to && (b[j] == '.' || b[j] == ':')) {
            i = parseTime(b, i, to);
            if (i < 0) {
                return GARBAGE;
            }
            i = skipSpaces(b, i, to);
        }
        if (i >= to) {
            return GARBAGE;
        }
        int argsFrom;
        if (startsWith(b, i, to, RESUMED_PREFIX)) {
            int nameFrom = i + RESUMED_PREFIX.length;
            int nameTo = nameEnd(b, nameFrom, to);
            if (nameTo == nameFrom || !startsWith(b, nameTo, to, RESUMED_SUFFIX)) {
                return GARBAGE;
            }
            syscall = Syscall.lookup(b, nameFrom, nameTo);
            shape = RESUMED;
            argsFrom = nameTo + RESUMED_SUFFIX.length;
        } else if (b[i] == '-' || b[i] == '+' || b[i] == '|') {
            // "--- SIGSEGV {...} ---", "+++ exited with 0 +++", " | 00000  68 65 ... he |" (-e write=FD's dump)
            return startsWith(b, i, to, SIGNAL) && endsWith(b, i, to, SIGNAL_END)
                    || startsWith(b, i, to, EXIT) && endsWith(b, i, to, EXIT_END)
                    || startsWith(b, i, to, DUMP) && b[to - 1] == '|' ? IGNORED : GARBAGE;
        } else {
            int nameTo = nameEnd(b, i, to);
            if (nameTo == i || nameTo >= to || b[nameTo] != '(') {
                return GARBAGE;
            }
            syscall = Syscall.lookup(b, i, nameTo);
            shape = COMPLETE;
            argsFrom = nameTo + 1;
        }
        int close = scanArgs(b, argsFrom, to);
        if (close < 0) {
            truncated = true; // the arguments ran past the end
            return GARBAGE;
        }
        // a call we did not ask for (syscall == null) is checked all the same: garbage is never passed as a line
        int kind = syscall == null ? IGNORED : CALL;
        if (shape == UNFINISHED || diedInCall) {
            return kind; // no result: an entry half, or a call that never returned
        }
        return parseResult(b, close + 1, to) ? kind : GARBAGE;
    }

    private static boolean endsWith(byte[] b, int from, int to, byte[] suffix) {
        return to - from >= suffix.length
                && java.util.Arrays.equals(b, to - suffix.length, to, suffix, 0, suffix.length);
    }

    /**
     * Indexes the top-level arguments from {@code p}. Returns the index of the closing parenthesis, the index of
     * {@code <unfinished ...>} (and sets the shape), or -1 if the line ends first (truncated).
     */
    private int scanArgs(byte[] b, int p, int to) {
        int start = p;
        boolean indexing = shape != RESUMED;
        int depth = 0;
        int argStart = skipSpaces(b, p, to);
        while (p < to) {
            byte c = b[p];
            switch (c) {
                case '"' -> {
                    p = skipQuoted(b, p + 1, to, (byte) '"');
                    if (p < 0) {
                        return -1;
                    }
                    continue;
                }
                case '<' -> {
                    if (p > start && b[p - 1] != ' ') {
                        // "7</tmp/x>" or "AT_FDCWD</tmp>": a -y path, which may hold any character
                        p = skipQuoted(b, p + 1, to, (byte) '>');
                        if (p < 0) {
                            return -1;
                        }
                        continue;
                    }
                    if (depth == 0 && startsWith(b, p, to, UNFINISHED_TEXT)) {
                        if (!indexing) {
                            // "<... read resumed> <unfinished ...>) = ?": the thread died inside the call
                            diedInCall = true;
                            return p;
                        }
                        if (indexing) {
                            addArg(argStart, trimEnd(b, argStart, p));
                        }
                        shape = UNFINISHED;
                        return p;
                    }
                }
                case '(', '[', '{' -> depth++;
                case ']', '}' -> depth = Math.max(0, depth - 1);
                case ')' -> {
                    if (depth == 0) {
                        if (indexing && p > argStart) {
                            addArg(argStart, trimEnd(b, argStart, p));
                        }
                        return p;
                    }
                    depth--;
                }
                case ',' -> {
                    if (depth == 0) {
                        if (indexing) {
                            addArg(argStart, p);
                        }
                        argStart = skipSpaces(b, p + 1, to);
                    }
                }
                default -> { }
            }
            p++;
        }
        return -1;
    }

    private void addArg(int from, int to) {
        if (args < MAX_ARGS) {
            argFrom[args] = from;
            argTo[args] = Math.max(from, to);
        }
        args++;
    }

    /** Parses {@code = RESULT [ERRNO (text)] [<DUR>]} after the closing parenthesis. */
    private boolean parseResult(byte[] b, int p, int to) {
        p = skipSpaces(b, p, to);
        if (p >= to || b[p] != '=') {
            return false;
        }
        p = skipSpaces(b, p + 1, to);
        if (p >= to) {
            return false;
        }
        if (b[p] == '?') {
            hasResult = false; // the call never returned (thread exit, restart): no operation
        } else {
            boolean negative = b[p] == '-';
            int q = negative ? p + 1 : p;
            if (q + 1 < to && b[q] == '0' && b[q + 1] == 'x') {
                int e = q + 2;
                long v = 0;
                while (e < to && Character.digit(b[e], 16) >= 0 && e - q < 18) {
                    v = (v << 4) | Character.digit(b[e], 16);
                    e++;
                }
                result = negative ? -v : v;
            } else {
                int e = digitsEnd(b, q, to);
                if (e == q) {
                    return false;
                }
                long v = parseDigits(b, q, e);
                result = negative ? -v : v;
            }
            hasResult = true;
            failed = negative;
        }
        if (b[to - 1] == '>') {
            int lt = to - 2;
            while (lt > p && b[lt] != '<') {
                lt--;
            }
            if (b[lt] == '<') {
                durationNanos = parseSeconds(b, lt + 1, to - 1);
            }
        }
        return true;
    }

    /** Parses {@code SECONDS[.FRACTION]} into nanoseconds, or -1. */
    private static long parseSeconds(byte[] b, int p, int to) {
        int e = digitsEnd(b, p, to);
        if (e == p) {
            return -1;
        }
        long nanos = parseDigits(b, p, e) * 1_000_000_000L;
        if (e < to && b[e] == '.') {
            nanos += fraction(b, e + 1, digitsEnd(b, e + 1, to));
        }
        return nanos;
    }

    /** Parses {@code HH:MM:SS[.ffffff]} or {@code EPOCH[.ffffff]}; returns the index after it, or -1. */
    private int parseTime(byte[] b, int p, int to) {
        long seconds = 0;
        int e = digitsEnd(b, p, to);
        while (true) {
            if (e == p || e - p > 12) {
                return -1;
            }
            seconds = seconds * 60 + parseDigits(b, p, e); // HH:MM:SS, or one group of epoch seconds
            if (e < to && b[e] == ':') {
                p = e + 1;
                e = digitsEnd(b, p, to);
                continue;
            }
            break;
        }
        long nanos = seconds * 1_000_000_000L;
        if (e < to && b[e] == '.') {
            int f = digitsEnd(b, e + 1, to);
            nanos += fraction(b, e + 1, f);
            e = f;
        }
        timeNanos = nanos;
        return e;
    }

    /** The digits after a decimal point, as nanoseconds (at most 9 digits are significant). */
    private static long fraction(byte[] b, int p, int to) {
        long v = 0;
        int n = 0;
        for (int i = p; i < to && n < 9; i++, n++) {
            v = v * 10 + (b[i] - '0');
        }
        for (; n < 9; n++) {
            v *= 10;
        }
        return v;
    }

    /** Returns the index after the closing {@code end} byte, honouring backslash escapes, or -1. */
    private static int skipQuoted(byte[] b, int p, int to, byte end) {
        while (p < to) {
            byte c = b[p];
            if (c == '\\') {
                p += 2;
            } else if (c == end) {
                return p + 1;
            } else {
                p++;
            }
        }
        return -1;
    }

    private static int trimEnd(byte[] b, int from, int to) {
        while (to > from && b[to - 1] == ' ') {
            to--;
        }
        return to;
    }

    private static int skipSpaces(byte[] b, int p, int to) {
        while (p < to && b[p] == ' ') {
            p++;
        }
        return p;
    }

    private static int digitsEnd(byte[] b, int p, int to) {
        while (p < to && b[p] >= '0' && b[p] <= '9') {
            p++;
        }
        return p;
    }

    private static int nameEnd(byte[] b, int p, int to) {
        while (p < to && (b[p] >= 'a' && b[p] <= 'z' || b[p] >= '0' && b[p] <= '9' || b[p] == '_'
                || b[p] >= 'A' && b[p] <= 'Z')) {
            p++;
        }
        return p;
    }

    /** Parses decimal digits, saturating instead of overflowing on absurd input. */
    private static long parseDigits(byte[] b, int p, int to) {
        long v = 0;
        for (int i = p; i < to; i++) {
            if (v > (Long.MAX_VALUE - 9) / 10) {
                return Long.MAX_VALUE;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    private static boolean startsWith(byte[] b, int p, int to, byte[] prefix) {
        return to - p >= prefix.length && java.util.Arrays.equals(b, p, p + prefix.length, prefix, 0, prefix.length);
    }

    /**
     * The {@code -y} path of descriptor argument {@code arg} ({@code 7</tmp/x>} gives {@code /tmp/x}), as a
     * range {@code [from, to)} packed into a long ({@code from << 32 | to}), or -1 when the argument has none.
     */
    long pathRange(byte[] b, int arg) {
        if (arg < 0 || arg >= Math.min(args, MAX_ARGS)) {
            return -1;
        }
        int from = argFrom[arg];
        int to = argTo[arg];
        int p = digitsEnd(b, from, to);
        if (p == from || p >= to || b[p] != '<' || b[to - 1] != '>') {
            return -1;
        }
        return ((long) (p + 1) << 32) | (to - 1);
    }

    /** The contents of quoted string argument {@code arg} as a packed range, or -1 if it is not a string. */
    long stringRange(byte[] b, int arg) {
        if (arg < 0 || arg >= Math.min(args, MAX_ARGS)) {
            return -1;
        }
        int from = argFrom[arg];
        int to = argTo[arg];
        if (to - from < 2 || b[from] != '"' || b[to - 1] != '"') {
            return -1;
        }
        return ((long) (from + 1) << 32) | (to - 1);
    }
}
