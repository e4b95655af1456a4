package dev.iops.jvm;

import dev.iops.testkit.ProfilerContract;

/** jfr against the compatibility kit's exact truths. */
class JfrContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return JfrProfiler.NAME;
    }
}
