package dev.iops.linux;

import dev.iops.testkit.ProfilerContract;

/** strace against the compatibility kit's exact truths. */
class StraceContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return StraceProfiler.NAME;
    }
}
