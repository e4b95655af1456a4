package dev.iops.linux;

import dev.iops.Units;
import dev.iops.tracer.TraceFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the lines of a trace file recorded elsewhere, for {@link dev.iops.Iops#analyze}: up to the file's size
 * when the reading began (a file still being written is not followed), through one buffer of {@link #BUFFER}
 * bytes whatever the lines' lengths. A line longer than the buffer is given in pieces, for the format to read in
 * bounded memory (strace's lines of megabytes of data) or to skip. A last line without its newline is given too,
 * unless the file grew past it while it was read (then it is cut by the size taken, not by the writer).
 *
 * <p>Also keeps the tally of lines a format could not read, and writes the notes that account for every byte not
 * read. Reads are {@link TraceFile}'s: uninterruptible, booked as the library's own I/O. Not thread-safe.
 */
final class SnapshotLines {
    /** The buffer, in bytes: the longest line given whole. */
    static final int BUFFER = 1 << 20;

    /** Receives the lines, on the reading thread. */
    interface Sink {
        /**
         * A line that fits in the buffer, {@code b[from, to)}, without its newline.
         *
         * @param b    the buffer; valid only during the call
         * @param from the line's first byte
         * @param to   the index after its last byte
         */
        void line(byte[] b, int from, int to);

        /** A line longer than the buffer begins; its bytes follow in {@link #piece} calls. */
        void longLineStart();

        /**
         * The next bytes of a long line.
         *
         * @param b    the buffer; valid only during the call
         * @param from the first byte
         * @param to   the index after the last
         */
        void piece(byte[] b, int from, int to);

        /**
         * The long line ended.
         *
         * @param read false when it is not to be read: the file grew while read and the line was cut by the size
         *             taken at the start
         */
        void longLineEnd(boolean read);
    }

    private byte[] buf;
    private long size;
    private long sizeAtEnd;
    private long position;
    private long lines;
    private long lineNumber;
    private long lineOffset;
    private long lineBytes;
    private boolean lastUnterminated;
    private long lastBytes;
    private long cutBytes;
    private long skippedLines;
    private long skippedBytes;
    private long firstSkippedLine;
    private long firstSkippedOffset;
    private boolean lastSkipped;

    /**
     * Reads {@code path} from its start to its size now, giving every line to {@code sink}.
     *
     * @param path the file
     * @param sink receives the lines
     * @throws IOException if the file cannot be read
     */
    void read(Path path, Sink sink) throws IOException {
        try (TraceFile file = TraceFile.open(path)) {
            size = file.size(); // the snapshot: what is appended from now on is not read
            buf = new byte[(int) Math.min(BUFFER, size + 1)]; // a small file fits whole: none of its lines is long
            int filled = 0;
            int scanned = 0;
            boolean inLong = false;
            long bufferOffset = 0; // the file offset of buf[0]
            lineNumber = 1;
            while (position < size) {
                int n = file.read(position, buf, filled, (int) Math.min(buf.length - filled, size - position));
                if (n <= 0) {
                    break; // the file was cut while it was read: sizeAtEnd says so
                }
                position += n;
                filled += n;
                int start = 0;
                for (int i = scanned; i < filled; i++) {
                    if (buf[i] != '\n') {
                        continue;
                    }
                    if (inLong) {
                        lineBytes += i - start;
                        sink.piece(buf, start, i);
                        sink.longLineEnd(true);
                        inLong = false;
                    } else {
                        lineBytes = i - start;
                        lineOffset = bufferOffset + start;
                        sink.line(buf, start, i);
                    }
                    lines++;
                    lineNumber++;
                    start = i + 1;
                }
                if (start == 0 && filled == buf.length) {
                    if (!inLong) {
                        inLong = true;
                        lineOffset = bufferOffset;
                        lineBytes = 0;
                        sink.longLineStart();
                    }
                    lineBytes += filled;
                    sink.piece(buf, 0, filled);
                    bufferOffset += filled;
                    filled = 0;
                    scanned = 0;
                    continue;
                }
                System.arraycopy(buf, start, buf, 0, filled - start);
                bufferOffset += start;
                filled -= start;
                scanned = filled;
            }
            sizeAtEnd = file.size();
            boolean grew = sizeAtEnd > position;
            if (filled > 0 || inLong) {
                if (!inLong) {
                    lineOffset = bufferOffset;
                    lineBytes = 0;
                }
                lineBytes += filled;
                if (grew) {
                    cutBytes = lineBytes; // cut by the snapshot, not by the writer: the writer finishes it later
                    if (inLong) {
                        sink.longLineEnd(false);
                    }
                } else {
                    lastUnterminated = true;
                    lastBytes = lineBytes;
                    lines++;
                    if (inLong) {
                        sink.piece(buf, 0, filled);
                        sink.longLineEnd(true);
                    } else {
                        sink.line(buf, 0, filled);
                    }
                }
            }
        }
    }

    /** The line being given could not be read: counts it among the skipped, with its number and offset. */
    void skipped() {
        if (skippedLines == 0) {
            firstSkippedLine = lineNumber;
            firstSkippedOffset = lineOffset;
        }
        skippedLines++;
        skippedBytes += lineBytes + (lastUnterminated ? 0 : 1); // with its newline
        lastSkipped = lastUnterminated;
    }

    /** @return the number of the line being given, from 1 */
    long lineNumber() {
        return lineNumber;
    }

    /**
     * Adds the notes that account for what was not read.
     *
     * @param format the format's name, which starts every note
     * @param what   what a skipped line was not, e.g. {@code "could not be read as strace's"}
     * @param notes  receives the notes
     */
    void notes(String format, String what, List<String> notes) {
        if (skippedLines > 0) {
            notes.add(format + ": " + Units.count(skippedLines) + " of " + Units.count(lines) + " lines ("
                    + Units.count(skippedBytes) + " B) " + what + " and were skipped (the first is line "
                    + Units.count(firstSkippedLine) + ", at byte " + Units.count(firstSkippedOffset)
                    + (lastSkipped ? "; the last has no newline: the file may have been cut there" : "") + ")");
        }
        if (lastUnterminated && !lastSkipped) {
            notes.add(format + ": the last line (" + Units.count(lastBytes) + " B) has no newline: it was read as "
                    + "it is; if the file was cut there, its call may be cut too");
        }
        if (sizeAtEnd > size) {
            long read = position - cutBytes;
            notes.add(format + ": read " + (read == size ? "up to " + Units.count(size) + " B, the file's size"
                    : "the first " + Units.count(read) + " B, the whole lines of the " + Units.count(size) + " B the "
                    + "file had") + " when the reading began; it grew while it was read, to "
                    + Units.count(sizeAtEnd) + " B: the rest was not read");
        } else if (position < size) {
            notes.add(format + ": the file was cut while it was read: it ended at " + Units.count(position)
                    + " B, not at the " + Units.count(size) + " B it had when the reading began");
        }
    }
}
