package dev.iops;

import dev.iops.fake.FakeCounterProfiler;
import dev.iops.fake.FakeTracerProfiler;
import dev.iops.fake.TestProfiler;
import dev.iops.spi.Capability;
import dev.iops.spi.IoCounters;
import dev.iops.spi.Op;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
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
        Measured<String> m = Iops.with().profiler("fake-counter").measure(() -> "value");
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
    void aProfilerFailingDuringTheBlockGivesAnIncompleteReportNotASilentUndercount() {
        tracer.ops.add(Op.of(OpKind.WRITE, 10));
        tracer.stopFailure = new RecordingFailedException("tracer died (exit 9)");
        IopsSession s = Iops.with().profiler("fake-tracer").start();
        IncompleteReportException e = catchThrowableOfType(IncompleteReportException.class, s::stop);
        assertThat(e).hasMessage("Profiler 'fake-tracer' failed during the measured block: tracer died (exit 9). "
                + "The partial report is attached (IncompleteReportException.partialReport()).");
        assertThat(e.partialReport().writeOps()).isEqualTo(1);
        assertThat(e.partialReport().notes())
                .containsExactly("PARTIAL: fake-tracer failed during the block (tracer died (exit 9)); these figures undercount it");
        assertThatThrownBy(s::report).isSameAs(e);
        assertThatThrownBy(s::close).isSameAs(e);
    }

    @Test
    void fallsBackWhenTheBestProfilerFailsToStartAndSaysSoInTheReport() {
        TestProfiler broken = new TestProfiler("strace", 300, Capability.THREAD_SCOPE)
                .failingToStart("strace could not attach to pid 42: ptrace not permitted");
        List<Profiler> order = List.of(broken, counter);
        IopsSession s = IopsSession.open(order, false, new RecordingRequest(Scope.PROCESS, Thread.currentThread(), false), () -> { });
        IopsReport r = s.stop();
        assertThat(r.profiler()).isEqualTo("fake-counter");
        assertThat(r.notes()).containsExactly("strace could not start (strace could not attach to pid 42: ptrace not "
                + "permitted); measured with fake-counter instead");
    }

    @Test
    void skipsAnUnusableCandidateWithoutCallingItAFailure() {
        TestProfiler gone = new TestProfiler("strace", 300).unusable("strace not found on PATH");
        IopsSession s = IopsSession.open(List.of(gone, counter), false, new RecordingRequest(Scope.PROCESS, Thread.currentThread(), false), () -> {
            throw new AssertionError("a usable candidate exists: no explanation needed");
        });
        IopsReport r = s.stop();
        assertThat(r.profiler()).isEqualTo("fake-counter");
        assertThat(r.notes()).isEmpty();
        assertThat(gone.started.get()).isZero();
    }

    @Test
    void aNamedUnusableProfilerGetsTheFullExplanation() {
        counter.unusable("fake-counter is switched off");
        assertThatThrownBy(() -> Iops.with().profiler("fake-counter").start())
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("Profiler 'fake-counter' (from profiler(\"fake-counter\")) is not usable here: "
                        + "fake-counter is switched off");
        assertThat(counter.started.get()).isZero();
    }

    @Test
    void aNamedProfilerThatFailsToStartIsNotReplaced() {
        TestProfiler broken = new TestProfiler("strace", 300).failingToStart("refused");
        assertThatThrownBy(() -> IopsSession.open(List.of(broken), true, new RecordingRequest(Scope.PROCESS, Thread.currentThread(), false), () -> { }))
                .isInstanceOf(ProfilerStartException.class).hasMessage("refused");
    }

    @Test
    void whenEveryCandidateFailsToStartTheErrorListsThemAll() {
        TestProfiler a = new TestProfiler("alpha", 2).failingToStart("alpha refused");
        TestProfiler b = new TestProfiler("beta", 1).failingToStart("beta refused");
        assertThatThrownBy(() -> IopsSession.open(List.of(a, b), false, new RecordingRequest(Scope.PROCESS, Thread.currentThread(), true), () -> { }))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("Every usable iops profiler failed to start for scope PROCESS with a histogram:\n"
                        + "  - alpha could not start (alpha refused)\n  - beta could not start (beta refused)");
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
}
