package dev.iops;

import dev.iops.internal.Aggregator;
import dev.iops.internal.Devices;
import dev.iops.internal.Selector;
import dev.iops.spi.Capability;
import dev.iops.spi.IoCounters;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

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
 * <p>The elapsed time is taken with {@link System#nanoTime()} when the profiler's window is open and again as
 * the first action of {@code stop()}; the profiler's own start and stop are not in it. If the block throws
 * inside try-with-resources, {@link #close()} still stops the session and {@link #report()} still returns the
 * report.
 *
 * <p>Thread-safety: {@code stop}, {@code close} and {@code report} may be called from any thread; the first
 * {@code stop} wins and later calls return the same report. Sessions nest and run concurrently on other threads:
 * each has its own window.
 */
public final class IopsSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IopsSession.class);
    private static final OpSink NO_SINK = op -> { };

    private final Profiler profiler;
    private final Scope scope;
    private final Recording recording;
    private final Aggregator aggregator;
    private final List<String> notes;
    private final long startNanos;

    private IopsReport report;
    private IopsException failure;
    /** Set by the builder right after open when devices() was asked; read after the profiler stops. */
    volatile Devices.Window devices;

    private IopsSession(Profiler profiler, Scope scope, Recording recording, Aggregator aggregator, List<String> notes) {
        this.profiler = profiler;
        this.scope = scope;
        this.recording = recording;
        this.aggregator = aggregator;
        this.notes = notes;
        this.startNanos = System.nanoTime(); // last: the window is open, the block starts now
    }

    /**
     * Starts the first candidate that is usable and starts; see {@link Iops.Builder#start()}.
     *
     * @param candidates capable profilers, best first
     * @param named      whether the caller named the profiler (no fallback then)
     * @param request    what to measure, for every candidate
     * @param explain    throws the full {@link NoProfilerException} when no candidate is usable
     */
    static IopsSession open(List<Profiler> candidates, boolean named, RecordingRequest request, Runnable explain) {
        Scope scope = request.scope();
        List<String> failures = new ArrayList<>();
        for (Profiler p : candidates) {
            if (!Selector.info(p).usable()) {
                if (named) {
                    explain.run();
                }
                continue; // not a failure: an unusable profiler is simply not a candidate here
            }
            // Created before the window opens: nothing is allocated or class-loaded between block end and window close.
            Aggregator aggregator = p.capabilities().contains(Capability.OPERATION_SIZES) ? new Aggregator() : null;
            Recording recording;
            try {
                recording = p.start(request);
                if (recording == null) {
                    throw new ProfilerStartException("start() returned null (a bug in " + p.getClass().getName() + ")");
                }
            } catch (RuntimeException e) {
                if (named) {
                    throw e instanceof IopsException ie ? ie
                            : new ProfilerStartException("Profiler '" + p.name() + "' failed to start: " + e, e);
                }
                LOG.warn("iops: profiler '{}' failed to start, trying the next candidate: {}", p.name(), e.getMessage());
                failures.add(p.name() + " could not start (" + e.getMessage() + ")");
                continue;
            }
            List<String> notes = new ArrayList<>();
            for (String f : failures) {
                notes.add(f + "; measured with " + p.name() + " instead");
            }
            return new IopsSession(p, scope, recording, aggregator, notes);
        }
        if (failures.isEmpty()) {
            explain.run();
            throw new NoProfilerException("No iops profiler is usable here any more (availability changed during "
                    + "selection); see Iops.profilers()", List.of());
        }
        throw new NoProfilerException("Every usable iops profiler failed to start for "
                + Selector.wanted(request.scope(), request.perOperation(), request.callSites()) + ":\n  - "
                + String.join("\n  - ", failures),
                candidates.stream().map(Selector::info).collect(Collectors.toList()));
    }

    /**
     * Stops the measurement and returns its report. The first call ends the window; later calls return the same
     * report (or throw the same exception).
     *
     * @return the report, never {@code null}
     * @throws IncompleteReportException if the profiler failed during the block; it carries the partial report
     * @throws IopsException             if the profiler failed to stop
     */
    public IopsReport stop() {
        long end = System.nanoTime();
        synchronized (this) {
            if (report != null) {
                return report;
            }
            if (failure != null) {
                throw failure;
            }
            long elapsed = Math.max(0, end - startNanos);
            try {
                if (aggregator != null) {
                    aggregator.window(elapsed);
                }
                RecordingResult result = recording.stop(aggregator != null ? aggregator : NO_SINK);
                report = withDevices(build(result, elapsed));
                return report;
            } catch (RecordingFailedException e) {
                IopsReport partial = withDevices(build(RecordingResult.ofOperations(), elapsed)).withNote(
                        "PARTIAL: " + profiler.name() + " failed during the block (" + e.getMessage()
                                + "); these figures undercount it");
                failure = new IncompleteReportException("Profiler '" + profiler.name()
                        + "' failed during the measured block: " + e.getMessage()
                        + ". The partial report is attached (IncompleteReportException.partialReport()).", partial, e);
                throw failure;
            } catch (RuntimeException e) {
                failure = e instanceof IopsException ie ? ie
                        : new IopsException("Profiler '" + profiler.name() + "' failed to stop: " + e, e);
                throw failure;
            } finally {
                recording.close();
            }
        }
    }

    private IopsReport withDevices(IopsReport r) {
        Devices.Window d = devices;
        return d == null ? r : d.end(r);
    }

    private IopsReport build(RecordingResult result, long elapsedNanos) {
        List<String> all = new ArrayList<>(notes);
        all.addAll(result.notes());
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
            throw new IopsException("Profiler '" + profiler.name() + "' returned neither counters nor operations "
                    + "(a bug in " + profiler.getClass().getName() + ": declare Capability.OPERATION_SIZES or return counters)");
        }
        IoTotals t = aggregator.totals();
        return new IopsReport(profiler.name(), scope, Duration.ofNanos(elapsedNanos), t.readOps(), t.writeOps(),
                t.bytesRead(), t.bytesWritten(), Aggregator.measuredFigures(), Optional.empty(),
                Optional.of(aggregator.histogram()), Optional.of(aggregator.detail()), all);
    }

    /**
     * Stops the session if it is running. Safe to call more than once.
     *
     * @throws IncompleteReportException if the profiler failed during the block (see {@link #stop()})
     */
    @Override
    public void close() {
        stop();
    }

    /**
     * The report of a stopped session.
     *
     * @return the report, the same object {@link #stop()} returned
     * @throws IllegalStateException     if the session is still running
     * @throws IncompleteReportException if the profiler failed during the block
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

    /** @return true until the session is stopped */
    public synchronized boolean isRunning() {
        return report == null && failure == null;
    }

    @Override
    public String toString() {
        return "IopsSession[profiler=" + profiler.name() + ", scope=" + scope + ", running=" + isRunning() + "]";
    }
}
