package dev.iops.fake;

import dev.iops.spi.Capability;

/** Registered through test META-INF/services: a per-operation, thread-capable tracer with a negative priority. */
public final class FakeTracerProfiler extends TestProfiler {
    public static volatile FakeTracerProfiler instance;

    public FakeTracerProfiler() {
        super("fake-tracer", -20, Capability.OPERATION_SIZES, Capability.THREAD_SCOPE, Capability.PATHS,
                Capability.LATENCY, Capability.TIMELINE);
        instance = this;
    }
}
