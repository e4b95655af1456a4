package dev.iops.linux;

import dev.iops.testkit.ProfilerContract;
import org.junit.jupiter.api.Timeout;

/** perf against the compatibility kit's exact truths. */
@Timeout(120)
class PerfContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return PerfProfiler.NAME;
    }
}
