package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * perf attaches to each thread of the JVM in turn; an application whose threads start and end all the time (a
 * pool that shrinks and grows, a thread per task) used to make perf 6.1 fail its attach nearly every time, and a
 * failed perf inside a procfs process-scope window added its own start-up reads to that window. Here a thread
 * starts and joins short-lived threads without pause during every session.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PerfThreadChurnTest {
    @TempDir
    Path dir;

    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong started = new AtomicLong();
    private Thread churner;

    @BeforeEach
    void churn() {
        ProfilerInfo perf = Iops.profilers().stream().filter(p -> p.name().equals(PerfProfiler.NAME)).findFirst()
                .orElseThrow();
        assumeThat(perf.usable()).as(perf.reason()).isTrue();
        churner = new Thread(() -> {
            while (!stop.get()) {
                Thread t = new Thread(() -> { });
                t.start();
                started.incrementAndGet();
                try {
                    t.join();
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "test-thread-churn");
        churner.start();
    }

    @AfterEach
    void calm() throws InterruptedException {
        stop.set(true);
        if (churner != null) {
            churner.join(10_000);
        }
    }

    @Test
    void perfAttachesAndCountsExactlyWhileThreadsComeAndGo() throws Exception {
        Path file = dir.resolve("churn.bin");
        Workloads.writeStream(file);
        for (int i = 0; i < 5; i++) {
            long before = started.get();
            IopsReport r = Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD)
                    .measure(() -> Workloads.writeStream(file));
            Workloads.assertExact("perf, THREAD, session " + i, r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
            assertThat(started.get() - before).as("threads started meanwhile").isGreaterThan(10);
        }
        IopsReport p = Workloads.whileHarnessQuiet(() -> Iops.with().profiler(PerfProfiler.NAME)
                .scope(Scope.PROCESS).measure(() -> Workloads.writeStream(file)));
        Workloads.assertExact("perf, PROCESS", p, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
    }

    @Test
    void perfInsideProcfsInProcessScopeLeavesBothReportsExact() throws Exception {
        Path a = dir.resolve("outer.bin");
        Path b = dir.resolve("inner.bin");
        Workloads.writeStream(a);
        Workloads.writeStream(b);
        for (int i = 0; i < 3; i++) {
            IopsReport[] in = new IopsReport[1];
            IopsReport out = Workloads.whileHarnessQuiet(() -> Iops.with().profiler(ProcfsProfiler.NAME)
                    .scope(Scope.PROCESS).measure(() -> {
                        Workloads.writeStream(a);
                        in[0] = Iops.with().profiler(PerfProfiler.NAME).scope(Scope.PROCESS)
                                .measure(() -> Workloads.writeStream(b));
                    }));
            Workloads.assertExact("perf inside procfs, session " + i + ": the inner report", in[0], 0, 0,
                    Workloads.BLOCKS, Workloads.TOTAL);
            Workloads.assertExact("perf inside procfs, session " + i + ": the outer report", out, 0, 0,
                    2L * Workloads.BLOCKS, 2 * Workloads.TOTAL);
        }
    }
}
