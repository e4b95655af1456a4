package dev.iops.tracer;

import java.io.IOException;

/**
 * Reads complete lines from a trace file that a tracer is still appending to, with positional reads into one
 * bounded buffer.
 *
 * <p>Reading the file from a traced thread makes the tracer append a line per read, so "read to the end" would
 * chase its own tail forever. Each {@link #readAvailable} call therefore reads only up to the size the file had
 * when the call began, and stops as soon as the caller is satisfied (its end marker was seen).
 *
 * <p>Memory is bounded: a line longer than {@value #MAX_LINE} bytes is skipped (and counted). Not thread-safe;
 * several readers may share one {@link TraceFile}, since its reads are positional.
 */
public final class TraceFileReader {
    /** The first buffer's size, in bytes. */
    public static final int CHUNK = 256 * 1024;
    /** The longest line kept, in bytes. */
    public static final int MAX_LINE = 4 * 1024 * 1024;

    /** Receives one line, {@code b[from, to)}, without its newline, and says when it has seen enough. */
    @FunctionalInterface
    public interface LineSink {
        /**
         * @param b    a buffer the line is in; valid only during the call
         * @param from the line's first byte
         * @param to   the index after its last byte (the newline is not included)
         */
        void line(byte[] b, int from, int to);

        /** @return true to stop reading (the end marker was seen) */
        default boolean done() {
            return false;
        }
    }

    private final TraceFile file;
    private byte[] buf = new byte[CHUNK];
    private int filled;
    private long position;
    private int scanned;
    private boolean skipping;
    private long skippedLines;

    /**
     * @param file     the trace file
     * @param position the offset to start reading at, in bytes
     */
    public TraceFileReader(TraceFile file, long position) {
        this.file = file;
        this.position = position;
    }

    /**
     * Feeds every complete line between the current position and the file's present size, until the sink says
     * it is done.
     *
     * @param sink receives the lines, on the calling thread
     * @return true if anything was read
     * @throws IOException if the file cannot be read
     */
    public boolean readAvailable(LineSink sink) throws IOException {
        long size = file.size(); // a snapshot: never chase the growth our own reads cause
        boolean any = false;
        while (position < size && !sink.done()) {
            if (filled == buf.length) {
                makeRoom();
            }
            int limit = (int) Math.min(buf.length - filled, size - position);
            int n = file.read(position, buf, filled, limit);
            if (n <= 0) {
                break;
            }
            any = true;
            position += n;
            filled += n;
            feed(sink);
        }
        return any;
    }

    private void feed(LineSink sink) {
        int start = 0;
        for (int i = scanned; i < filled; i++) {
            if (buf[i] == '\n') {
                if (skipping) {
                    skipping = false;
                } else {
                    sink.line(buf, start, i);
                }
                start = i + 1;
                if (sink.done()) {
                    break;
                }
            }
        }
        // keep the incomplete tail for the next read
        int tail = filled - start;
        System.arraycopy(buf, start, buf, 0, tail);
        filled = tail;
        scanned = tail;
    }

    /** The buffer is full of one unfinished line: grow it, or give the line up if it is absurdly long. */
    private void makeRoom() {
        if (buf.length < MAX_LINE) {
            buf = java.util.Arrays.copyOf(buf, Math.min(MAX_LINE, buf.length * 2));
        } else {
            filled = 0;
            scanned = 0;
            skipping = true;
            skippedLines++;
        }
    }

    /** @return lines dropped because they were longer than {@value #MAX_LINE} bytes */
    public long skippedLines() {
        return skippedLines;
    }

    /** @return the file offset up to which bytes were read */
    public long position() {
        return position;
    }
}
