package dev.iops.junit.examples;

import dev.iops.junit.IopsBudget;
import org.junit.jupiter.api.Test;

import java.io.IOException;

public class MethodBudgets {
    static {
        Blocks.write(1);
    }

    @Test
    @IopsBudget(maxWriteOps = 3, maxBytesWritten = 3 * 4096, profiler = "procfs")
    void withinBudget() {
        Blocks.write(3);
    }

    @Test
    @IopsBudget(maxWriteOps = 3, maxBytesWritten = 8192, profiler = "procfs")
    void overBoth() {
        Blocks.write(5);
    }

    @Test
    @IopsBudget(maxWriteOps = 0, profiler = "procfs")
    void oneWriteOverNone() {
        Blocks.write(1);
    }

    @Test
    @IopsBudget(maxWriteOps = 3, profiler = "procfs")
    void throwsAfterTooManyWrites() throws IOException {
        Blocks.write(5);
        throw new IOException("disk full");
    }

    @Test
    @IopsBudget(maxWriteOps = -5, profiler = "procfs")
    void negativeBudget() {
        Blocks.write(1);
    }
}
