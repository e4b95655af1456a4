package dev.iops;

import dev.iops.fake.FakeCounterProfiler;
import dev.iops.fake.FakeTracerProfiler;
import dev.iops.fake.TestProfiler;
import dev.iops.spi.Capability;
import dev.iops.spi.IoCounters;
import dev.iops.spi.Op;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Sessions and the facade, driven by scriptable profilers registered in test META-INF/services. */
class IopsSessionTest {
    private FakeCounterProfiler counter;
    private FakeTracerProfiler tracer;

    @BeforeEach
    void findFakes() {
        assertThat(Iops.profilers()).extracting(ProfilerInfo::name).contains("fake-counter", "fake-tracer");
        counter = FakeCounterProfiler.instance;
        tracer = FakeTracerProfiler.instance;
        counter.reset();
        tracer.reset();
    }

    @AfterEach
    void everyStartedRecordingWasClosed() {
        assertThat(counter.closed.get()).isEqualTo(counter.started.get());
        assertThat(tracer.closed.get()).isEqualTo(tracer.started.get());
    }

    @Test
    void measureReturnsTheCountersOfTheNamedProfiler() {
        counter.counters = IoCounters.of(11, 22, 3300, 4400);
        IopsReport r = Iops.with().profiler("fake-counter").measure(() -> { });
        assertThat(r.profiler()).isEqualTo("fake-counter");
        assertThat(r.scope()).isEqualTo(Scope.PROCESS);
        assertThat(r.readOps()).isEqualTo(11);
        assertThat(r.writeOps()).isEqualTo(22);
        assertThat(r.bytesRead()).isEqualTo(3300);
        assertThat(r.bytesWritten()).isEqualTo(4400);
        assertThat(r.histogram()).isEmpty();
        assertThat(counter.lastRequest.thread()).isSameAs(Thread.currentThread());
    }

    @Test
    void measureReturnsTheBlocksValueAndPropagatesItsCheckedException() throws Exception {
        Measured<String> m = Iops.with().profiler("fake-counter").measureValue(() -> "value");
        assertThat(m.value()).isEqualTo("value");
        assertThat(m.report().writeOps()).isEqualTo(2);

        IOException thrown = new IOException("disk on fire");
        assertThatThrownBy(() -> Iops.with().profiler("fake-counter").measure(() -> {
            throw thrown;
        })).isSameAs(thrown);
        assertThat(counter.stopped.get()).isEqualTo(2);
    }

    @Test
    void aBlockThatThrowsStillYieldsAReportFromTheSession() {
        AtomicReference<IopsSession> session = new AtomicReference<>();
        assertThatThrownBy(() -> {
            try (IopsSession s = Iops.with().profiler("fake-counter").start()) {
                session.set(s);
                throw new IllegalStateException("block failed");
            }
        }).hasMessage("block failed");
        IopsReport r = session.get().report();
        assertThat(r.readOps()).isEqualTo(3);
        assertThat(session.get().isRunning()).isFalse();
    }

    @Test
    void stopTwiceReturnsTheSameReportAndReportBeforeStopIsAnError() {
        IopsSession s = Iops.with().profiler("fake-counter").start();
        assertThat(s.isRunning()).isTrue();
        assertThatThrownBy(s::report).isInstanceOf(IllegalStateException.class)
                .hasMessage("the iops session (profiler fake-counter) is still running: call stop() or close() before report()");
        IopsReport first = s.stop();
        assertThat(s.stop()).isSameAs(first);
        s.close();
        assertThat(s.report()).isSameAs(first);
        assertThat(counter.stopped.get()).isEqualTo(1);
    }

    @Test
    void tracerOperationsBecomeTotalsHistogramAndDetail() {
        for (int i = 0; i < 1000; i++) {
            tracer.ops.add(new Op(OpKind.WRITE, 4096, 7, TargetKind.FILE, "/tmp/x", -1, 1000, false));
        }
        tracer.ops.add(new Op(OpKind.READ, 0, 7, TargetKind.FILE, "/tmp/x", -1, -1, true));
        IopsReport r = Iops.with().profiler("fake-tracer").scope(Scope.THREAD).histogram().measure(() -> { });
        assertThat(r.writeOps()).isEqualTo(1000);
        assertThat(r.bytesWritten()).isEqualTo(4_096_000);
        assertThat(r.readOps()).isZero();
        SizeHistogram h = r.histogram().orElseThrow();
        assertThat(h.buckets().stream().filter(b -> b.totalOps() > 0))
                .containsExactly(new SizeHistogram.Bucket(13, 0, 1000, 0, 4_096_000));
        assertThat(r.detail().orElseThrow().errors()).isEqualTo(1);
        assertThat(r.notes()).containsExactly("ops from fake-tracer");
        assertThat(tracer.lastRequest.perOperation()).isTrue();
        assertThat(tracer.lastRequest.scope()).isEqualTo(Scope.THREAD);
    }

