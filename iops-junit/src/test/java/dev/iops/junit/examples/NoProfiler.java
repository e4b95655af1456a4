package dev.iops.junit.examples;

import dev.iops.junit.IopsBudget;
import dev.iops.junit.NoProfilerPolicy;
import org.junit.jupiter.api.Test;

public class NoProfiler {
    @Test
    @IopsBudget(maxWriteOps = 1, profiler = "no-such-profiler")
    void byDefault() {
    }

    @Test
    @IopsBudget(maxWriteOps = 1, profiler = "no-such-profiler", whenNoProfiler = NoProfilerPolicy.FAIL)
    void failsWhenAsked() {
    }

    @Test
    @IopsBudget(maxWriteOps = 1, profiler = "no-such-profiler", whenNoProfiler = NoProfilerPolicy.SKIP)
    void skipsWhenAsked() {
    }
}
