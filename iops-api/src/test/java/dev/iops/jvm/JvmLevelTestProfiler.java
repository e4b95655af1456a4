package dev.iops.jvm;

import dev.iops.fake.TestProfiler;
import dev.iops.spi.Capability;

/** A scripted profiler in iops-api's own profiler package, where selection finds {@code jfr}: a JVM-level source. */
public class JvmLevelTestProfiler extends TestProfiler {
    public JvmLevelTestProfiler(String name, int priority, Capability... capabilities) {
        super(name, priority, capabilities);
    }
}
