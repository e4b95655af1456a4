package dev.iops.junit.examples;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The known truth of every example: {@code n} calls of write(4096 bytes) on a real file, n write system calls. */
public final class Blocks {
    public static final int SIZE = 4096;
    private static final byte[] BLOCK = new byte[SIZE];

    static {
        write(1); // loads every class the workload needs, so a measured call makes no class-loading reads
    }

    private Blocks() {
    }

    /** Writes {@code n} blocks of 4096 bytes, one write system call each, to a temp file it deletes. */
    public static void write(int n) {
        try {
            Path file = Files.createTempFile("iops-junit-", ".bin");
            try (FileOutputStream out = new FileOutputStream(file.toFile())) {
                for (int i = 0; i < n; i++) {
                    out.write(BLOCK);
                }
            } finally {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
