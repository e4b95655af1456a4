package dev.iops.windows;

import dev.iops.testkit.ProfilerContract;

/** iocounters against the compatibility kit's exact truths; skipped, with the reason, off Windows. */
class IoCountersContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return IoCountersProfiler.NAME;
    }
}
