package dev.iops.junit.examples;

import dev.iops.Scope;
import dev.iops.junit.IopsBudget;
import org.junit.jupiter.api.Test;

public class Unmeasured {
    @Test
    @IopsBudget(maxWriteOps = 3, maxBytesWritten = 1000, scope = Scope.PROCESS, profiler = "bytes-only-test")
    void budgetOnAFigureTheProfilerCannotCount() {
    }

    @Test
    @IopsBudget(maxBytesWritten = 10, scope = Scope.PROCESS, profiler = "bytes-only-test")
    void bytesBudgetStillJudged() {
    }
}
