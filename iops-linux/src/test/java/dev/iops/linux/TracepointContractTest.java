package dev.iops.linux;

import dev.iops.testkit.ProfilerContract;
import org.junit.jupiter.api.Timeout;

/** The in-process tracepoint reader against the compatibility kit's exact truths. */
@Timeout(120)
class TracepointContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return TracepointProfiler.NAME;
    }
}
