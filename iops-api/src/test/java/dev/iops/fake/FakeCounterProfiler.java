package dev.iops.fake;

/** Registered through test META-INF/services: a usable, process-only counter with a negative priority. */
public final class FakeCounterProfiler extends TestProfiler {
    public static volatile FakeCounterProfiler instance;

    public FakeCounterProfiler() {
        super("fake-counter", -10);
        instance = this;
    }
}
