package dev.iops.tracer;

import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;

/**
 * A trace file a tracer is writing, open for reading by the library: the library's own file, booked as such.
 *
 * <p>From {@link #open} to {@link #close} its path is {@linkplain SelfIo#ownPath own} (per-operation providers
 * drop operations on it), and every {@code read} system call {@link #read} makes is booked with
 * {@link SelfIo#count} on the calling thread, so a counting provider whose window is open subtracts it.
 *
 * <p>Reads are never interruptible: a {@link java.nio.channels.FileChannel} read on a thread whose interrupt flag
 * is set throws {@code ClosedByInterruptException} and closes the channel for every session sharing it, so this
 * reads with {@link RandomAccessFile}, whose reads ignore the flag (and leave it set). {@link #size()} is an
 * {@code fstat}, which no tracer counts as I/O.
 *
 * <p>Thread-safe: {@link #read} is positional (a seek and a read under this object's lock).
 */
public final class TraceFile implements AutoCloseable {
    private final Path path;
    private final RandomAccessFile file;
    private final SelfIo.Registration own;

    private TraceFile(Path path, RandomAccessFile file, SelfIo.Registration own) {
        this.path = path;
        this.file = file;
        this.own = own;
    }

    /**
     * Books {@code path} as the library's own and opens it for reading.
     *
     * @param path an existing file
     * @return the open file
     * @throws IOException if it cannot be opened (the booking is undone)
     */
    public static TraceFile open(Path path) throws IOException {
        Path real = path.toRealPath();
        SelfIo.Registration own = SelfIo.ownPath(real);
        try {
            return new TraceFile(real, new RandomAccessFile(real.toFile(), "r"), own);
        } catch (IOException | RuntimeException e) {
            own.close();
            throw e;
        }
    }

    /** @return the file's real path (as a tracer reports it) */
    public Path path() {
        return path;
    }

    /**
     * @return the file's size in bytes now
     * @throws IOException if it cannot be read
     */
    public long size() throws IOException {
        return file.length();
    }

    /**
     * Reads up to {@code length} bytes at {@code position}: one {@code read} system call, booked as own I/O.
     *
     * @param position the file offset
     * @param b        the destination
     * @param offset   where in {@code b}
     * @param length   at most this many bytes
     * @return the bytes read, or -1 at the end of the file
     * @throws IOException if the read fails
     */
    public int read(long position, byte[] b, int offset, int length) throws IOException {
        synchronized (this) {
            try (SelfIo.OwnCall call = SelfIo.ownCall()) { // booked with the read, never apart at a window's edge
                file.seek(position); // lseek: not I/O for any provider
                int n = file.read(b, offset, length);
                SelfIo.count(1, Math.max(0, n), 0, 0);
                return n;
            }
        }
    }

    /**
     * Reads the start of a small file (a {@code /proc} file, a tracer's stderr) on the calling thread: never
     * interruptible, every {@code read} call booked with {@link SelfIo#count}.
     *
     * @param file     the file
     * @param maxBytes at most this many bytes
     * @return the text (UTF-8), or {@code null} if the file cannot be opened or read
     */
    public static String readHead(Path file, int maxBytes) {
        try (SelfIo.Registration own = SelfIo.ownPath(file); // so that a JVM-level provider drops these reads too
             RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[maxBytes];
            int n = 0;
            while (n < b.length) {
                int r;
                try (SelfIo.OwnCall call = SelfIo.ownCall()) {
                    r = f.read(b, n, b.length - n);
                    SelfIo.count(1, Math.max(0, r), 0, 0);
                }
                if (r <= 0) {
                    break;
                }
                n += r;
            }
            return new String(b, 0, n, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }

    /** Closes the file and ends its booking as own. Idempotent, never throws. */
    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        } finally {
            own.close();
        }
    }
}
