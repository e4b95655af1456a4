package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.OpSink;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * One session's window of the shared trace, between its begin and end markers. Not thread-safe beyond the
 * {@link Recording} contract.
 */
final class StraceRecording implements Recording {
    private static final long POLL_NANOS = 100_000;

    private final StraceTracer tracer;
    private final Scope scope;
    private final Duration linger;
    private final Duration timeout;
    private final Path beginMarker;
    private final Path endMarker;
    private long startOffset = -1;
    private boolean stopped;
    private boolean closed;

    StraceRecording(StraceTracer tracer, Scope scope, Duration linger, Duration timeout) {
        this.tracer = tracer;
        this.scope = scope;
        this.linger = linger;
        this.timeout = timeout;
        this.beginMarker = tracer.newMarker("begin");
        this.endMarker = tracer.newMarker("end");
    }

    /** Opens the window: the begin marker is the very last thing done. */
    void begin() throws IOException {
        // strace appends, so the begin marker's line will be at or after the file's present size
        startOffset = tracer.size();
        StraceTracer.marker(beginMarker);
    }

    @Override
    public RecordingResult stop(OpSink sink) {
        StraceTracer.marker(endMarker); // first: close the window
        if (stopped || closed) {
            throw new IllegalStateException("this strace recording was already stopped or closed");
        }
        stopped = true;
        TraceWindow window = new TraceWindow(beginMarker.toString(), endMarker.toString(), scope == Scope.THREAD,
                tracer.ownPaths(), sink);
        TraceFileReader reader = new TraceFileReader(tracer.channel(), startOffset);
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            // strace writes a line before it lets the thread return from the call, so the end marker is normally
            // in the file already and one pass suffices; the loop covers a slow tracer, bounded by the timeout.
            while (true) {
                reader.readAvailable(window);
                if (window.ended()) {
                    break;
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
                    + e.getMessage(), e);
        }
        List<String> notes = new ArrayList<>();
        long skipped = window.garbageLines() + reader.skippedLines();
        if (skipped > 0) {
            notes.add("strace: " + skipped + " trace line(s) in the window could not be parsed and were skipped");
        }
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            StraceTracer.release(tracer, linger);
        }
    }
}
