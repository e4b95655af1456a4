package dev.iops.linux;

import dev.iops.testkit.ProfilerContract;

/** procfs+jfr against the compatibility kit's exact truths: the counts are procfs's, the detail jfr's. */
class CountedDetailContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return CountedDetailProfiler.NAME;
    }
}
