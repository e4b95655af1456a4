package dev.iops.jupyter;

import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;

import java.util.EnumSet;
import java.util.Set;

/**
 * Test double (priority below 0: never chosen unless named {@value #NAME}): a profiler whose source dies during
 * every block, as a tracer killed mid-cell would.
 */
public final class DyingProfiler implements Profiler {
    static final String NAME = "dying";
    static final String WHY = "the test tracer died (killed by the test)";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return -100;
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.THREAD_SCOPE, Capability.OPERATION_SIZES); // a tracer
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
                throw new RecordingFailedException(WHY);
            }

            @Override
            public void close() {
            }
        };
    }
}
