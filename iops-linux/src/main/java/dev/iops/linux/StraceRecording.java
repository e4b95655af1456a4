package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.OpSink;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.Slowdown;
import dev.iops.tracer.SharedTracer;
import dev.iops.tracer.TraceFileReader;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One session's window of the shared trace, between its begin and end markers, holding a lease on the shared
 * tracer. A recording that is never closed is released by the scaffold's cleaner once unreachable. Not
 * thread-safe beyond the {@link Recording} contract.
 */
final class StraceRecording implements Recording {
    private static final long POLL_NANOS = 100_000;
    /** Sessions open per pinned thread: only the outermost one pins and restores. */
    private static final java.util.concurrent.ConcurrentHashMap<Long, Integer> PINNED =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final Scope scope;
    private final Duration timeout;
    private SharedTracer<StraceTracer.Settings, StraceTracer>.Lease lease;
    private StraceTracer tracer;
    private Path beginMarker;
    private Path endMarker;
    private long startOffset = -1;
    private long pinnedTid = -1;
    private boolean stopped;
    private boolean closed;

    StraceRecording(Scope scope, Duration timeout) {
        this.scope = scope;
        this.timeout = timeout;
    }

    /**
     * Takes a lease on the shared tracer (attaching it if needed) and opens the window: the begin marker is the
     * very last thing done.
     *
     * @throws dev.iops.spi.ProfilerStartException if strace cannot attach
     */
    void begin(StraceTracer.Settings settings, SharedTracer.Policy policy) throws IOException {
        lease = StraceTracer.SHARED.acquire(settings, policy, this);
        tracer = lease.tracer();
        beginMarker = tracer.newMarker("begin");
        endMarker = tracer.newMarker("end");
        pinThread();
        // strace appends, so the begin marker's line will be at or after the file's present size; read from earlier
        // when another thread's own work began before it, so that its calls are known as the library's
        startOffset = tracer.readFrom();
        StraceTracer.marker(beginMarker);
    }

    @Override
    public RecordingResult stop(OpSink sink) {
        StraceTracer.marker(endMarker); // first: close the window
        if (stopped || closed) {
            throw new IllegalStateException("this strace recording was already stopped or closed");
        }
        stopped = true;
        String revoked = lease.revocation();
        if (revoked != null) {
            throw new RecordingFailedException(revoked + " (-D" + StraceProfiler.MAX_TRACE_PROPERTY + "); its trace "
                    + "file is gone, so no operation of this block can be reported");
        }
        // never interruptible: a caller whose flag is set gets an exact report, and the flag back
        boolean interrupted = Thread.interrupted();
        try {
            return read(sink);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RecordingResult read(OpSink sink) {
        TraceWindow window = new TraceWindow(beginMarker.toString(), endMarker.toString(), scope == Scope.THREAD,
                tracer.ownPaths(), sink);
        TraceFileReader reader = new TraceFileReader(tracer.trace(), startOffset);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // strace writes a line before it lets the thread return from the call, so the end marker is normally
            // in the file already and one pass suffices; the loop covers a slow tracer, bounded by the timeout.
            while (true) {
                reader.readAvailable(window);
                if (window.ended()) {
                    break;
                }
                if (lease.revocation() != null) {
                    throw new RecordingFailedException(lease.revocation() + " (-D" + StraceProfiler.MAX_TRACE_PROPERTY
                            + "); " + window.operations() + " operations were read before that");
                }
                String unwritten = tracer.writeFailure();
                if (unwritten != null) {
                    reader.readAvailable(window); // what the writer wrote before it stopped
                    if (window.ended()) {
                        break; // the whole window was written before: exact
                    }
                    throw new RecordingFailedException(unwritten + " during the measured block, so every operation "
                            + "after that point is lost (" + window.operations() + " operations were read before it). "
                            + tracer.writeAdvice() + ", or use -Diops.profiler=procfs");
                }
                if (!tracer.isAlive()) {
                    reader.readAvailable(window);
                    if (window.ended()) {
                        break;
                    }
                    throw new RecordingFailedException("strace (pid " + tracer.pid() + ") stopped tracing during the "
                            + "measured block (" + tracer.describeExit() + "); " + window.operations()
                            + " operations were captured before that" + (window.begun() ? "" : " (none: the window "
                            + "never opened)") + ". Was it killed, or did it run out of disk for " + tracer.traceFile()
                            + "?");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new RecordingFailedException("strace (pid " + tracer.pid() + ") did not record the end of "
                            + "the block within " + timeout.toMillis() + " ms (" + (window.begun()
                            ? "the window opened; " + window.operations() + " operations captured"
                            : "the window never opened") + "). The machine may be overloaded; raise "
                            + "-Diops.strace.timeout=MILLIS.");
                }
                LockSupport.parkNanos(POLL_NANOS);
            }
        } catch (IOException e) {
            throw new RecordingFailedException("could not read strace's trace file " + tracer.traceFile() + ": "
                    + e, e);
        }
        List<String> notes = new ArrayList<>();
        long skipped = window.garbageLines() + reader.skippedLines();
        if (skipped > 0) {
            notes.add("strace: " + skipped + " trace line(s) in the window could not be parsed and were skipped");
        }
        return RecordingResult.ofOperations(notes.toArray(new String[0])).withSlowdown(new Slowdown(
                StraceProfiler.NAME, window.calls(), Duration.ofNanos(tracer.costPerCallNanos())));
    }

    /** With iops.strace.pin=thread: puts the session thread on strace's CPU, before the window opens. */
    private void pinThread() {
        AffinityHelper helper = tracer.helper();
        if (helper == null) {
            return;
        }
        try {
            long tid = AffinityHelper.currentTid();
            pinnedTid = tid;
            if (PINNED.merge(tid, 1, Integer::sum) == 1) {
                helper.pin(tid, tracer.cpu());
            }
        } catch (IOException | RuntimeException e) {
            // pinning is an optimisation: measure unpinned rather than fail
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (lease == null) {
                return; // the attach failed: nothing was taken
            }
            try {
                unpinThread();
            } finally {
                lease.close();
            }
        }
    }

    /** Gives the thread its CPU set back when its outermost session ends (after the window closed). */
    private void unpinThread() {
        if (pinnedTid < 0) {
            return;
        }
        Integer left = PINNED.computeIfPresent(pinnedTid, (tid, n) -> n == 1 ? null : n - 1);
        if (left == null) {
            try {
                tracer.helper().unpin(pinnedTid);
            } catch (IOException | RuntimeException e) {
                // the helper died: the thread keeps the CPU set it had during the session
            }
        }
    }
}
