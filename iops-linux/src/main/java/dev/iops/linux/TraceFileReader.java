package dev.iops.linux;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads complete lines from a trace file that strace is still appending to, with positional reads into one
 * bounded buffer.
 *
 * <p>Reading the file from a traced thread makes strace append a line per read, so "read to the end" would chase
 * its own tail forever. Each {@link #readAvailable} call therefore reads only up to the size the file had when the
 * call began, and stops as soon as the caller is satisfied (its end marker was seen).
 *
 * <p>Memory is bounded: a line longer than {@value #MAX_LINE} bytes is skipped. Not thread-safe; several
 * readers may share one channel, since positional reads do not move its position.
 */
final class TraceFileReader {
    static final int CHUNK = 256 * 1024;
    static final int MAX_LINE = 4 * 1024 * 1024;

    /** Receives one line, {@code b[from, to)}, without its newline, and says when it has seen enough. */
    @FunctionalInterface
    interface LineSink {
        void line(byte[] b, int from, int to);

        /** @return true to stop reading (the end marker was seen) */
        default boolean done() {
            return false;
        }
    }

    private final FileChannel channel;
    private ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    private long position;
    private int scanned;
    private boolean skipping;
    private long skippedLines;

    /**
     * @param channel  the trace file, open for reading
     * @param position where to start reading
     */
    TraceFileReader(FileChannel channel, long position) {
        this.channel = channel;
        this.position = position;
    }

    /**
     * Feeds every complete line between the current position and the file's present size, until the sink says
     * it is done.
     *
     * @return true if anything was read
     * @throws IOException if the file cannot be read
     */
    boolean readAvailable(LineSink sink) throws IOException {
        long size = channel.size(); // a snapshot: never chase the growth our own reads cause
        boolean any = false;
        while (position < size && !sink.done()) {
            if (!buf.hasRemaining()) {
                makeRoom();
            }
            int limit = (int) Math.min(buf.remaining(), size - position);
            ByteBuffer view = buf.duplicate();
            view.limit(view.position() + limit);
            int n = channel.read(view, position);
            if (n <= 0) {
                break;
            }
            any = true;
            position += n;
            buf.position(buf.position() + n);
            feed(sink);
        }
        return any;
    }

    private void feed(LineSink sink) {
        byte[] a = buf.array();
        int end = buf.position();
        int start = 0;
        for (int i = scanned; i < end; i++) {
            if (a[i] == '\n') {
                if (skipping) {
                    skipping = false;
                } else {
                    sink.line(a, start, i);
                }
                start = i + 1;
                if (sink.done()) {
                    break;
                }
            }
        }
        // keep the incomplete tail for the next read
        int tail = end - start;
        System.arraycopy(a, start, a, 0, tail);
        buf.position(tail);
        scanned = tail;
    }

    /** The buffer is full of one unfinished line: grow it, or give the line up if it is absurdly long. */
    private void makeRoom() {
        if (buf.capacity() < MAX_LINE) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.min(MAX_LINE, buf.capacity() * 2));
            buf.flip();
            bigger.put(buf);
            buf = bigger;
        } else {
            buf.clear();
            scanned = 0;
            skipping = true;
            skippedLines++;
        }
    }

    /** @return lines dropped because they were longer than {@value #MAX_LINE} bytes */
    long skippedLines() {
        return skippedLines;
    }

    /** @return the file offset up to which bytes were read */
    long position() {
        return position;
    }
}
