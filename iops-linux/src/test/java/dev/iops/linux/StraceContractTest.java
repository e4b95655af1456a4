package dev.iops.linux;

import dev.iops.testkit.ProfilerContract;

/** strace against the compatibility kit's exact truths. */
@org.junit.jupiter.api.Timeout(180)
class StraceContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return StraceProfiler.NAME;
    }
}
