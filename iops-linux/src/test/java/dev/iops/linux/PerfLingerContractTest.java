package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.testkit.ProfilerContract;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * perf with {@code iops.perf.linger}: one disabled perf kept between sessions, each session reading its slice of
 * perf's one growing file, against the compatibility kit's exact truths, and gone when the linger ends.
 */
@Timeout(120)
class PerfLingerContractTest extends ProfilerContract {
    private static final long LINGER_MS = 3000;

    private static List<Path> dirsBefore;

    @BeforeAll
    static void linger() throws IOException {
        System.setProperty(PerfProfiler.LINGER_PROPERTY, Long.toString(LINGER_MS));
        dirsBefore = tempDirs();
    }

    /** @return this JVM's perf directories (a neighbour JVM's are none of this class's business) */
    private static List<Path> tempDirs() throws IOException {
        return PerfAcceptanceTest.tempDirs();
    }

    /** @return this JVM's perf directories made since this class began */
    private static List<Path> newTempDirs() {
        try {
            List<Path> now = new java.util.ArrayList<>(tempDirs());
            now.removeAll(dirsBefore);
            return now;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @AfterAll
    static void noLinger() throws IOException {
        System.clearProperty(PerfProfiler.LINGER_PROPERTY);
        assertThat(awaitNoPerf()).as("perf ended when the linger expired").isEmpty();
        // perf's directory goes when its recorder closes, which a process-wide window still open defers until it
        // closes: waited for like perf, bounded; a directory that stays is the failure.
        assertThat(await(PerfLingerContractTest::newTempDirs)).as("perf directories left by this class").isEmpty();
    }

    @Override
    protected String profilerName() {
        return PerfProfiler.NAME;
    }

    /** Waits, bounded, for the linger to end the idle perf. */
    private static List<ProcessHandle> awaitNoPerf() {
        return await(PerfLingerContractTest::perfChildren);
    }

    /**
     * Waits until a list is empty, for the linger plus 30 s at most (a loaded machine may run the linger's thread
     * late; only a list that stays non-empty fails).
     *
     * @return the list, empty unless the wait ran out
     */
    private static <T> List<T> await(java.util.function.Supplier<List<T>> list) {
        long deadline = System.nanoTime() + (LINGER_MS + 30_000) * 1_000_000;
        while (!list.get().isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        return list.get();
    }

    private static List<ProcessHandle> perfChildren() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("/perf") || c.contains("/perf_")).orElse(false))
                .toList();
    }

    @Test
    void aSecondSessionReusesTheIdlePerfAndTheLingerEndsIt() throws IOException {
        Path file = dir.resolve("linger.bin");
        // The first two sessions linger for a minute: a loaded machine may pause this thread for longer than the
        // class's 3 s linger between a session and the checks after it, which would then find no idle perf. The
        // last session's own linger (the class's) decides when the perf it leaves ends.
        IopsReport first;
        IopsReport second;
        System.setProperty(PerfProfiler.LINGER_PROPERTY, "60000");
        try {
            first = measure(Scope.THREAD, Workloads::writeStream, file);
            List<ProcessHandle> idle = perfChildren();
            assertThat(idle).as("one disabled perf kept").hasSize(1);
            second = Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> {
                Workloads.writeStream(file);
            });
            assertThat(perfChildren()).as("the same perf, not a new one").containsExactlyElementsOf(idle);
        } finally {
            System.setProperty(PerfProfiler.LINGER_PROPERTY, Long.toString(LINGER_MS));
        }
        assertThat(first.writeOps()).isEqualTo(Workloads.BLOCKS);
        assertThat(second.writeOps()).isEqualTo(Workloads.BLOCKS);
        assertThat(second.bytesWritten()).isEqualTo(Workloads.TOTAL);
        Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> { }); // leaves it for 3 s
        assertThat(awaitNoPerf()).as("perf ended when the linger expired").isEmpty();
    }
}
