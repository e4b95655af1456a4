package dev.iops;

import dev.iops.fake.FakeCounterProfiler;
import dev.iops.fake.FakeTracerProfiler;
import dev.iops.spi.IoCounters;
import dev.iops.spi.Op;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.SelfIo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Fault injection for the session: scripted profilers that fail at start, fail at stop, throw something
 * unexpected, or run on an interrupted thread. Each case asserts what the caller gets, and that every recording
 * started was closed.
 */
class SessionFaultsTest {
    private FakeCounterProfiler counter;
    private FakeTracerProfiler tracer;

    @BeforeEach
    void reset() {
        Iops.profilers(); // loads the fakes
        counter = FakeCounterProfiler.instance;
        tracer = FakeTracerProfiler.instance;
        counter.reset();
        tracer.reset();
    }

    @AfterEach
    void nothingIsLeftBehind() {
        assertThat(counter.closed.get()).isEqualTo(counter.started.get());
        assertThat(tracer.closed.get()).isEqualTo(tracer.started.get());
        assertThat(Thread.interrupted()).as("no test leaves its thread interrupted").isFalse();
    }

    @Test
    void aCounterFailingAtStopGivesAnIncompleteReportNamingTheRealCauseAndTheSameOutcomeAfterwards() {
        counter.stopFailure = new RecordingFailedException("procfs could not read /proc/self/io at the end of the "
                + "block: Stale file handle");
        IopsSession s = Iops.with().profiler("fake-counter").start();
        IncompleteReportException e = catchThrowableOfType(IncompleteReportException.class, s::stop);
        assertThat(e).hasMessage("Profiler 'fake-counter' failed during the measured block: procfs could not read "
                + "/proc/self/io at the end of the block: Stale file handle. The partial report is attached "
                + "(IncompleteReportException.partialReport()).");
        assertThat(e).hasCause(counter.stopFailure);
        IopsReport partial = e.partialReport();
        assertThat(partial.measured()).isEmpty();
        assertThat(partial.figure(Figure.WRITE_OPS)).isEmpty();
        assertThat(partial.notes()).containsExactly("PARTIAL: fake-counter failed during the measured block "
                + "(procfs could not read /proc/self/io at the end of the block: Stale file handle); its counters are unknown");
        assertThat(partial.toText()).contains("n/a");
        assertThat(s.isRunning()).isFalse();
        assertThatThrownBy(s::stop).isSameAs(e);
        assertThatThrownBy(s::report).isSameAs(e);
        s.close(); // quiet: the failure was delivered
        assertThat(counter.stopped.get()).isEqualTo(1);
    }

    @Test
    void anUnexpectedExceptionAtStopIsReportedAsIncompleteWithItsOwnMessage() {
        counter.stopFailure = new IllegalStateException("counter file vanished");
        IopsSession s = Iops.with().profiler("fake-counter").start();
        IncompleteReportException e = catchThrowableOfType(IncompleteReportException.class, s::stop);
        assertThat(e).hasMessage("Profiler 'fake-counter' failed at the end of the measured block: counter file "
                + "vanished. The partial report is attached (IncompleteReportException.partialReport()).");
        assertThat(e.getCause()).isSameAs(counter.stopFailure);
        assertThat(s.isRunning()).isFalse();
    }

    @Test
    void aTracerFailingDuringTheBlockKeepsWhatItDelivered() {
        tracer.ops.add(Op.of(OpKind.WRITE, 10));
        tracer.stopFailure = new RecordingFailedException("tracer died (exit 9)");
        IopsSession s = Iops.with().profiler("fake-tracer").start();
        IncompleteReportException e = catchThrowableOfType(IncompleteReportException.class, s::stop);
        assertThat(e.partialReport().writeOps()).isEqualTo(1);
        assertThat(e.partialReport().bytesWritten()).isEqualTo(10);
        assertThat(e.partialReport().notes()).containsExactly(
                "PARTIAL: fake-tracer failed during the measured block (tracer died (exit 9)); these figures undercount it");
    }

    @Test
    void aFailedStopInsideTryWithResourcesReachesTheCallerWithItsPartialReport() {
        counter.stopFailure = new RecordingFailedException("tracer killed");
        IopsReport partial = null;
        try (IopsSession s = Iops.with().profiler("fake-counter").start()) {
            s.stop();
        } catch (IncompleteReportException e) {
            partial = e.partialReport();
            assertThat(e.getSuppressed()).isEmpty();
        }
        assertThat(partial).isNotNull();
        assertThat(partial.profiler()).isEqualTo("fake-counter");
    }

    @Test
    void whenCloseIsTheFirstStopItsFailureReachesTheCaller() {
        counter.stopFailure = new RecordingFailedException("tracer killed");
        Throwable t = catchThrowable(() -> {
            try (IopsSession s = Iops.with().profiler("fake-counter").start()) {
                assertThat(s.isRunning()).isTrue();
            }
        });
        assertThat(t).isInstanceOf(IncompleteReportException.class).hasMessageContaining("tracer killed");
    }

    @Test
    void aBlockThatThrowsWhileTheProfilerFailsKeepsTheBlocksExceptionWithTheFailureSuppressed() {
        counter.stopFailure = new RecordingFailedException("tracer killed");
        IllegalStateException block = new IllegalStateException("block failed");
        Throwable t = catchThrowable(() -> Iops.with().profiler("fake-counter").measure(() -> {
            throw block;
        }));
        assertThat(t).isSameAs(block);
        assertThat(t.getSuppressed()).singleElement().isInstanceOf(IncompleteReportException.class);
    }

