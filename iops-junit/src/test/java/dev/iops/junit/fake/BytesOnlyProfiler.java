package dev.iops.junit.fake;

import dev.iops.spi.IoCounters;
import dev.iops.spi.RecordingResult;

import java.util.Set;

/**
 * Test double (registered through test META-INF/services): a counter that counts bytes but not operations, as some
 * OS counters do; it reports 100 bytes written for any block.
 */
public final class BytesOnlyProfiler extends TestDouble {
    public BytesOnlyProfiler() {
        super("bytes-only-test", -20, Set.of());
    }

    @Override
    RecordingResult stop() {
        return RecordingResult.ofCounters(IoCounters.bytesOnly(0, 100));
    }
}
