package dev.iops.junit.fake;

import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;

import java.util.Set;

/**
 * Test double (registered through test META-INF/services, negative priority, so only chosen by name): a profiler
 * whose source dies during every block, as a tracer killed mid-test would.
 */
public final class FailingProfiler implements Profiler {
    @Override
    public String name() {
        return "dies-test";
    }

    @Override
    public int priority() {
        return -30;
    }

    @Override
    public Set<Capability> capabilities() {
        // per-operation: iops-api builds the partial report of a failed counter profiler wrongly today (it says
        // "returned neither counters nor operations"); that is the lead's failure-model rework, not this module
        return Set.of(Capability.OPERATION_SIZES, Capability.THREAD_SCOPE);
    }

    @Override
    public Availability availability() {
        return Availability.ready();
    }

    @Override
    public Recording start(RecordingRequest request) {
        return new Recording() {
            @Override
            public RecordingResult stop(OpSink sink) {
                throw new RecordingFailedException("the test tracer exited with status 9 during the block");
            }

            @Override
            public void close() {
            }
        };
    }
}
