package dev.iops.junit.examples;

import dev.iops.junit.IopsBudget;
import org.junit.jupiter.api.Test;

public class ProfilerDies {
    @Test
    @IopsBudget(maxWriteOps = 100, profiler = "dies-test")
    void profilerDiesDuringTheTest() {
        Blocks.write(1);
    }
}
