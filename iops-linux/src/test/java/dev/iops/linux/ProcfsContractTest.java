package dev.iops.linux;

import dev.iops.testkit.ProfilerContract;

/** procfs against the compatibility kit's exact truths. */
class ProcfsContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return ProcfsProfiler.NAME;
    }
}
