package dev.iops.windows;

import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;

import java.util.Locale;
import java.util.Set;

/**
 * Windows process I/O counters, named {@code iocounters}: {@code GetProcessIoCounters} read before and after
 * the block, the Windows counterpart of Linux's {@code procfs}. {@code ReadOperationCount} and
 * {@code WriteOperationCount} are the operation counts and {@code ReadTransferCount}/{@code WriteTransferCount}
 * the bytes, for every I/O request of the process whatever its target (files, devices, pipes, network);
 * requests that are neither reads nor writes are reported in a note, not in the figures.
 *
 * <p>{@link Scope#PROCESS} only (Windows keeps no per-thread I/O counters) and count-only (no sizes per
 * operation, so no histogram). Priority {@value #PRIORITY}, the exact-OS-counter band.
 *
 * <h2>With {@code jfr} on Windows</h2>
 * Selection takes the highest priority that can do what was asked, so on Windows:
 * <ul>
 *   <li>a plain request ({@code Scope.PROCESS}, no histogram) is measured by {@code iocounters} (200 beats
 *       jfr's 150): exact operation counts of the whole process, including I/O the JVM does not report;</li>
 *   <li>a {@code histogram()} request, or {@link Scope#THREAD}, is measured by {@code jfr}, which sees each
 *       JVM-level operation with its size, thread, path and duration, but not memory-mapped I/O,
 *       {@code transferTo}, {@code AsynchronousFileChannel} or native code.</li>
 * </ul>
 * One session uses one profiler; to compare the two, measure the block once with each
 * ({@code Iops.with().profiler("iocounters")} and {@code .profiler("jfr")}).
 *
 * <h2>Off Windows</h2>
 * {@link #availability()} says "needs Windows" and neither JNA's native library nor kernel32 is ever loaded.
 * Thread-safe.
 */
public final class IoCountersProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "iocounters";
    /** This profiler's priority: exact OS counter band. */
    public static final int PRIORITY = 200;

    private static final String JNA_NATIVE = "com.sun.jna.Native";

    private final String osName;
    private volatile boolean warm;

    /** Creates the profiler for the OS this JVM runs on; it loads nothing until a recording starts. */
    public IoCountersProfiler() {
        this(System.getProperty("os.name", ""));
    }

    /** For selection tests: the profiler as it would be on {@code osName}. Never loads native code by itself. */
    IoCountersProfiler(String osName) {
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

    /** @return no capability beyond process-wide counts: an empty set */
    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public Availability availability() {
        if (!isWindows()) {
            return Availability.forOtherPlatform("needs Windows (GetProcessIoCounters); this is " + osName);
        }
        // Only asks whether the class is there: initialising it would unpack and load JNA's native library.
        try {
            Class.forName(JNA_NATIVE, false, IoCountersProfiler.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.unusable("needs JNA (net.java.dev.jna:jna) next to iops-windows; it is not on the "
                    + "class path or module path");
        }
        return Availability.ready();
    }

    private boolean isWindows() {
        return osName.toLowerCase(Locale.ROOT).startsWith("windows");
    }

    @Override
    public Recording start(RecordingRequest request) {
        if (!isWindows()) {
            throw new ProfilerStartException("iocounters needs Windows (GetProcessIoCounters); this is " + osName
                    + ". Use procfs on Linux, or jfr anywhere.");
        }
        if (request.scope() != Scope.PROCESS) {
            throw new ProfilerStartException("iocounters counts the whole process only, not " + request.scope()
                    + ": Windows keeps no per-thread I/O counters. Use Scope.PROCESS, or jfr for Scope.THREAD.");
        }
        try {
            if (!warm) {
                Kernel32Io.read(); // loads JNA and kernel32 outside any window
                warm = true;
            }
            return new IoCountersRecording(Kernel32Io.read()); // last: the first reading opens the window
        } catch (RuntimeException | LinkageError e) {
            throw new ProfilerStartException("iocounters could not read the process I/O counters: " + e
                    + ". Check that JNA's native library can load (jna.tmpdir writable, not blocked by policy), "
                    + "or use jfr.", e);
        }
    }

    /** One window: the reading at its start. */
    private static final class IoCountersRecording implements Recording {
        private final ProcessIoCounters before;

        IoCountersRecording(ProcessIoCounters before) {
            this.before = before;
        }

        @Override
        public RecordingResult stop(OpSink sink) {
            ProcessIoCounters after;
            try {
                after = Kernel32Io.read(); // first: close the window
            } catch (RuntimeException e) {
                throw new RecordingFailedException("iocounters could not read the process I/O counters at the end "
                        + "of the block: " + e.getMessage(), e);
            }
            try {
                return ProcessIoCounters.window(before, after);
            } catch (IllegalArgumentException e) {
                throw new RecordingFailedException("iocounters read inconsistent counters: " + e.getMessage(), e);
            }
        }

        /** Holds nothing: the process handle is a pseudo-handle and the buffers are Java arrays. */
        @Override
        public void close() {
        }
    }

    @Override
    public String toString() {
        return "IoCountersProfiler[" + NAME + ", priority " + PRIORITY + "]";
    }
}
