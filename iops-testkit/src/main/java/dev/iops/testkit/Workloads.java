package dev.iops.testkit;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Real I/O with known truths: each method does exactly the system calls its comment says, so a profiler's
 * report can be compared with them. Sizes are {@value #BLOCK} bytes, counts {@value #BLOCKS}.
 */
public final class Workloads {
    /** Bytes per operation. */
    public static final int BLOCK = 4096;
    /** Operations per workload. */
    public static final int BLOCKS = 1000;
    /** Bytes per workload: 4,096,000. */
    public static final long TOTAL = (long) BLOCK * BLOCKS;

    private Workloads() {
    }

    /**
     * {@value #BLOCKS} {@code write(2)} calls of {@value #BLOCK} bytes through FileOutputStream.
     *
     * @param file the file to work on
     * @throws IOException if the file cannot be opened, written or read
     */
    public static void writeStream(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            for (int i = 0; i < BLOCKS; i++) {
                out.write(block);
            }
        }
    }

    /**
     * {@value #BLOCKS} reads of {@value #BLOCK} bytes plus one end-of-file read through FileInputStream.
     *
     * @param file the file to work on
     * @throws IOException if the file cannot be opened, written or read
     */
    public static void readStream(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (InputStream in = new FileInputStream(file.toFile())) {
            while (in.read(block) > 0) {
                // drain to end of file
            }
        }
    }

    /**
     * {@value #BLOCKS} {@code write(2)} calls through a FileChannel with a heap buffer.
     *
     * @param file the file to work on
     * @throws IOException if the file cannot be opened, written or read
     */
    public static void writeChannel(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < BLOCKS; i++) {
                buf.clear();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
        }
    }

    /**
     * {@value #BLOCKS} reads plus one end-of-file read through a FileChannel.
     *
     * @param file the file to work on
     * @throws IOException if the file cannot be opened, written or read
     */
    public static void readChannel(Path file) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BLOCK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                buf.clear();
                if (ch.read(buf) < 0) {
                    break;
                }
            }
        }
    }

    /**
     * {@value #BLOCKS} writes through RandomAccessFile.
     *
     * @param file the file to work on
     * @throws IOException if the file cannot be opened, written or read
     */
    public static void writeRandomAccess(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
            for (int i = 0; i < BLOCKS; i++) {
                raf.write(block);
            }
        }
    }

    /**
     * {@value #BLOCKS} reads plus one end-of-file read through RandomAccessFile.
     *
     * @param file the file to work on
     * @throws IOException if the file cannot be opened, written or read
     */
    public static void readRandomAccess(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            while (raf.read(block) > 0) {
                // drain to end of file
            }
        }
    }

    /** A block of I/O that a test can run, for method references. */
    @FunctionalInterface
    public interface IoWork {
        /**
         * Does the block's I/O.
         *
         * @param file where to do the I/O
         * @throws IOException if the I/O fails
         */
        void run(Path file) throws IOException;
    }

    private static final java.util.regex.Pattern EDGE = java.util.regex.Pattern.compile("^the JVM's own service "
            + "threads .* made (\\d+) read and (\\d+) write calls right at an end of the block");
    private static final java.util.regex.Pattern UNPLACED = java.util.regex.Pattern.compile("^the library's own work "
            + "on another thread .* made (\\d+) read and (\\d+) write calls \\((\\d+) B read, (\\d+) B written\\) at the "
            + "very moment this block began or ended");

    /**
     * A measurement to repeat; see {@link #whileHarnessQuiet}.
     *
     * @param <T> what it returns
     */
    @FunctionalInterface
    public interface Measurement<T> {
        /**
         * @return the result of one measurement
         * @throws Exception if it fails
         */
        T measure() throws Exception;
    }

    /**
     * Runs a process-scope measurement again, at most 5 times in all, while the test harness's own threads
     * (Surefire's, by their names) read any byte during it: Surefire's command reader reads the forked JVM's
     * standard input when the build sends a command, which is real I/O of the process that a process-wide report
     * must count, but no part of a workload's known truth. Where threads cannot be listed (not Linux), it runs once.
     *
     * @param measurement the measurement
     * @param <T>         what it returns
     * @return the result of the last run: the first one during which the harness read nothing, or the fifth
     * @throws Exception what the measurement throws
     */
    public static <T> T whileHarnessQuiet(Measurement<T> measurement) throws Exception {
        for (int attempt = 1; ; attempt++) {
            long before = harnessBytesRead();
            T result = measurement.measure();
            if (before < 0 || harnessBytesRead() == before || attempt == 5) {
                return result;
            }
        }
    }

    /** @return bytes read so far by this JVM's Surefire threads ({@code rchar}), or -1 where not known */
    static long harnessBytesRead() {
        java.io.File[] tasks = new java.io.File("/proc/self/task").listFiles();
        if (tasks == null) {
            return -1;
        }
        long sum = 0;
        for (java.io.File t : tasks) {
            try {
                if (java.nio.file.Files.readString(t.toPath().resolve("comm")).startsWith("surefire")) {
                    String io = java.nio.file.Files.readString(t.toPath().resolve("io"));
                    sum += Long.parseLong(io.replaceAll("(?s).*rchar: (\\d+).*", "$1").trim());
                }
            } catch (java.io.IOException | RuntimeException gone) {
                // the thread ended
            }
        }
        return sum;
    }

    /**
     * Asserts a report's figures against the truth. Exact, with one allowance the report itself states: where
     * procfs noted that the JVM's own service threads (JIT compilers) made calls right at an end of the window,
     * which no snapshot can place, the operation counts may exceed the truth by at most what the note says (their
     * bytes are then unknown, so only the counts are compared); where it noted that the library's own work on
     * another thread did I/O at that very moment, each figure may be off either way by at most what the note says;
     * and where a process-scope report noted a ptrace attach during it, up to four 0-byte reads may be restarted
     * reads of threads blocked in read.
     *
     * @param what         what the report is, for the message
     * @param r            the report
     * @param reads        true read operations
     * @param bytesRead    true bytes read
     * @param writes       true write operations
     * @param bytesWritten true bytes written
     */
    public static void assertExact(String what, dev.iops.IopsReport r, long reads, long bytesRead, long writes,
                                   long bytesWritten) {
        String truth = figures(reads, bytesRead, writes, bytesWritten);
        String actual = figures(r.readOps(), r.bytesRead(), r.writeOps(), r.bytesWritten());
        if (truth.equals(actual)) {
            return;
        }
        long extraReads = 0;
        long extraWrites = 0;
        long[] either = new long[4]; // reads, bytes read, writes, bytes written: off either way by at most this
        boolean bytesUnknown = false;
        for (String note : r.notes()) {
            if (note.contains("a ptrace attach restarts the reads other threads are blocked in")
                    && r.scope() == dev.iops.Scope.PROCESS) {
                extraReads += 4; // a blocked reader of the test JVM (surefire's command reader), restarted
            }
            java.util.regex.Matcher m = EDGE.matcher(note);
            if (m.find()) {
                extraReads += Long.parseLong(m.group(1));
                extraWrites += Long.parseLong(m.group(2));
                bytesUnknown = true;
            }
            java.util.regex.Matcher u = UNPLACED.matcher(note);
            if (u.find()) {
                either[0] += Long.parseLong(u.group(1));
                either[2] += Long.parseLong(u.group(2));
                either[1] += Long.parseLong(u.group(3));
                either[3] += Long.parseLong(u.group(4));
            }
        }
        boolean within = r.readOps() >= reads - either[0] && r.readOps() - reads <= extraReads + either[0]
                && r.writeOps() >= writes - either[2] && r.writeOps() - writes <= extraWrites + either[2]
                && (bytesUnknown || (Math.abs(r.bytesRead() - bytesRead) <= either[1]
                && Math.abs(r.bytesWritten() - bytesWritten) <= either[3]));
        if (within) {
            return;
        }
        throw new AssertionError(what + ": expected " + truth + " but was " + actual + "\n" + r.toText());
    }

    /**
     * One line of figures, as {@link #assertExact} prints them.
     *
     * @param reads        read operations
     * @param bytesRead    bytes read
     * @param writes       write operations
     * @param bytesWritten bytes written
     * @return {@code "<r> reads, <rb> B read, <w> writes, <wb> B written"}
     */
    public static String figures(long reads, long bytesRead, long writes, long bytesWritten) {
        return reads + " reads, " + bytesRead + " B read, " + writes + " writes, " + bytesWritten + " B written";
    }

    /**
     * {@code blocks} {@code write(2)} calls of {@code blockSize} bytes through a FileChannel, then one {@code fsync}:
     * every byte reaches the device inside the call (for storage-level and device-level figures).
     *
     * @param file      the file, created or truncated
     * @param blocks    how many writes
     * @param blockSize bytes per write
     * @throws IOException if the file cannot be written
     */
    public static void writeAndSync(Path file, int blocks, int blockSize) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(blockSize);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            for (int i = 0; i < blocks; i++) {
                buf.clear();
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            ch.force(true);
        }
    }
}
