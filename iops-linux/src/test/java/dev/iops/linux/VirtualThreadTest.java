package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.spi.ProfilerStartException;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * {@code Scope.THREAD} on a virtual thread (Java 21+): an OS-thread profiler refuses it with what to do instead,
 * and automatic selection measures it exactly with jfr, which counts Java threads, saying in the report why the
 * others were passed over and logging no warning (selection expects those refusals). Skipped on Java 17 to 20.
 */
class VirtualThreadTest {
    @TempDir
    Path dir;

    /** Runs the body on a new virtual thread (through reflection: this code is compiled for Java 17). */
    private static Object onVirtualThread(java.util.concurrent.Callable<Object> body) throws Exception {
        Object builder;
        try {
            builder = Thread.class.getMethod("ofVirtual").invoke(null);
        } catch (NoSuchMethodException e) {
            assumeThat(false).as("virtual threads need Java 21+; this is " + Runtime.version()).isTrue();
            return null;
        }
        AtomicReference<Object> result = new AtomicReference<>();
        Runnable task = () -> {
            try {
                result.set(body.call());
            } catch (Exception e) {
                result.set(e);
            }
        };
        // through the public interface Thread.Builder: the builder's own class is not accessible
        Thread t = (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class)
                .invoke(builder, task);
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(t.isAlive()).as("the virtual thread finished").isFalse();
        return result.get();
    }

    @ParameterizedTest
    @ValueSource(strings = {ProcfsProfiler.NAME, StraceProfiler.NAME, PerfProfiler.NAME})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void anOsThreadProfilerRefusesThreadScopeOnAVirtualThread(String name) throws Exception {
        ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
        assumeThat(info.usable()).as(name + ": " + info.reason()).isTrue();
        Path file = dir.resolve("v.bin");
        Object outcome = onVirtualThread(() -> catchThrowable(() ->
                Iops.with().profiler(name).scope(Scope.THREAD).measure(() -> Workloads.writeStream(file))));
        assertThat(outcome).isInstanceOf(ProfilerStartException.class);
        assertThat(((Throwable) outcome).getMessage())
                .startsWith(name + " counts one OS thread in Scope.THREAD, but this session runs on a virtual thread")
                .endsWith("Use Scope.PROCESS, run the block on a platform thread, or use -Diops.profiler=jfr, which "
                        + "counts Java threads.");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void automaticSelectionMeasuresAVirtualThreadExactlyWithJfr(boolean histogram) throws Exception {
        Path file = dir.resolve("v.bin");
        Workloads.writeStream(file); // the workload's first use, outside the window
        Object[] outcome = new Object[1];
        // slf4j-simple writes to System.err as it is at each line
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            outcome[0] = onVirtualThread(() -> {
                Iops.Builder b = Iops.with().scope(Scope.THREAD);
                if (histogram) {
                    b = b.histogram();
                }
                return b.measure(() -> Workloads.writeStream(file));
            });
        } finally {
            System.setErr(err);
        }
        assertThat(outcome[0]).isInstanceOf(IopsReport.class);
        IopsReport r = (IopsReport) outcome[0];
        assertThat(r.profiler()).isEqualTo("jfr");
        Workloads.assertExact("jfr on a virtual thread", r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        String logged = log.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(logged).as("what selection expects is no warning").doesNotContain("WARN");
        // each OS-thread profiler that could have measured says why it did not, in the report
        for (String name : List.of(TracepointProfiler.NAME, PerfProfiler.NAME, ProcfsProfiler.NAME)) {
            ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
            if (info.usable() && (!histogram || !name.equals(ProcfsProfiler.NAME))) {
                assertThat(r.notes()).as(r.toText()).anyMatch(n -> n.startsWith("passed over " + name + " (priority ")
                        && n.contains(name + " counts one OS thread in Scope.THREAD, but this session runs on a "
                        + "virtual thread"));
            }
        }
    }
}
