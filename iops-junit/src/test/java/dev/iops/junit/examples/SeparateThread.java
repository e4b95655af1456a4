package dev.iops.junit.examples;

import dev.iops.IopsSession;
import dev.iops.junit.IopsBudget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD;

public class SeparateThread {
    static {
        Blocks.write(1);
    }

    /** A thread-scoped session on JUnit's main thread would count 0 here and pass: it must fail with 5. */
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
    @IopsBudget(maxWriteOps = 3, profiler = "procfs")
    void countsTheTimeoutThread() {
        Blocks.write(5);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
    @IopsBudget(maxWriteOps = 3, profiler = "procfs")
    void withinBudgetOnTheTimeoutThread() {
        Blocks.write(3);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS, threadMode = SEPARATE_THREAD)
    @IopsBudget(profiler = "procfs")
    void threadSessionParameterRefused(IopsSession session) {
        Blocks.write(1);
    }
}
