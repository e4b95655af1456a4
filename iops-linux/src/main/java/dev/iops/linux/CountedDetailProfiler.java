package dev.iops.linux;

import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.Units;
import dev.iops.jvm.JfrProfiler;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.IoCounters;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The undistorted default for a {@code histogram()} on Linux without root: exact counts, bytes and a truthful clock
 * from {@code procfs}, per-operation detail (sizes, paths, latency, timeline, call sites) from {@code jfr}, over one
 * window. Named {@code procfs+jfr}.
 *
 * <h2>What comes from where</h2>
 * The report's operation counts, bytes and storage bytes are procfs's: every read-like and write-like system call
 * of the scope, whatever made it. Its size histogram, paths, latency, timeline and call sites are jfr's: every
 * JVM-level call of {@code FileInputStream}, {@code FileOutputStream}, {@code RandomAccessFile},
 * {@code FileChannel} and the socket streams. Each report says so in a note, with jfr's own totals; when the two
 * counts differ the report says by how many calls and bytes, in each direction: that is the I/O the JVM-level source
 * could not see ({@code FileChannel.transferTo} and {@code Files.copy} through {@code sendfile} or
 * {@code copy_file_range}, native code, {@code AsynchronousFileChannel}, the JVM's own reads). I/O through
 * memory-mapped files is no system call: it is in neither count, only in the storage bytes.
 *
 * <h2>How the two windows nest</h2>
 * jfr's window opens first and procfs's last, inside it; at the end procfs's window closes first. So procfs does not
 * count jfr's start, stop or reading its recording back (outside its window; jfr's recorder thread during the
 * window is one of the JVM's service threads, which procfs takes out in {@link Scope#PROCESS}), and jfr does not see
 * procfs's counter reads (the library's own paths, which it drops). The first start of each scope runs procfs once
 * through start and stop before jfr's window opens, so that no class is loaded inside jfr's window.
 *
 * <h2>Cost and failures</h2>
 * About jfr's cost per block (a few milliseconds, most of it reading the recording back after the block) plus
 * procfs's (a fraction of a millisecond); neither stops the measured code. Usable when both parts are; its reason
 * names the part that is not. A part that fails to start fails the start with a {@link ProfilerStartException}
 * naming it (automatic selection then falls back, to {@code jfr} alone for a virtual thread in
 * {@link Scope#THREAD}); a part that fails at the end makes the report incomplete, naming the part and what the
 * other one measured.
 *
 * <p>Priority {@value #PRIORITY}: below {@code procfs} (a plain request takes the cheaper counter alone), above
 * {@code jfr} (whose counts miss what the JVM does not report) and far above {@code strace} (whose ptrace stops slow
 * the block many times). Capabilities: jfr's, with {@link Capability#THREAD_SCOPE} and
 * {@link Capability#STORAGE_BYTES} from procfs.
 *
 * <p>Thread-safe: sessions on any threads each get their own pair of recordings.
 */
public final class CountedDetailProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "procfs+jfr";
    /** This profiler's priority: between procfs (200) and jfr (150); see {@link Profiler#priority()}. */
    public static final int PRIORITY = 180;

    private static final OpSink NO_SINK = op -> { };

    private final Profiler counts;
    private final Profiler detail;
    private final Set<Capability> capabilities;
    private final Object primeLock = new Object();
    /** procfs ran once through start and stop in that scope, outside any jfr window of this profiler. */
    private volatile boolean primedThread;
    private volatile boolean primedProcess;

    /** Creates the profiler over a procfs and a jfr profiler of its own; it holds nothing until a recording starts. */
    public CountedDetailProfiler() {
        this(new ProcfsProfiler(), new JfrProfiler());
    }

    /**
     * @param counts the source of counts and bytes (procfs)
     * @param detail the source of per-operation detail (jfr)
     */
    CountedDetailProfiler(Profiler counts, Profiler detail) {
        this.counts = counts;
        this.detail = detail;
        Set<Capability> c = EnumSet.copyOf(detail.capabilities());
        c.retainAll(EnumSet.of(Capability.OPERATION_SIZES, Capability.PATHS, Capability.LATENCY,
                Capability.TIMELINE, Capability.CALL_SITES));
        if (counts.capabilities().contains(Capability.THREAD_SCOPE)
                && detail.capabilities().contains(Capability.THREAD_SCOPE)) {
            c.add(Capability.THREAD_SCOPE);
        }
        if (counts.capabilities().contains(Capability.STORAGE_BYTES)) {
            c.add(Capability.STORAGE_BYTES);
        }
        this.capabilities = Collections.unmodifiableSet(c);
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
        return capabilities;
    }

    /** @return true: the counts are procfs's, read at both ends of the window */
    @Override
    public boolean countsFromCounters() {
        return true;
    }

    @Override
    public Availability availability() {
        Availability c = counts.availability();
        if (!c.usable()) {
            String reason = "its " + counts.name() + " part is not usable: " + c.reason();
            return c.otherPlatform() ? Availability.forOtherPlatform(reason) : Availability.unusable(reason);
        }
        Availability d = detail.availability();
        if (!d.usable()) {
            return Availability.unusable("its " + detail.name() + " part is not usable: " + d.reason());
        }
        return Availability.ready();
    }

    /**
     * Warms the counting part only. jfr's first recording (about a second of JFR start-up, recording-file writes and
     * reads) is left to the first {@link #start}, where it runs before either window opens: made on the background
     * warm-up thread, its I/O straddles the first blocks that procfs measures in {@link Scope#PROCESS} (the plain
     * default), which then count part of it (measured: 1 to 40 reads too many in empty blocks during the JVM's first
     * second) or take out more than it did in their window. The price: the first {@code histogram()} block of a JVM
     * waits for JFR's start, outside its measured figures.
     */
    @Override
    public void warmUp() {
        counts.warmUp();
    }

    @Override
    public Recording start(RecordingRequest request) {
        if (request.scope() == Scope.THREAD) {
            request.requirePlatformThread(NAME + " (its " + counts.name() + " part)");
        }
        prime(request);
        Both both = new Both(); // made (and its classes loaded) before either window opens
        try {
            both.detail = detail.start(request);
        } catch (RuntimeException e) {
            throw new ProfilerStartException(NAME + ": its " + detail.name() + " part (sizes, paths, latency) could "
                    + "not start: " + message(e), e);
        }
        try {
            both.counts = counts.start(request); // last: procfs's window opens inside jfr's
        } catch (RuntimeException e) {
            both.detail.close();
            throw new ProfilerStartException(NAME + ": its " + counts.name() + " part (the exact counts) could not "
                    + "start: " + message(e), e);
        }
        return both;
    }

    /**
     * Runs the counting part once through start and stop in this scope, before any of this profiler's jfr windows
     * is open: what it loads and links on a first use (reading jars) must not land in a jfr window.
     */
    private void prime(RecordingRequest request) {
        boolean thread = request.scope() == Scope.THREAD;
        if (thread ? primedThread : primedProcess) {
            return;
        }
        synchronized (primeLock) {
            if (thread ? primedThread : primedProcess) {
                return;
            }
            try (Recording r = counts.start(request)) {
                r.stop(NO_SINK);
            } catch (RuntimeException e) {
                return; // the real start reports it
            }
            if (thread) {
                primedThread = true;
            } else {
                primedProcess = true;
            }
        }
    }

    private static String message(RuntimeException e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** jfr's totals of a window, counted as its operations pass to the session's sink. */
    static final class Tally implements OpSink {
        private OpSink sink = NO_SINK;
        long reads;
        long writes;
        long bytesRead;
        long bytesWritten;

        @Override
        public void accept(Op op) {
            if (op.kind() == OpKind.READ) {
                reads++;
                bytesRead += op.bytes();
            } else {
                writes++;
                bytesWritten += op.bytes();
            }
            sink.accept(op);
        }
    }

    /** The two recordings of one window. Not thread-safe beyond the {@link Recording} contract. */
    private final class Both implements Recording {
        private Recording detail;
        private Recording counts;
        private final Tally tally = new Tally();
        private boolean closed;

        @Override
        public RecordingResult stop(OpSink sink) {
            // procfs first: its window closes before anything of jfr's stop runs
            RecordingResult counted = null;
            RuntimeException countsFailure = null;
            try {
                counted = counts.stop(NO_SINK);
            } catch (RuntimeException e) {
                countsFailure = e;
            }
            tally.sink = sink;
            RecordingResult detailed;
            try {
                detailed = detail.stop(tally);
            } catch (RuntimeException e) {
                throw new RecordingFailedException(NAME + ": its " + detailName() + " part (sizes, paths, latency) "
                        + "failed: " + message(e) + "; " + (counted != null && counted.counters().isPresent()
                        ? "its " + countsName() + " part counted " + describe(counted.counters().get())
                        : "its " + countsName() + " part failed too: " + message(countsFailure)), e);
            }
            if (countsFailure != null) {
                throw new RecordingFailedException(NAME + ": its " + countsName() + " part (the exact counts) failed: "
                        + message(countsFailure) + "; the partial report holds the " + (tally.reads + tally.writes)
                        + " operations its " + detailName() + " part saw at the JVM level", countsFailure);
            }
            IoCounters c = counted.counters().orElseThrow(() -> new RecordingFailedException(NAME + ": its "
                    + countsName() + " part returned no counters (a bug in " + CountedDetailProfiler.this.counts
                    .getClass().getName() + ")"));
            List<String> notes = new ArrayList<>();
            notes.add(sources(countsName(), detailName(), tally));
            String difference = difference(countsName(), detailName(), c, tally);
            if (difference != null) {
                notes.add(difference);
            }
            notes.addAll(counted.notes());
            notes.addAll(detailed.notes());
            return new RecordingResult(Optional.of(c), notes);
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (counts != null) {
                    counts.close();
                }
            } finally {
                if (detail != null) {
                    detail.close();
                }
            }
        }
    }

    private String countsName() {
        return counts.name();
    }

    private String detailName() {
        return detail.name();
    }

    private static String describe(IoCounters c) {
        return c.readOps() + " read and " + c.writeOps() + " write calls (" + Units.bytes(c.bytesRead()) + " read, "
                + Units.bytes(c.bytesWritten()) + " written)";
    }

    /**
     * The note that names which source gave which figure.
     *
     * @param counts the counting source's name
     * @param detail the per-operation source's name
     * @param t      what the per-operation source saw
     * @return the note
     */
    static String sources(String counts, String detail, Tally t) {
        return NAME + ": the operation counts, bytes and elapsed time are " + counts + "'s (exact system calls, "
                + "nothing stopped); the size histogram, paths, latency and timeline are " + detail + "'s, from the "
                + t.reads + " reads (" + Units.bytes(t.bytesRead) + ") and " + t.writes + " writes ("
                + Units.bytes(t.bytesWritten) + ") it saw at the JVM level";
    }

    /**
     * The note that says what the per-operation source could not see, as numbers, or {@code null} when both agree.
     *
     * @param counts the counting source's name
     * @param detail the per-operation source's name
     * @param c      the exact counts
     * @param t      what the per-operation source saw
     * @return the note, or {@code null}
     */
    static String difference(String counts, String detail, IoCounters c, Tally t) {
        long reads = c.readOps() - t.reads;
        long writes = c.writeOps() - t.writes;
        long bytesRead = c.bytesRead() - t.bytesRead;
        long bytesWritten = c.bytesWritten() - t.bytesWritten;
        if (reads == 0 && writes == 0 && bytesRead == 0 && bytesWritten == 0) {
            return null;
        }
        List<String> parts = new ArrayList<>();
        if (reads > 0 || writes > 0 || bytesRead > 0 || bytesWritten > 0) {
            parts.add(counts + " counted " + Math.max(0, reads) + " read calls (" + Units.bytes(Math.max(0, bytesRead))
                    + ") and " + Math.max(0, writes) + " write calls (" + Units.bytes(Math.max(0, bytesWritten))
                    + ") more than " + detail + " saw: I/O the JVM does not report (FileChannel.transferTo and "
                    + "Files.copy through sendfile or copy_file_range, native code, AsynchronousFileChannel, the "
                    + "JVM's own reads such as class loading, a Java call the kernel split into several system "
                    + "calls); the histogram and the detail do not cover it");
        }
        if (reads < 0 || writes < 0 || bytesRead < 0 || bytesWritten < 0) {
            parts.add(detail + " saw " + Math.max(0, -reads) + " reads (" + Units.bytes(Math.max(0, -bytesRead))
                    + ") and " + Math.max(0, -writes) + " writes (" + Units.bytes(Math.max(0, -bytesWritten))
                    + ") more than " + counts + " counted: Java calls that made no read or write system call, or, "
                    + "in Scope.PROCESS, another thread's calls right at an edge of the block (" + detail + "'s window "
                    + "opens just before " + counts + "'s and closes just after it); the counts are " + counts + "'s");
        }
        return String.join("; ", parts);
    }
}
