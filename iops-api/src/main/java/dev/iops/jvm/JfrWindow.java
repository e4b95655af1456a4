package dev.iops.jvm;

import dev.iops.Scope;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.SelfIo;
import jdk.jfr.EventSettings;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One measured block: its own {@link jdk.jfr.Recording}, writing to its own file. The only class that drives
 * Flight Recorder; {@link JfrEvents} maps what it reads back.
 *
 * <p>Not thread-safe beyond the {@link Recording} contract (stop at most once, then close).
 */
final class JfrWindow implements Recording {
    /** The notes of every report this profiler makes. */
    static final String[] NOTES = {
            "jfr sees JVM-level operations only: FileInputStream/FileOutputStream, RandomAccessFile, FileChannel "
                    + "read/write, socket streams and SocketChannel. It misses memory-mapped files, "
                    + "FileChannel.transferTo/transferFrom and Files.copy, AsynchronousFileChannel, native code and "
                    + "some socket adaptor reads",
            "jfr counts Java calls, not system calls; a call that threw shows as a 0-byte operation"
    };

    /** A rate no workload reaches: JFR's way of saying "every event" that survives combining with other recordings. */
    static final String UNTHROTTLED = "1000000000/s";

    private final jdk.jfr.Recording recording;
    private final Path file;
    private final long threadId;
    private final boolean callSites;
    private Instant origin;
    private long marksAtStart;
    private boolean closed;

    private JfrWindow(jdk.jfr.Recording recording, Path file, long threadId, boolean callSites) {
        this.recording = recording;
        this.file = file;
        this.threadId = threadId;
        this.callSites = callSites;
    }

    static boolean flightRecorderAvailable() {
        return FlightRecorder.isAvailable();
    }

