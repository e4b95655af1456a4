package dev.iops.junit.fake;

import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;

import java.util.Set;

/** A usable profiler with a negative priority (so only chosen by name) whose every block ends in {@link #stop}. */
abstract class TestDouble implements Profiler {
    private final String name;
    private final int priority;
    private final Set<Capability> capabilities;

    TestDouble(String name, int priority, Set<Capability> capabilities) {
        this.name = name;
        this.priority = priority;
        this.capabilities = capabilities;
    }

    /** What the block's recording returns, or throws. */
    abstract RecordingResult stop();

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int priority() {
        return priority;
    }

    @Override
    public final Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public final Availability availability() {
        return Availability.ready();
    }

    @Override
    public final Recording start(RecordingRequest request) {
        return new Recording() {
            @Override
            public RecordingResult stop(OpSink sink) {
                return TestDouble.this.stop();
            }

            @Override
            public void close() {
            }
        };
    }
}
