package dev.iops.macos;

import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.IoCounters;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.SelfIo;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;

import java.util.Set;

/**
 * OSHI's process counters, named {@code oshi}: {@code OSProcess.getBytesRead()} and {@code getBytesWritten()}
 * read before and after the block. A bytes-only source (priority {@value #PRIORITY}, the approximate band): OSHI
 * gives no operation counts, so the report shows them as unknown ({@code n/a} in text, {@code null} in JSON),
 * never as 0.
 *
 * <p>What the bytes are depends on the OS, as OSHI reads them:
 * <ul>
 *   <li>macOS: {@code proc_pid_rusage} disk I/O bytes, storage-level;</li>
 *   <li>Linux: {@code /proc/<pid>/io} {@code read_bytes}/{@code write_bytes}, storage-level (page-cache hits do
 *       not show; writes show when the kernel sends them to the device, so call {@code fsync} inside the block
 *       to see them there);</li>
 *   <li>Windows: every I/O transfer of the process (files, devices, pipes, network).</li>
 * </ul>
 * {@link Scope#PROCESS} only. The first recording loads OSHI and JNA (a few hundred milliseconds) before its
 * window opens. OSHI's own reads of {@code /proc} are bracketed with {@link SelfIo#meter()}. Thread-safe.
 */
public final class OshiProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "oshi";
    /** This profiler's priority: bytes-only counters. */
    public static final int PRIORITY = 50;

    private final String osName;
    private volatile OSProcess process;

    /** Creates the profiler; it loads nothing until a recording starts. */
    public OshiProfiler() {
        this(System.getProperty("os.name", ""));
    }

    OshiProfiler(String osName) {
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

    /** @return no capability beyond process-wide byte counts: an empty set */
    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public Availability availability() {
        return OshiSupport.availability(osName, "process counters");
    }

    @Override
    public Recording start(RecordingRequest request) {
        if (request.scope() != Scope.PROCESS) {
            throw new ProfilerStartException("oshi counts the whole process only, not " + request.scope()
                    + ": OSHI has no per-thread I/O counters. Use Scope.PROCESS, or a tracer for Scope.THREAD.");
        }
        OSProcess p;
        try {
            p = process();
        } catch (RuntimeException | LinkageError e) {
            throw new ProfilerStartException("oshi could not read this process through OSHI: " + e
                    + ". Check that JNA's native library can load (jna.tmpdir writable), or use another profiler.", e);
        }
        return new OshiRecording(p, snapshot(p, "start")); // last: the first snapshot opens the window
    }

    private OSProcess process() {
        OSProcess p = process;
        if (p == null) {
            synchronized (this) {
                p = process;
                if (p == null) {
                    p = new SystemInfo().getOperatingSystem().getCurrentProcess(); // loads OSHI and JNA, once
                    process = p;
                }
            }
        }
        return p;
    }

    /** @return {bytesRead, bytesWritten} now; OSHI's OSProcess is not thread-safe, so one reader at a time */
    private static long[] snapshot(OSProcess p, String when) {
        synchronized (p) {
            boolean fresh;
            try (SelfIo.Meter ignored = SelfIo.meter()) {
                fresh = p.updateAttributes();
            }
            if (!fresh) {
                throw new RecordingFailedException("OSHI could not refresh this process's counters at the " + when
                        + " of the block (the process looked gone to OSHI)");
            }
            return new long[] {p.getBytesRead(), p.getBytesWritten()};
        }
    }

    /** One window: the counters at its start. */
    private static final class OshiRecording implements Recording {
        private final OSProcess process;
        private final long[] before;

        OshiRecording(OSProcess process, long[] before) {
            this.process = process;
            this.before = before;
        }

        @Override
        public RecordingResult stop(OpSink sink) {
            long[] after = snapshot(process, "end"); // first: close the window
            long read = after[0] - before[0];
            long written = after[1] - before[1];
            if (read < 0 || written < 0) {
                throw new RecordingFailedException("OSHI's byte counters went backwards (read " + read + ", written "
                        + written + ")");
            }
            return RecordingResult.ofCounters(IoCounters.bytesOnly(read, written),
                    "oshi counts bytes only: operation counts are unknown; on Linux and macOS the bytes are "
                            + "storage-level (page-cache reads do not show, writes show when flushed)");
        }

        /** Holds nothing: OSHI's process object is shared and read-only here. */
        @Override
        public void close() {
        }
    }

    @Override
    public String toString() {
        return "OshiProfiler[" + NAME + ", priority " + PRIORITY + "]";
    }
}
