package dev.iops;

import dev.iops.internal.Aggregator;
import dev.iops.internal.Devices;
import dev.iops.internal.Selection;
import dev.iops.spi.IoCounters;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.SelfIo;
import dev.iops.spi.Slowdown;
import dev.iops.tracer.ChildProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * One running measurement, from {@link Iops#start()} (or {@link Iops.Builder#start()}) to {@link #stop()}.
 *
 * <pre>{@code
 * IopsSession s;
 * try (IopsSession session = Iops.start()) {
 *     s = session;
 *     work();
 * }
 * System.out.println(s.report().toText());
 * }</pre>
 *
 * <p>The elapsed time is taken from a monotonic clock ({@link System#nanoTime()}) when the profiler's window is
 * open and again as the first action of {@code stop()}; the profiler's own start and stop are not in it.
 *
 * <h2>Failures</h2>
 * <ul>
 *   <li>The block throws inside try-with-resources: {@link #close()} still stops the session and
 *       {@link #report()} still returns the report; a failure of that stop is added to the block's exception as a
 *       suppressed exception, by Java.</li>
 *   <li>The profiler fails at stop (a tracer was killed, a counter could not be read): {@code stop()} throws an
 *       {@link IncompleteReportException} that names the real cause and carries the partial report (for a counting
 *       profiler every figure is unknown; for a per-operation profiler, the operations it delivered). Every later
 *       {@code stop()} and {@code report()} throws the same exception; {@code close()} after a failed
 *       {@code stop()} returns quietly, so try-with-resources never rethrows the same instance.</li>
 *   <li>The calling thread is interrupted when the session starts or stops: the report is exact and the interrupt
 *       flag is still set afterwards; providers never let the library's own I/O be interrupted.</li>
 *   <li>The session is never stopped: when it becomes unreachable its recording is released (tracer reference
 *       dropped, files deleted) and one SLF4J warning says so. Its report is lost; close sessions.</li>
 * </ul>
 *
 * <p>Thread-safety: {@code stop}, {@code close} and {@code report} may be called from any thread; the first
 * {@code stop} wins and later calls return the same report. Sessions nest and run concurrently on other threads:
 * each has its own window.
 */
public final class IopsSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IopsSession.class);
    private static final OpSink NO_SINK = op -> { };
    // Loaded with this class, so that no class file is read between the window opening and the block starting.
    private static final Cleaner CLEANER = SelfIo.cleaner();
    private static final Class<?> ABANDONED = Abandoned.class;

    static {
        // The constructor asks it after the window opened, outside any metered stretch: loaded here, first.
        ChildProcess.endedChildren();
    }

    private final Profiler profiler;
    private final Scope scope;
    private final Recording recording;
    private final Aggregator aggregator;
    private final List<String> notes;
    private final LongSupplier clock;
    private final Set<String> tracersAtStart;
    private final Abandoned abandoned;
    private final Cleaner.Cleanable cleanable;
    /** Library children seen ended when a process-wide counter window opened (see ChildProcess.endedChildren). */
    private final long childrenAtOpen;
    /** The thread that started the session: the one a Scope.THREAD session measures. */
    private final Thread thread = Thread.currentThread();
    /** Whether the figures come from counters (read at start and at stop), not from operations seen one by one. */
    private final boolean countsFromCounters;
    private volatile long startNanos; // set by open(), once the start's stretch of own work has ended

    private IopsReport report;
    private IncompleteReportException failure;
    /** Set by the builder right after open when devices() was asked; read after the profiler stops. */
    volatile Devices.Window devices;

    private IopsSession(Selection.Started started, Scope scope, LongSupplier clock, Set<String> tracersAtStart) {
        this.profiler = started.profiler();
        this.scope = scope;
        this.recording = started.recording();
        this.aggregator = started.aggregator();
        this.notes = started.notes();
        this.clock = clock;
        this.tracersAtStart = tracersAtStart;
        // A process-wide counter's window: a tracer child reaped inside it would add its I/O (see SelfIo). Asked
        // before the block runs, of a profiler that already started: no class is loaded here.
        this.countsFromCounters = started.countsFromCounters();
        boolean processCounter = countsFromCounters && scope == Scope.PROCESS;
        if (processCounter) {
            SelfIo.processCounterOpened();
        }
        this.childrenAtOpen = processCounter ? ChildProcess.endedChildren() : 0; // after the window's first reading
        this.abandoned = new Abandoned(profiler.name(), recording, processCounter);
        this.cleanable = CLEANER.register(this, abandoned);
    }

    /** Releases the recording of a session that nobody stopped; holds no reference to the session. */
    private static final class Abandoned implements Runnable {
        private final String profiler;
        private final Recording recording;
        private final boolean processCounter;
        private volatile boolean stopped;

        Abandoned(String profiler, Recording recording, boolean processCounter) {
            this.profiler = profiler;
            this.recording = recording;
            this.processCounter = processCounter;
        }

        @Override
        public void run() {
            if (!stopped) {
                LOG.warn("iops: a session measured by '{}' was never stopped; its recording was released when the "
                        + "session became unreachable. Stop sessions with try-with-resources.", profiler);
                SelfIo.sessionClosed(processCounter);
            }
            recording.close();
        }
    }

    /**
     * Selects, starts and times a session; see {@link Iops.Builder#start()}.
     *
     * @param options what was asked
     * @param clock   monotonic nanoseconds
     */
    static IopsSession open(List<Profiler> profilers, Selection.Options options, LongSupplier clock) {
        // Taken before the window opens: nothing but the profiler's own start lies between it and the block.
        Set<String> tracers = SelfIo.attachedTracers();
        SelfIo.sessionOpened();
        // Starting is the library's own work: a provider that sees calls one by one drops what happens in it.
        IopsSession session;
        try (SelfIo.OwnWork own = SelfIo.ownWork()) {
            Selection.Started started;
            try {
                started = Selection.start(profilers, options, System::getProperty);
            } catch (RuntimeException | Error e) {
                SelfIo.sessionClosed(false);
                throw e;
            }
            session = new IopsSession(started, options.scope(), clock, tracers);
        }
        session.startNanos = clock.getAsLong(); // last: the window is open, the block starts now
        return session;
    }

    /**
     * Stops the measurement and returns its report. The first call ends the window; later calls return the same
     * report (or throw the same exception).
     *
     * @return the report, never {@code null}
     * @throws IncompleteReportException if the profiler failed during the block or at its end; it names the cause
     *                                   and carries the partial report
     */
    public IopsReport stop() {
        long end = clock.getAsLong();
        try (SelfIo.OwnWork own = SelfIo.ownWork()) { // stopping, decoding and reporting are the library's own work
            return stop(end);
        }
    }

    private IopsReport stop(long end) {
        synchronized (this) {
            if (report != null) {
                return report;
            }
            if (failure != null) {
                throw failure;
            }
            long elapsed = Math.max(0, end - startNanos);
            if (scope == Scope.THREAD && !thread.isAlive()) {
                try {
                    failure = threadEnded(elapsed);
                    throw failure;
                } finally {
                    abandoned.stopped = true;
                    SelfIo.sessionClosed(abandoned.processCounter);
                    cleanable.clean();
                }
            }
            try {
                if (aggregator != null) {
                    aggregator.window(elapsed);
                }
                RecordingResult result = recording.stop(aggregator != null ? aggregator : NO_SINK);
                if (abandoned.processCounter && ChildProcess.endedChildren() != childrenAtOpen) {
                    throw new RecordingFailedException(childEnded(ChildProcess.lastEnded()));
                }
                report = withDevices(build(result, elapsed));
                return report;
            } catch (RuntimeException e) {
                failure = incomplete(e, elapsed);
                throw failure;
            } finally {
                abandoned.stopped = true;
                SelfIo.sessionClosed(abandoned.processCounter); // before the release: see SelfIo.whenNoProcessCounter
                cleanable.clean(); // releases the recording now, once
            }
        }
    }

    /** Why a process-wide counter window cannot be trusted when one of the library's own processes ended in it. */
    private String childEnded(String child) {
        return profiler.name() + " counts this JVM's I/O from process-wide counters, and " + child + ", a process "
                + "this library started, ended during the block: the kernel adds an ended child's I/O to its parent's "
                + "counters, so they overcount the block by an amount nobody can know. Measure the block again, or in "
                + "Scope.THREAD";
    }

    /**
     * A {@link Scope#THREAD} session whose thread ended before {@code stop()}: its figures stop where the thread
     * ended, which is not the block the caller stops. The recording is stopped all the same (what the thread did is
     * the partial report); a counter that ended with the thread makes its figures unknown.
     */
    private IncompleteReportException threadEnded(long elapsed) {
        RuntimeException stopFailure = null;
        if (aggregator != null) {
            aggregator.window(elapsed);
        }
        String why = "the thread it measured, '" + thread.getName() + "', ended before stop()";
        IopsReport partial;
        try {
            RecordingResult result = recording.stop(aggregator != null ? aggregator : NO_SINK);
            // a thread's counters cannot be read once it ended: whatever a counting source read at stop is not its
            partial = countsFromCounters ? partial(why, false, elapsed) : build(result, elapsed)
                    .withNote("PARTIAL: " + why + "; these figures are that thread's, until it ended");
        } catch (RuntimeException e) {
            stopFailure = e;
            partial = partial(why, false, elapsed);
        }
        String message = "Scope.THREAD measures the thread that started the session, '" + thread.getName()
                + "', and it ended before stop() (called on '" + Thread.currentThread().getName() + "'): the "
                + "figures stop where that thread ended and cover none of the work of any other thread. Start and "
                + "stop a Scope.THREAD session on the thread that runs the block (try-with-resources, or "
                + "Iops.measure), or measure Scope.PROCESS";
        return new IncompleteReportException(message + ". The partial report is attached "
                + "(IncompleteReportException.partialReport()).", withDevices(partial), stopFailure);
    }

    private IncompleteReportException incomplete(RuntimeException cause, long elapsed) {
        String what = cause instanceof RecordingFailedException ? "failed during the measured block"
                : "failed at the end of the measured block";
        String message = cause.getMessage() != null ? cause.getMessage() : cause.toString();
        IopsReport partial = partial(profiler.name() + " " + what + " (" + message + ")", aggregator != null,
                elapsed);
        return new IncompleteReportException("Profiler '" + profiler.name() + "' " + what + ": " + message
                + ". The partial report is attached (IncompleteReportException.partialReport()).", withDevices(partial),
                cause);
    }

    /**
     * @param why     what went wrong, for the PARTIAL note
     * @param counted whether the aggregator's operations are what was captured (else the counters are unknown)
     */
    private IopsReport partial(String why, boolean counted, long elapsed) {
        IopsReport partial;
        if (counted) {
            IoTotals t = aggregator.totals();
            partial = new IopsReport(profiler.name(), scope, Duration.ofNanos(elapsed), t.readOps(), t.writeOps(),
                    t.bytesRead(), t.bytesWritten(), Aggregator.measuredFigures(), Optional.empty(),
                    Optional.of(aggregator.histogram()), Optional.of(aggregator.detail()), notes(List.of()));
            return partial.withNote("PARTIAL: " + why + "; these figures undercount it");
        }
        partial = new IopsReport(profiler.name(), scope, Duration.ofNanos(elapsed), 0, 0, 0, 0,
                EnumSet.noneOf(Figure.class), Optional.empty(), Optional.empty(), Optional.empty(),
                notes(List.of()));
        return partial.withNote("PARTIAL: " + why + "; its counters are unknown");
    }

    private IopsReport withDevices(IopsReport r) {
        Devices.Window d = devices;
        return d == null ? r : d.end(r);
    }

    private List<String> notes(List<String> fromRecording) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(fromRecording);
        Set<String> tracers = new LinkedHashSet<>(tracersAtStart);
        tracers.addAll(SelfIo.attachedTracers());
        tracers.remove(profiler.name());
        if (!tracers.isEmpty()) {
            all.add("another iops tracer (" + String.join(", ", tracers) + ") was attached to this JVM during the "
                    + "block: its system calls ran slower than unmeasured, so the elapsed time and the rates overstate "
                    + "the block's cost. The counts are unaffected, except that a ptrace attach restarts the reads other "
                    + "threads are blocked in, which process-wide counters count again (0 bytes each)");
        }
        return all;
    }

    private IopsReport build(RecordingResult result, long elapsedNanos) {
        List<String> all = notes(result.notes());
        result.slowdown().ifPresent(s -> all.add(slowdownNote(s, Duration.ofNanos(elapsedNanos))));
        Optional<IoCounters> counters = result.counters();
        if (counters.isPresent()) {
            IoCounters c = counters.get();
            IopsReport r = new IopsReport(profiler.name(), scope, Duration.ofNanos(elapsedNanos), c.readOps(),
                    c.writeOps(), c.bytesRead(), c.bytesWritten(), c.measured(), c.storage(), Optional.empty(),
                    Optional.empty(), all);
            if (aggregator != null) {
                r = r.withHistogram(aggregator.histogram()).withDetail(aggregator.detail());
            }
            return r;
        }
        if (aggregator == null) {
            throw new IllegalStateException("profiler '" + profiler.name() + "' returned neither counters nor "
                    + "operations (a bug in " + profiler.getClass().getName()
                    + ": declare Capability.OPERATION_SIZES or return counters)");
        }
        IoTotals t = aggregator.totals();
        return new IopsReport(profiler.name(), scope, Duration.ofNanos(elapsedNanos), t.readOps(), t.writeOps(),
                t.bytesRead(), t.bytesWritten(), Aggregator.measuredFigures(), Optional.empty(),
                Optional.of(aggregator.histogram()), Optional.of(aggregator.detail()), all);
    }

    /**
     * The note that sets a source's slowdown against the block's elapsed time, so that no rate is silently off:
     * {@code strace slowed this block: 1000 traced calls × ~45.0 µs each ≈ 45.00 ms of 52.10 ms elapsed (...)}.
     * The estimate shown is never more than the elapsed time.
     *
     * @param s       what the source added
     * @param elapsed the block's elapsed time
     * @return the note
     */
    static String slowdownNote(Slowdown s, Duration elapsed) {
        String tail = "; the elapsed time, IOPS and throughput include it. A lower bound: ptrace stops the block's "
                + "other system calls too, and the cost per call varies with the machine's load (without naming it, iops picks "
                + "a source that does not slow the block)";
        if (!s.isCostKnown()) {
            return s.source() + " slowed this block: it stopped " + s.stoppedCalls() + " traced calls of "
                    + Units.duration(elapsed) + " elapsed, at a cost per call that could not be measured at attach "
                    + "(tens of µs is usual)" + tail;
        }
        Duration estimate = s.estimate();
        boolean over = estimate.compareTo(elapsed) > 0;
        return s.source() + " slowed this block: " + s.stoppedCalls() + " traced calls × ~"
                + Units.duration(s.costPerCall()) + " each ≈ " + Units.duration(over ? elapsed : estimate) + " of "
                + Units.duration(elapsed) + " elapsed (cost per call measured at attach" + (over ? "; the product, "
                + Units.duration(estimate) + ", exceeds the elapsed time: nearly all of it was " + s.source() + "'s"
                : "") + ")" + tail;
    }

    /**
     * Stops the session if it is running. Safe to call more than once.
     *
     * @throws IncompleteReportException if this call stopped the session and the profiler failed (see
     *                                   {@link #stop()}); never the same exception a {@code stop()} or
     *                                   {@code report()} call already threw
     */
    @Override
    public void close() {
        synchronized (this) {
            if (report != null || failure != null) {
                return; // stopped already: a failure was thrown by that stop(), never again by close()
            }
        }
        stop();
    }

    /**
     * The report of a stopped session.
     *
     * @return the report, the same object {@link #stop()} returned
     * @throws IllegalStateException     if the session is still running
     * @throws IncompleteReportException if the profiler failed (the same exception {@code stop()} threw)
     */
    public synchronized IopsReport report() {
        if (failure != null) {
            throw failure;
        }
        if (report == null) {
            throw new IllegalStateException("the iops session (profiler " + profiler.name()
                    + ") is still running: call stop() or close() before report()");
        }
        return report;
    }

    /** @return the name of the profiler measuring this session */
    public String profiler() {
        return profiler.name();
    }

    /** @return the scope this session counts */
    public Scope scope() {
        return scope;
    }

    /** @return true until the session is stopped (successfully or not) */
    public synchronized boolean isRunning() {
        return report == null && failure == null;
    }

    @Override
    public String toString() {
        return "IopsSession[profiler=" + profiler.name() + ", scope=" + scope + ", running=" + isRunning() + "]";
    }
}
