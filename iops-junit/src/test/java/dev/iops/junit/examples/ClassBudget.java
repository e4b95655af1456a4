package dev.iops.junit.examples;

import dev.iops.junit.IopsBudget;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

@IopsBudget(maxWriteOps = 2, profiler = "procfs")
public class ClassBudget {
    static {
        Blocks.write(1);
    }

    @Test
    void classBudgetApplies() {
        Blocks.write(3);
    }

    @Test
    @IopsBudget(maxWriteOps = 10, profiler = "procfs")
    void methodBudgetWins() {
        Blocks.write(3);
    }

    @Test
    void withinClassBudget() {
        Blocks.write(2);
    }

    @Nested
    class Inner {
        @Test
        void enclosingBudgetApplies() {
            Blocks.write(3);
        }
    }

    @Nested
    @IopsBudget(maxWriteOps = 3, profiler = "procfs")
    class InnerWithOwn {
        @Test
        void ownBudgetWins() {
            Blocks.write(3);
        }
    }
}
