package dev.iops.junit.fake;

import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.IoCounters;
import dev.iops.spi.Profiler;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;

import java.util.Set;

/**
 * Test double (registered through test META-INF/services, negative priority, so only chosen by name): a counter that
 * counts bytes but not operations, as some OS counters do; it reports 100 bytes written for any block.
 */
public final class BytesOnlyProfiler implements Profiler {
    @Override
    public String name() {
        return "bytes-only-test";
    }

    @Override
    public int priority() {
        return -20;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public Availability availability() {
        return Availability.ready();
    }

    @Override
    public Recording start(RecordingRequest request) {
        return new Recording() {
            @Override
            public RecordingResult stop(dev.iops.spi.OpSink sink) {
                return RecordingResult.ofCounters(IoCounters.bytesOnly(0, 100));
            }

            @Override
            public void close() {
            }
        };
    }
}
