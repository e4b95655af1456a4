package dev.iops.junit.examples;

import dev.iops.junit.IopsBudget;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.stream.Stream;

public class Templates {
    static {
        Blocks.write(1);
    }

    @RepeatedTest(3)
    @IopsBudget(maxWriteOps = 2, profiler = "procfs")
    void repeated(RepetitionInfo info) {
        Blocks.write(info.getCurrentRepetition());
    }

    @TestFactory
    @IopsBudget(maxWriteOps = 2, profiler = "procfs")
    Stream<DynamicTest> dynamic() {
        return Stream.of(1, 3).map(n -> DynamicTest.dynamicTest(n + " dynamic blocks", () -> Blocks.write(n)));
    }

    @ParameterizedTest(name = "{0} blocks")
    @ValueSource(ints = {1, 4})
    @IopsBudget(maxWriteOps = 2, profiler = "procfs")
    void parameterized(int blocks) {
        Blocks.write(blocks);
    }
}
