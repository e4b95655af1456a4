package dev.iops.macos;

import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.PropertyValues;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;
import dev.iops.tracer.SharedTracer;
import dev.iops.tracer.TraceFileReader;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;

/**
 * macOS per-operation tracer, named {@code fs_usage}: {@code fs_usage -w -f filesys <pid>} (ktrace) run as root,
 * shared by every session of the JVM, each session a marker-delimited window of its output. Sees every
 * {@code read}/{@code write}/{@code pread}/{@code pwrite}/{@code readv}/{@code writev} of the process with its
 * size ({@code B=}, the bytes actually transferred), thread, path (followed from {@code open}) and latency, native
 * and JDK-internal I/O included; {@code RdData}/{@code WrData} disk lines are storage-level and kept out of the
 * operation counts (a note gives this process's storage bytes). Priority {@value #PRIORITY}, the exact-tracer band.
 *
 * <p>Root: the JVM as root, {@code sudo -n} with the sudoers line {@value FsUsageLaunch#SUDOERS_LINE}, else the
 * administrator dialog, once per JVM (that fs_usage then stays until the JVM exits). Only the fs_usage this JVM
 * started is ever stopped, by its pid. If ktrace is busy ("Resource busy": Instruments, another fs_usage) the
 * start fails with a message that says so. A {@code buffer overrun} (the kernel dropped events) makes the report
 * incomplete: {@link dev.iops.IncompleteReportException} with the partial report, never a silent undercount.
 *
 * <p>Not run on macOS by its author; every decision and the parser are tested on recorded fs_usage output.
 * Thread-safe.
 */
public final class FsUsageProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "fs_usage";
    /** This profiler's priority: exact OS-level tracer band. */
    public static final int PRIORITY = 320;
    /** System property: how long to wait for fs_usage to start and to print a window's end, in milliseconds. */
    public static final String TIMEOUT_PROPERTY = "iops.fs_usage.timeout";

    private static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.OPERATION_SIZES,
            Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY, Capability.TIMELINE));
    private static final long MAX_TRACE_BYTES = 1L << 30;

    private final String osName;

    /** Creates the profiler; nothing starts until a recording does. */
    public FsUsageProfiler() {
        this(System.getProperty("os.name", ""));
    }

    FsUsageProfiler(String osName) {
        this.osName = osName;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Availability availability() {
        return FsUsageLaunch.availability(osName, Files.isExecutable(FsUsageLaunch.FS_USAGE));
    }

    /** @return {@value #TIMEOUT_PROPERTY}, checked: 1 ms to a day */
    static Duration timeout() {
        return Duration.ofMillis(PropertyValues.wholeNumber(TIMEOUT_PROPERTY, 10_000, 1, 86_400_000, "milliseconds"));
    }

    @Override
    public Recording start(RecordingRequest request) {
        request.requirePlatformThread(NAME);
        Availability a = availability();
        if (!a.usable()) {
            throw new ProfilerStartException(a.reason());
        }
        Duration timeout = timeout();
        FsUsageRecording r = new FsUsageRecording(request.scope(), timeout);
        try {
            r.begin(timeout);
        } catch (RuntimeException | IOException e) {
            r.close();
            throw e instanceof ProfilerStartException p ? p
                    : new ProfilerStartException("fs_usage could not open a window: " + e, e);
        }
        return r;
    }

    /** One session's window of the shared fs_usage output. */
    private static final class FsUsageRecording implements Recording {
        private final Scope scope;
        private final Duration timeout;
        private SharedTracer<Duration, FsUsageTracer>.Lease lease;
        private String begin;
        private String end;
        private long startOffset;
        private boolean closed;

        FsUsageRecording(Scope scope, Duration timeout) {
            this.scope = scope;
            this.timeout = timeout;
        }

        void begin(Duration attachTimeout) throws IOException {
            // The admin dialog is once per JVM: that fs_usage lingers; one started by root or sudo -n does not.
            Duration linger = FsUsageTracer.privilege() == FsUsageLaunch.Privilege.ADMIN_DIALOG
                    ? Duration.ofDays(3650) : Duration.ZERO;
            lease = FsUsageTracer.SHARED.acquire(attachTimeout, new SharedTracer.Policy(linger, MAX_TRACE_BYTES,
                    MAX_TRACE_BYTES, Duration.ofSeconds(1)), this);
            FsUsageTracer t = lease.tracer();
            begin = t.newMarker("b");
            end = t.newMarker("e");
            startOffset = t.trace().size(); // fs_usage appends: the begin marker's line comes after this
            FsUsageTracer.marker(java.nio.file.Path.of(FsUsageTracer.MARKER_DIR + begin)); // last: opens the window
        }

        @Override
        public RecordingResult stop(OpSink sink) {
            FsUsageTracer.marker(java.nio.file.Path.of(FsUsageTracer.MARKER_DIR + end)); // first: close the window
            FsUsageTracer t = lease.tracer();
            FsUsageWindow window = new FsUsageWindow(begin, end, scope, t.ownPaths(), Set.of(t.traceFd()), sink);
            TraceFileReader reader = new TraceFileReader(t.trace(), startOffset);
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean interrupted = Thread.interrupted(); // never cut short by the caller's flag, which is kept
            try {
                // fs_usage prints a record when the call completes, from a buffer it drains a few times a second
                while (true) {
                    reader.readAvailable(window);
                    if (window.done()) {
                        break;
                    }
                    if (lease.revocation() != null) {
                        throw new RecordingFailedException(lease.revocation());
                    }
                    if (!t.isAlive() || System.nanoTime() - deadline > 0) {
                        reader.readAvailable(window);
                        if (window.done()) {
                            break;
                        }
                        FsUsageWindow.Summary s = window.summary();
                        throw new RecordingFailedException("fs_usage " + (t.isAlive() ? "did not print the end of "
                                + "the block within " + timeout.toMillis() + " ms (raise -D" + TIMEOUT_PROPERTY
                                + "=MILLIS)" : "stopped during the block") + "; " + s.operations()
                                + " operations were read" + (s.begun() ? "" : " (the window never opened)"));
                    }
                    LockSupport.parkNanos(1_000_000);
                }
            } catch (IOException e) {
                throw new RecordingFailedException("could not read fs_usage's output " + t.trace().path() + ": " + e, e);
            } finally {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
            }
            FsUsageWindow.Summary s = window.summary();
            if (s.overrun()) {
                throw new RecordingFailedException("fs_usage reported a buffer overrun (the kernel dropped events "
                        + "generated too quickly); " + s.operations() + " operations were seen, the block did more");
            }
            List<String> notes = new ArrayList<>();
            notes.add("fs_usage: storage-level (disk) bytes of this process's threads in the window: read "
                    + s.storageReadBytes() + ", written " + s.storageWriteBytes() + "; not operations (writes reach "
                    + "the disk when flushed, possibly after the block)");
            if (s.unsized() > 0) {
                notes.add("fs_usage: " + s.unsized() + " data call(s) printed without a byte count were not counted");
            }
            return RecordingResult.ofOperations(notes.toArray(new String[0]));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                if (lease != null) {
                    lease.close();
                }
            }
        }
    }

    @Override
    public String toString() {
        return "FsUsageProfiler[" + NAME + ", priority " + PRIORITY + "]";
    }
}
