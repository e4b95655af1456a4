package dev.iops.linux;

/**
 * Shortens a strace line too long to hold, as its bytes stream by: the first {@link #KEEP} bytes of each quoted
 * string are kept and the rest of it is dropped up to its closing quote, so {@code write(1, "<8 MiB of data>",
 * 8388608) = 8388608} becomes {@code write(1, "<64 bytes>"..., 8388608) = 8388608}, which is what strace itself
 * prints with its default {@code -s}. Such lines come from {@code strace -s BIG} (the data is printed whole). The
 * name, the descriptors and the result, which are all {@link TraceWindow} needs, are kept as they are.
 *
 * <p>The bytes are scanned with {@link StraceLineParser}'s rules: quotes and backslash escapes inside strings,
 * {@code -y} paths in angle brackets after a descriptor (which may hold quotes), so data full of {@code "},
 * {@code )} and {@code = 5} cannot end a string early. A line whose shortened form is still longer than
 * {@link #MAX} bytes (no strace line is: arrays hold at most {@code IOV_MAX} elements) is not strace's.
 *
 * <p>Memory: one buffer of {@link #MAX} bytes. Not thread-safe; reused line after line.
 */
final class StraceLongLine {
    /** Bytes kept of each quoted string. */
    static final int KEEP = 64;
    /** The longest shortened line, in bytes. */
    static final int MAX = 1 << 20;

    private static final int OUTSIDE = 0;
    private static final int STRING = 1;
    private static final int STRING_ESCAPE = 2;
    private static final int PATH = 3;
    private static final int PATH_ESCAPE = 4;

    private final byte[] out = new byte[MAX];
    private int length;
    private boolean overflow;
    private int state;
    private int kept;
    private boolean keptEscape;
    private byte previous;

    /** Begins a new line. */
    void start() {
        length = 0;
        overflow = false;
        state = OUTSIDE;
        previous = ' ';
    }

    /**
     * Takes the next bytes of the line.
     *
     * @param b    the bytes
     * @param from the first
     * @param to   the index after the last
     */
    void piece(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            switch (state) {
                case STRING -> {
                    if (c == '"') {
                        state = OUTSIDE;
                        emit(c);
                    } else if (c == '\\') {
                        state = STRING_ESCAPE;
                        keptEscape = kept < KEEP;
                        if (keptEscape) {
                            emit(c);
                            kept++;
                        }
                    } else if (kept < KEEP) {
                        emit(c);
                        kept++;
                    }
                }
                case STRING_ESCAPE -> {
                    state = STRING;
                    if (keptEscape) {
                        emit(c); // never a backslash alone at the cut: it would escape the closing quote
                        kept++;
                    }
                }
                case PATH -> {
                    if (c == '\\') {
                        state = PATH_ESCAPE;
                    } else if (c == '>') {
                        state = OUTSIDE;
                    }
                    emit(c);
                }
                case PATH_ESCAPE -> {
                    state = PATH;
                    emit(c);
                }
                default -> {
                    if (c == '"') {
                        state = STRING;
                        kept = 0;
                    } else if (c == '<' && previous != ' ' && previous != '(' && previous != '>') {
                        state = PATH; // "7</tmp/x>": a -y path; "<... read resumed>", "<unfinished ...>" are not
                    }
                    emit(c);
                }
            }
            previous = c;
        }
    }

    private void emit(byte c) {
        if (length < MAX) {
            out[length++] = c;
        } else {
            overflow = true;
        }
    }

    /** @return false if the shortened line did not fit in {@link #MAX} bytes (it is then not a strace line) */
    boolean fits() {
        return !overflow;
    }

    /** @return the shortened line's buffer, valid up to {@link #length()} until the next {@link #start()} */
    byte[] bytes() {
        return out;
    }

    /** @return the shortened line's length */
    int length() {
        return length;
    }
}
