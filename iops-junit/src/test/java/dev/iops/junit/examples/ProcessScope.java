package dev.iops.junit.examples;

import dev.iops.Scope;
import dev.iops.junit.IopsBudget;
import org.junit.jupiter.api.Test;

public class ProcessScope {
    static {
        Blocks.write(1);
    }

    @Test
    @IopsBudget(maxWriteOps = 3, scope = Scope.PROCESS, profiler = "procfs")
    void overBudgetInProcessScope() {
        Blocks.write(5);
    }
}
