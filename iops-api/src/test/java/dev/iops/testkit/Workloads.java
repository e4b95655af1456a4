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

    /** {@value #BLOCKS} {@code write(2)} calls of {@value #BLOCK} bytes through FileOutputStream. */
    public static void writeStream(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            for (int i = 0; i < BLOCKS; i++) {
                out.write(block);
            }
        }
    }

    /** {@value #BLOCKS} reads of {@value #BLOCK} bytes plus one end-of-file read through FileInputStream. */
    public static void readStream(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (InputStream in = new FileInputStream(file.toFile())) {
            while (in.read(block) > 0) {
                // drain to end of file
            }
        }
    }

    /** {@value #BLOCKS} {@code write(2)} calls through a FileChannel with a heap buffer. */
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

    /** {@value #BLOCKS} reads plus one end-of-file read through a FileChannel. */
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

    /** {@value #BLOCKS} writes through RandomAccessFile. */
    public static void writeRandomAccess(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(0);
            for (int i = 0; i < BLOCKS; i++) {
                raf.write(block);
            }
        }
    }

    /** {@value #BLOCKS} reads plus one end-of-file read through RandomAccessFile. */
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
        /** @param file where to do the I/O */
        void run(Path file) throws IOException;
    }

    /**
     * {@code blocks} {@code write(2)} calls of {@code blockSize} bytes through a FileChannel, then one {@code fsync}:
     * every byte reaches the device inside the call (for storage-level and device-level figures).
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
