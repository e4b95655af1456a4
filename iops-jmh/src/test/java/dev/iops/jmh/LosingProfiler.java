package dev.iops.jmh;

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
 * A profiler that starts and then loses its window at stop, as tracepoints does when another process floods the
 * kernel's ring buffers. Priority 1: automatic selection never picks it while a real one is usable.
 */
public final class LosingProfiler implements Profiler {
    static final String NAME = "losing";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 1;
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
            public RecordingResult stop(OpSink sink) {
                throw new RecordingFailedException("losing: the kernel dropped 5 of 10 system-call records");
            }

            @Override
            public void close() {
            }
        };
    }
}
