package dev.iops.junit.fake;

import dev.iops.spi.Capability;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;

import java.util.Set;

/**
 * Test double (registered through test META-INF/services): a profiler whose source dies during every block, as a
 * tracer killed mid-test would.
 */
public final class FailingProfiler extends TestDouble {
    public FailingProfiler() {
        // per-operation: iops-api builds the partial report of a failed counter profiler wrongly today (it says
        // "returned neither counters nor operations"); that is the lead's failure-model rework, not this module
        super("dies-test", -30, Set.of(Capability.OPERATION_SIZES, Capability.THREAD_SCOPE));
    }

    @Override
    RecordingResult stop() {
        throw new RecordingFailedException("the test tracer exited with status 9 during the block");
    }
}
