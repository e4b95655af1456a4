package dev.iops.junit.examples;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/** The known truth of every example: {@code n} calls of write(4096 bytes) on a real file, n write system calls. */
public final class Blocks {
    public static final int SIZE = 4096;
    private static final byte[] BLOCK = new byte[SIZE];
    /*
     * Not Files.createTempFile in the measured call: its random names come from SecureRandom, which now and then
     * refills its buffer with a 256-byte read of /dev/urandom (seen with strace), a read the workload would not own
     * up to. Counted names in the build directory instead; every file is deleted after its writes.
     */
    private static final Path DIR = Path.of("target", "iops-junit-blocks");
    private static final AtomicLong NEXT = new AtomicLong();

    static {
        try {
            Files.createDirectories(DIR);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        write(1); // loads every class the workload needs, so a measured call makes no class-loading reads
    }

    private Blocks() {
    }

    /** Writes {@code n} blocks of 4096 bytes, one write system call each, to a new file it deletes. */
    public static void write(int n) {
        try {
            Path file = Files.createFile(DIR.resolve("blocks-" + NEXT.incrementAndGet() + ".bin"));
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
