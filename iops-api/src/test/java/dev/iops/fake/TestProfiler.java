package dev.iops.fake;

import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.IoCounters;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scriptable profiler for tests of selection and sessions. Configure it, then hand it to the selector or register
 * a subclass through META-INF/services. Counts the recordings it opened and closed so tests can prove none leaks.
 */
public class TestProfiler implements Profiler {
    private final String name;
    private final int priority;
    private final Set<Capability> capabilities;
    public volatile Availability availability = Availability.ready();
    public volatile RuntimeException startFailure;
    public volatile IoCounters counters = IoCounters.of(3, 2, 300, 200);
    public final List<Op> ops = Collections.synchronizedList(new ArrayList<>());
    public volatile RuntimeException stopFailure;
    public volatile RecordingRequest lastRequest;
    /** Runs inside start() and inside stop(), when set. */
    public volatile Runnable onStart;
    public volatile Runnable onStop;
    public final AtomicInteger started = new AtomicInteger();
    public final AtomicInteger stopped = new AtomicInteger();
    public final AtomicInteger closed = new AtomicInteger();

    public TestProfiler(String name, int priority, Capability... capabilities) {
        this.name = name;
        this.priority = priority;
        this.capabilities = capabilities.length == 0 ? Set.of() : Collections.unmodifiableSet(EnumSet.of(capabilities[0], capabilities));
    }

    public TestProfiler unusable(String reason) {
        availability = Availability.unusable(reason);
        return this;
    }

    public TestProfiler failingToStart(String message) {
        startFailure = new ProfilerStartException(message);
        return this;
    }

    public boolean perOperation() {
        return capabilities.contains(Capability.OPERATION_SIZES);
    }

    /** Forgets every setting and count, back to a usable profiler. */
    public void reset() {
        availability = Availability.ready();
        startFailure = null;
        counters = IoCounters.of(3, 2, 300, 200);
        ops.clear();
        stopFailure = null;
        lastRequest = null;
        onStart = null;
        onStop = null;
        started.set(0);
        stopped.set(0);
        closed.set(0);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int priority() {
        return priority;
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public Recording start(RecordingRequest request) {
        lastRequest = request;
        if (onStart != null) {
            onStart.run();
        }
        if (startFailure != null) {
            throw startFailure;
        }
        started.incrementAndGet();
        return new Recording() {
            private boolean isClosed;

            @Override
            public RecordingResult stop(OpSink sink) {
                stopped.incrementAndGet();
                if (onStop != null) {
                    onStop.run();
                }
                if (perOperation()) {
                    for (Op op : List.copyOf(ops)) {
                        sink.accept(op);
                    }
                    if (stopFailure != null) {
                        throw stopFailure;
                    }
                    return RecordingResult.ofOperations("ops from " + name);
                }
                if (stopFailure != null) {
                    throw stopFailure;
                }
                return RecordingResult.ofCounters(counters);
            }

            @Override
            public void close() {
                if (!isClosed) {
                    isClosed = true;
                    closed.incrementAndGet();
                }
            }
        };
    }
}