    @Test
    void systemPropertyPicksTheProfilerWhenCodeDoesNot() {
        System.setProperty("iops.profiler", "fake-tracer");
        try {
            assertThat(Iops.measure(() -> { }).profiler()).isEqualTo("fake-tracer");
            assertThat(Iops.with().profiler("fake-counter").measure(() -> { }).profiler()).isEqualTo("fake-counter");
            System.setProperty("iops.profiler", "nope");
            assertThatThrownBy(Iops::start).isInstanceOf(NoProfilerException.class)
                    .hasMessageStartingWith("No iops profiler is named 'nope' (from -Diops.profiler=nope). Found: ");
        } finally {
            System.clearProperty("iops.profiler");
        }
    }

    @Test
    void askingAProcessOnlyProfilerForThreadScopeIsAClearError() {
        assertThatThrownBy(() -> Iops.with().profiler("fake-counter").scope(Scope.THREAD).start())
                .isInstanceOf(NoProfilerException.class)
                .hasMessageStartingWith("Profiler 'fake-counter' (from profiler(\"fake-counter\")) cannot measure scope "
                        + "THREAD: it cannot count a single thread (needed by Scope.THREAD).");
    }

    @Test
    void askingACountOnlyProfilerForAHistogramIsAClearError() {
        assertThatThrownBy(() -> Iops.with().profiler("fake-counter").histogram().measure(() -> { }))
                .isInstanceOf(NoProfilerException.class)
                .hasMessageStartingWith("Profiler 'fake-counter' (from profiler(\"fake-counter\")) cannot measure scope "
                        + "PROCESS with a histogram: it does not see operation sizes (needed by histogram()). "
                        + "Usable profilers that can: ")
                .hasMessageContaining("fake-tracer");
        assertThat(counter.started.get()).isZero();
    }

    @Test
    void profilersAreListedInSelectionOrder() {
        List<ProfilerInfo> infos = Iops.profilers();
        for (int i = 1; i < infos.size(); i++) {
            assertThat(infos.get(i - 1).priority()).isGreaterThanOrEqualTo(infos.get(i).priority());
        }
        ProfilerInfo fake = infos.stream().filter(p -> p.name().equals("fake-tracer")).findFirst().orElseThrow();
        assertThat(fake.usable()).isTrue();
        assertThat(fake.capabilities()).contains(Capability.OPERATION_SIZES, Capability.THREAD_SCOPE);
    }

    @Test
    void profilersPrintAsOneReadableLinePerProfiler() {
        counter.unusable("switched off for this test");
        List<ProfilerInfo> infos = Iops.profilers();
        String text = infos.toString();
        assertThat(text.lines()).hasSize(infos.size());
        assertThat(text).doesNotContain("ProfilerInfo[");
        assertThat(text.lines().filter(l -> l.startsWith("fake-counter ")))
                .singleElement().asString().matches("fake-counter +priority  -10  not usable: switched off for this test");
        assertThat(text.lines().filter(l -> l.startsWith("fake-tracer ")))
                .singleElement().asString().matches("fake-tracer +priority  -20  usable");
    }

    @Test
    void blocksWithCheckedExceptionsAndIgnoredValuesCompileAndReturnTheReport() throws IOException {
        java.nio.file.Path p = java.nio.file.Files.createTempFile("iops-session-test", ".bin");
        try {
            IopsReport written = Iops.with().profiler("fake-counter").measure(() -> java.nio.file.Files.write(p, new byte[]{1}));
            IopsReport deleted = Iops.with().profiler("fake-counter").measure(() -> java.nio.file.Files.delete(p));
            assertThat(written.writeOps()).isEqualTo(2);
            assertThat(deleted.writeOps()).isEqualTo(2);
            assertThat(java.nio.file.Files.exists(p)).isFalse();
        } finally {
            java.nio.file.Files.deleteIfExists(p);
        }
    }

    @Test
    void theInjectedClockTimesTheBlockSoRatesAreExact() {
        long[] now = {1_000_000_000L};
        counter.counters = IoCounters.of(0, 500, 0, 2_048_000);
        IopsSession s = Iops.with().profiler("fake-counter").clock(() -> now[0]).start();
        now[0] += 250_000_000L; // the block takes 250 ms
        IopsReport r = s.stop();
        assertThat(r.elapsed()).isEqualTo(java.time.Duration.ofMillis(250));
        assertThat(r.iops()).isEqualTo(2000.0);
        assertThat(r.throughput()).isEqualTo(8_192_000.0);
    }
}
