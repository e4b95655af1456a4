package dev.iops.macos;

import dev.iops.testkit.ProfilerContract;

/** The compatibility kit against fs_usage: runs on a Mac where fs_usage can get root; skipped elsewhere with its reason. */
class FsUsageContractTest extends ProfilerContract {
    @Override
    protected String profilerName() {
        return FsUsageProfiler.NAME;
    }
}