    /**
     * Starts a recording for one block. The window opens with the recording's start; the origin of operation
     * offsets is taken right after it.
     *
     * @param scope  which threads to keep
     * @param thread    the session's thread, kept in THREAD scope
     * @param callSites whether to record stack traces and name each operation's call site
     * @return the running window
     * @throws ProfilerStartException if the file or the recording cannot be made
     */
    static JfrWindow open(Scope scope, Thread thread, boolean callSites) {
        // The library's own I/O on the caller's thread: not interruptible (JFR's file channels would close on an
        // interrupt), and booked in SelfIo so that an enclosing counting session takes it out.
        boolean interrupted = Thread.interrupted();
        try (SelfIo.Meter meter = SelfIo.meter()) {
            return openUninterrupted(scope, thread, callSites);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static JfrWindow openUninterrupted(Scope scope, Thread thread, boolean callSites) {
        String shortage = RecordingSpace.shortage(); // before anything makes JFR write
        if (shortage != null) {
            throw new ProfilerStartException(shortage + ".");
        }
        Path file;
        try {
            file = OwnFiles.create();
        } catch (IOException | RuntimeException e) {
            throw new ProfilerStartException("jfr could not create its recording file in " + OwnFiles.DIR + ": " + e
                    + ". Point -Djava.io.tmpdir to a writable directory, or use another profiler.", e);
        }
        jdk.jfr.Recording recording = null;
        JfrWindow window = null;
        try {
            recording = new jdk.jfr.Recording();
            recording.setName("iops " + file.getFileName());
            recording.setToDisk(true);
            recording.setDumpOnExit(false);
            for (String event : JfrEvents.ENABLED) {
                // threshold 0: every operation, however short; stacks only for call sites: they cost ~5x per operation
                // throttle: JDK 25's default.jfc samples these events at 100/s; JFR applies the highest rate of all
                // running recordings, so asking for this one makes the window exact beside any user recording.
                EventSettings settings = recording.enable(event).withThreshold(Duration.ZERO).with("throttle", UNTHROTTLED);
                if (callSites) {
                    settings.withStackTrace();
                } else {
                    settings.withoutStackTrace();
                }
            }
            recording.enable(OwnWorkEvent.NAME).withThreshold(Duration.ZERO).withoutStackTrace();
            // Set before start() so that stop() writes the file directly, without a separate dump.
            recording.setDestination(file);
            ExitHook.ensure();
            window = new JfrWindow(recording, file, scope == Scope.THREAD ? thread.getId() : JfrEvents.NO_THREAD,
                    callSites);
            OwnWorkMarks.windowOpened();
            OPEN.add(window);
            window.marksAtStart = OwnWorkMarks.committed();
            recording.start();
            registerRepository();
            // Last: the window is open. Events carry wall-clock Instants derived from JFR's ticks; Instant.now()
            // is on the same wall clock, close enough for a timeline split in 50 slices of the block.
            window.origin = Instant.now();
            return window;
        } catch (IOException | RuntimeException e) {
            if (window != null && OPEN.remove(window)) {
                OwnWorkMarks.windowClosed(); // a window that never opened marks nothing and is closed by nobody
            }
            if (recording != null) {
                recording.close();
            }
            OwnFiles.delete(file);
            throw new ProfilerStartException("jfr could not start a Flight Recorder recording: " + e
                    + ". Check -XX:FlightRecorderOptions and the JFR repository directory, or use another profiler.", e);
        }
    }

    /** Registers JFR's repository (its chunk files) as the library's own, once JFR has made it. */
    private static void registerRepository() {
        if (repository == null) {
            String dir = System.getProperty("jdk.jfr.repository");
            if (dir != null && !dir.isBlank()) {
                repository = SelfIo.ownPath(Path.of(dir));
            }
        }
    }

    private static volatile SelfIo.Registration repository;

    @Override
    public RecordingResult stop(OpSink sink) {
        boolean interrupted = Thread.interrupted(); // see open(): own I/O, never interrupted
        try (SelfIo.Meter meter = SelfIo.meter()) {
            return stopUninterrupted(sink);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RecordingResult stopUninterrupted(OpSink sink) {
        long marks = OwnWorkMarks.committed() - marksAtStart;
        try {
            recording.stop(); // first: close the window; JFR writes the destination file now
        } catch (RuntimeException e) {
            throw new RecordingFailedException("jfr could not stop its recording: " + e, e);
        }
        try (RecordingFile in = new RecordingFile(file)) {
            // Own work marked inside the window (a nested session's start and stop): a first pass collects the
            // stretches. One mark is this session's own, where its stop began (all after it is left out anyway).
            OwnWorkMarks.Stretches own = marks <= 1 ? OwnWorkMarks.Stretches.NONE : OwnWorkMarks.read(file);
            // Streamed: one event at a time, so memory does not grow with the number of operations.
            while (in.hasMoreEvents()) {
                RecordedEvent event = in.readEvent();
                long thread = JfrEvents.threadId(event);
                if (threadId != JfrEvents.NO_THREAD && thread != threadId) {
                    continue;
                }
                if (own.contains(thread, event.getStartTime())) {
                    continue;
                }
                Op op = JfrEvents.toOp(event, origin, callSites);
                if (op != null) {
                    sink.accept(op);
                }
            }
        } catch (IOException | RuntimeException e) {
            throw new RecordingFailedException("jfr could not read its recording " + file + " back: " + e, e);
        }
        return RecordingResult.ofOperations(NOTES);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (OPEN.remove(this)) {
            OwnWorkMarks.windowClosed();
        }
        try {
            recording.close();
        } catch (RuntimeException ignored) {
            // the recording is released by JFR either way; the file must still go
        } finally {
            OwnFiles.delete(file);
        }
    }

    /**
     * Windows still open, closed when the JVM exits: JFR's own exit hook writes a running recording to its
     * destination, possibly after a plain delete, so the recording is closed first (JFR serialises the two).
     */
    private static final java.util.Set<JfrWindow> OPEN = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static final class ExitHook {
        static {
            SelfIo.atExit(() -> {
                for (JfrWindow w : OPEN) {
                    w.close();
                }
            });
        }

        static void ensure() {
            // loading this class installs the hook, once
        }
    }

    /**
     * One throw-away block through the whole path, so that the first measured block does not pay JFR's start,
     * the JDK's class instrumentation or this package's class loading. Its scratch file is an own file, so a
     * session running on another thread meanwhile does not count this I/O.
     */
    static void warmUp(Thread thread) {
        Path scratch;
        try {
            scratch = OwnFiles.create();
        } catch (IOException e) {
            throw new ProfilerStartException("jfr could not create a file in " + OwnFiles.DIR + ": " + e, e);
        }
        try (JfrWindow window = open(Scope.THREAD, thread, false)) {
            try (OutputStream out = new FileOutputStream(scratch.toFile())) {
                out.write(new byte[16]);
            }
            try (InputStream in = new FileInputStream(scratch.toFile())) {
                while (in.read(new byte[16]) >= 0) {
                    // to end of file, as a workload would
                }
            }
            window.stop(op -> { });
        } catch (IOException e) {
            throw new ProfilerStartException("jfr warm-up I/O on " + scratch + " failed: " + e, e);
        } finally {
            OwnFiles.delete(scratch);
        }
    }
}
