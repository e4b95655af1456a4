package dev.iops.junit.examples;

import dev.iops.junit.IopsBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;

/** Five one-byte writes through FileOutputStream to a file in a {@code @TempDir}: five write system calls. */
public class OneByteWrites {
    /** Created before the measured invocation and deleted after it: outside the window. */
    @TempDir
    Path dir;

    @Test
    @IopsBudget(maxWriteOps = 3, profiler = "procfs")
    void fiveOverThree() throws IOException {
        write(5);
    }

    @Test
    @IopsBudget(maxWriteOps = 10, profiler = "procfs")
    void fiveWithinTen() throws IOException {
        write(5);
    }

    private void write(int n) throws IOException {
        try (FileOutputStream out = new FileOutputStream(dir.resolve("out.bin").toFile())) {
            for (int i = 0; i < n; i++) {
                out.write('x');
            }
        }
    }
}
