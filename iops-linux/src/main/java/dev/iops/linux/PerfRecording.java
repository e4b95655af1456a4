package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.OpSink;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One session's window of a {@link PerfRecorder}: enabled at the start of the block, disabled at its end, its
 * events read from perf's file with the Java reader. Its own work (spawning perf, the control pipe, reading)
 * runs inside the session's stretches of own work ({@link SelfIo#ownWork}), so no other perf window counts it.
 * Not thread-safe beyond the {@link Recording} contract.
 */
final class PerfRecording implements Recording {
    /** What a session needs to run perf. */
    record Settings(Path perf, PerfSyscalls table, int bufferPages, Duration timeout, Duration linger) {
    }

    private final Settings settings;
    private final Scope scope;
    private final PerfPool pool;
    private final long tid;
    private PerfRecorder recorder;
    private SelfIo.Registration attached;
    private SelfIo.Registration ownWork;
    private Map<Long, TraceWindow.Target> startFds = Map.of();
    private long beginNanos;
    private long snapshotNanos;
    private boolean stopped;
    private boolean closed;
    private boolean reusable;

    PerfRecording(Settings settings, Scope scope, PerfPool pool) {
        this.settings = settings;
        this.scope = scope;
        this.pool = pool;
        long id;
        try {
            id = AffinityHelper.currentTid();
        } catch (IOException | RuntimeException e) {
            throw new ProfilerStartException("perf: the OS id of this thread could not be read from /proc/thread-self ("
                    + e.getMessage() + "); is /proc mounted? Or use -Diops.profiler=strace.", e);
        }
        this.tid = id;
    }

    /** Takes a lingering recorder or starts one, and opens the window: its start time is the last thing taken. */
    void begin() {
        try {
            recorder = pool.take();
            if (recorder == null) {
                recorder = PerfRecorder.start(settings);
            }
            ownWork = SelfIo.readOwnWork(); // from now on, other sessions' starts and stops are marked
            try {
                recorder.enable();
            } catch (IOException e) {
                throw new ProfilerStartException(PerfMessages.startFailure(recorder.log(), e.getMessage()), e);
            }
            attached = SelfIo.attachedTracer(PerfProfiler.NAME);
            snapshotNanos = System.nanoTime(); // perf records from its enable: releases from here end these paths
            startFds = ProcFds.snapshot();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        beginNanos = System.nanoTime();
    }

    @Override
    public RecordingResult stop(OpSink sink) {
        long endNanos = System.nanoTime(); // first: close the window
        // A block that leaves its thread interrupted still gets its report: FileChannel reads would fail on the
        // flag, and every wait here is bounded by the timeout anyway. The flag is restored for the caller.
        boolean interrupted = Thread.interrupted();
        try {
            return stop(sink, endNanos);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RecordingResult stop(OpSink sink, long endNanos) {
        if (stopped || closed) {
            throw new IllegalStateException("this perf recording was already stopped or closed");
        }
        stopped = true;
        Map<Long, TraceWindow.Target> endFds = ProcFds.snapshot();
        if (!recorder.isAlive()) {
            String log = recorder.log();
            throw new RecordingFailedException("perf record (pid " + recorder.pid() + ") exited during the block ("
                    + recorder.describeExit() + (log.isBlank() ? "" : "; it said: " + PerfMessages.lastLines(log, 3))
                    + "), so the block's events are lost (was it killed?)");
        }
        try {
            recorder.disable();
            recorder.drain();
        } catch (IOException e) {
            throw recorder.failed(e);
        } finally {
            attached.close();
        }
        Map<Long, TraceWindow.Target> startAt = startFds;
        PerfWindow window = PerfWindow.ofThisJvm(settings.table(), beginNanos, endNanos,
                scope == Scope.THREAD ? tid : -1, startAt::get, endFds::get, sink).releasesFrom(snapshotNanos);
        PerfData.Summary summary;
        try {
            summary = recorder.read(window);
        } catch (IOException e) {
            throw new RecordingFailedException("perf's data file for the block could not be read: " + e, e);
        }
        window.finish();
        if (summary.lost() > 0) {
            throw new RecordingFailedException(PerfMessages.lost(summary.lost(), summary.samples()));
        }
        reusable = !settings.linger().isZero();
        List<String> notes = new ArrayList<>();
        if (window.unresolved() > 0) {
            notes.add("perf: " + window.unresolved() + " operations have no path: their descriptors were opened and "
                    + "closed inside the block, or they were made by a child process (tracepoints carry descriptor "
                    + "numbers; paths come from /proc/self/fd at the block's start and end)");
        }
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (attached != null) {
                attached.close();
            }
            if (recorder != null) {
                if (reusable) {
                    pool.give(recorder, settings.linger()); // disabled, drained: the next session skips the spawn
                } else {
                    PerfPool.end(recorder);
                }
            }
        } finally {
            if (ownWork != null) {
                ownWork.close();
            }
        }
    }
}