    @Test
    void aNamedProfilerFailingToStartLeavesNothingRunning() {
        counter.failingToStart("fake-counter refused: no counters here");
        assertThatThrownBy(() -> Iops.with().profiler("fake-counter").start())
                .isInstanceOf(ProfilerStartException.class).hasMessage("fake-counter refused: no counters here");
        assertThat(counter.started.get()).isZero();
    }

    @Test
    void anInterruptedThreadGetsAnExactReportAndKeepsItsFlag() {
        counter.counters = IoCounters.of(0, 1000, 0, 4_096_000);
        Thread.currentThread().interrupt();
        IopsReport r;
        try {
            IopsSession s = Iops.with().profiler("fake-counter").start();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            r = s.stop();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        assertThat(r.writeOps()).isEqualTo(1000);
        assertThat(r.bytesWritten()).isEqualTo(4_096_000);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void anAbandonedSessionHasItsRecordingReleased() throws InterruptedException {
        startAndForget();
        assertThat(counter.started.get()).isEqualTo(1);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (counter.closed.get() == 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(counter.closed.get()).as("the recording of an unreachable session is closed").isEqualTo(1);
        assertThat(counter.stopped.get()).isZero();
    }

    private void startAndForget() {
        Iops.with().profiler("fake-counter").start();
    }

    @Test
    void aReportMeasuredWhileAnotherTracerIsAttachedSaysItsTimesAreSlowed() {
        IopsReport clean = Iops.with().profiler("fake-counter").measure(() -> { });
        assertThat(clean.notes()).isEmpty();
        IopsReport slowed;
        try (SelfIo.Registration attached = SelfIo.attachedTracer("strace")) {
            slowed = Iops.with().profiler("fake-counter").measure(() -> { });
        }
        assertThat(slowed.notes()).containsExactly("another iops tracer (strace) was attached to this JVM during the "
                + "block: its system calls ran slower than unmeasured, so the elapsed time and the rates overstate the "
                + "block's cost. The counts are unaffected, except that a ptrace attach restarts the reads other "
                + "threads are blocked in, which process-wide counters count again (0 bytes each)");
        assertThat(Iops.with().profiler("fake-counter").measure(() -> { }).notes()).isEmpty();
    }

    @Test
    void aTracerDoesNotNoteItself() {
        try (SelfIo.Registration attached = SelfIo.attachedTracer("fake-tracer")) {
            assertThat(Iops.with().profiler("fake-tracer").measure(() -> { }).notes())
                    .containsExactly("ops from fake-tracer");
        }
    }

    @Test
    void aProfilersStartAndStopAreOwnWorkForTracersThatMarkItAndTheBlockIsNot() {
        java.util.List<String> seen = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        int[] depth = new int[1];
        SelfIo.OwnWorkMarks marks = new SelfIo.OwnWorkMarks() {
            @Override
            public void begin() {
                depth[0]++;
            }

            @Override
            public void end() {
                depth[0]--;
            }
        };
        counter.onStart = () -> seen.add("start at depth " + depth[0]);
        counter.onStop = () -> seen.add("stop at depth " + depth[0]);
        try (SelfIo.Registration installed = SelfIo.markOwnWork(marks)) {
            Iops.with().profiler("fake-counter").measure(() -> seen.add("block at depth " + depth[0]));
        }
        assertThat(seen).containsExactly("start at depth 1", "block at depth 0", "stop at depth 1");
        assertThat(depth[0]).isZero();
        seen.clear();
        Iops.with().profiler("fake-counter").measure(() -> { });
        assertThat(seen).as("after the marks were removed").containsExactly("start at depth 0", "stop at depth 0");
    }

    @Test
    void aStretchOfOwnWorkIsKnownByThreadAndTimeWhileItRunsOrAWindowReadsThem() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/thread-self")),
                "needs /proc/thread-self (Linux)");
        String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")).toString();
        long tid = Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
        long before = System.nanoTime();
        long ranUnread;
        try (SelfIo.OwnWork unread = SelfIo.ownWork()) {
            ranUnread = System.nanoTime();
            // kept while it runs: a perf window may open on another thread meanwhile and ask (issue 19)
            assertThat(SelfIo.isOwnWork(tid, ranUnread)).as("no window reads own work yet, but it runs").isTrue();
        }
        assertThat(SelfIo.isOwnWork(tid, ranUnread)).as("ended while no window read it: forgotten").isFalse();
        long inside;
        long after;
        try (SelfIo.Registration reader = SelfIo.readOwnWork()) {
            try (SelfIo.OwnWork work = SelfIo.ownWork()) {
                inside = System.nanoTime();
            }
            after = System.nanoTime();
            assertThat(SelfIo.isOwnWork(tid, inside)).isTrue();
            assertThat(SelfIo.isOwnWork(tid + 1, inside)).as("another thread").isFalse();
            assertThat(SelfIo.isOwnWork(tid, before)).as("before the stretch").isFalse();
            assertThat(SelfIo.isOwnWork(tid, after)).as("after it ended").isFalse();
            long afterInner;
            try (SelfIo.OwnWork outer = SelfIo.ownWork()) {
                try (SelfIo.OwnWork nested = SelfIo.ownWork()) {
                    assertThat(SelfIo.isOwnWork(tid, System.nanoTime())).as("inside a nested stretch").isTrue();
                }
                afterInner = System.nanoTime();
            }
            assertThat(SelfIo.isOwnWork(tid, afterInner)).as("the outer stretch, after the nested one ended").isTrue();
            assertThat(SelfIo.isOwnWork(tid, inside)).as("an earlier stretch, among later ones").isTrue();
            assertThat(SelfIo.isOwnWork(tid, after)).as("between stretches").isFalse();
        }
        assertThat(SelfIo.isOwnWork(tid, inside)).as("forgotten once no window reads them").isFalse();
    }
}
