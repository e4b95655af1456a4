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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

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

    private static List<Path> tempDirs() throws IOException {
        try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("iops-perf-")).toList();
        }
    }

    @AfterAll
    static void noLinger() throws IOException {
        System.clearProperty(PerfProfiler.LINGER_PROPERTY);
        assertThat(awaitNoPerf()).as("perf ended when the linger expired").isEmpty();
        assertThat(tempDirs()).as("perf directories left by this class").isSubsetOf(dirsBefore);
    }

    @Override
    protected String profilerName() {
        return PerfProfiler.NAME;
    }

    /** Waits, bounded, for the linger to end the idle perf. */
    private static List<ProcessHandle> awaitNoPerf() {
        long deadline = System.nanoTime() + (LINGER_MS + 10_000) * 1_000_000;
        while (!perfChildren().isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        return perfChildren();
    }

    private static List<ProcessHandle> perfChildren() {
        return ProcessHandle.current().children()
                .filter(p -> p.info().command().map(c -> c.endsWith("/perf") || c.contains("/perf_")).orElse(false))
                .toList();
    }

    @Test
    void aSecondSessionReusesTheIdlePerfAndTheLingerEndsIt() throws IOException {
        Path file = dir.resolve("linger.bin");
        IopsReport first = measure(Scope.THREAD, Workloads::writeStream, file);
        List<ProcessHandle> idle = perfChildren();
        assertThat(idle).as("one disabled perf kept").hasSize(1);
        IopsReport second = Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> {
            Workloads.writeStream(file);
        });
        assertThat(first.writeOps()).isEqualTo(Workloads.BLOCKS);
        assertThat(second.writeOps()).isEqualTo(Workloads.BLOCKS);
        assertThat(second.bytesWritten()).isEqualTo(Workloads.TOTAL);
        assertThat(perfChildren()).as("the same perf, not a new one").containsExactlyElementsOf(idle);
        assertThat(awaitNoPerf()).as("perf ended when the linger expired").isEmpty();
    }
}
