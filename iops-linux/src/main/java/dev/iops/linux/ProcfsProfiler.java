package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.StorageBytes;
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

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Linux I/O accounting counters: {@code /proc/thread-self/io} for {@link Scope#THREAD}, {@code /proc/self/io} for
 * {@link Scope#PROCESS}, read before and after the block. {@code syscr}/{@code syscw} are the operation counts
 * (every read-like and write-like system call, whatever the target: files, pipes, sockets, terminals),
 * {@code rchar}/{@code wchar} the bytes, {@code read_bytes}/{@code write_bytes} the storage-level bytes.
 *
 * <p>Its own I/O is not counted: the file is opened before the window and read with one {@code lseek} and one
 * {@code read} per snapshot, through a {@link RandomAccessFile}, which an interrupt of the caller's thread cannot
 * abort. The first snapshot's read lands inside the window (the kernel counts a read after producing its data, so
 * the second snapshot includes it), and is subtracted exactly: one operation and the bytes it returned. The second
 * snapshot's read is not in its own figures. Every read is booked in {@link SelfIo}, and the window subtracts
 * everything the library booked inside it (the session thread's bookings for {@link Scope#THREAD}, every thread's
 * for {@link Scope#PROCESS}): nested procfs sessions, a strace session's trace-file reads, jfr reading its recording
 * back. The procfs io files are registered as the library's own paths, so tracers drop these reads too, and
 * {@link SelfIo#meter()} measures a stretch of one thread's own I/O with {@code /proc/thread-self/io}.
 *
 * <p>Name {@code procfs}, priority 200 (exact OS counters). Count-only: no histogram. Thread-safe.
 */
public final class ProcfsProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "procfs";

    private static final Path SELF = Path.of("/proc/self/io");
    private static final Path THREAD_SELF = Path.of("/proc/thread-self/io");
    private static final Set<Capability> CAPABILITIES =
            Collections.unmodifiableSet(EnumSet.of(Capability.THREAD_SCOPE, Capability.STORAGE_BYTES));
    private static final int BUFFER = 512;

    private volatile boolean warm;
    private volatile Availability availability; // the machine does not change under a running JVM

    /**
     * Creates the profiler; it holds no resources until a recording starts. On Linux it also marks the procfs io
     * files as the library's own (so tracers drop its reads) and installs {@link SelfIo#meter()}'s per-thread
     * measurement.
     */
    public ProcfsProfiler() {
        if (availability().usable()) {
            Own.ensureInstalled();
        }
    }

    /** Done once per JVM, whichever instance comes first. */
    private static final class Own {
        static final boolean INSTALLED = install();

        static boolean ensureInstalled() {
            return INSTALLED;
        }

        private static boolean install() {
            long pid = ProcessHandle.current().pid();
            SelfIo.ownPath(SELF);
            SelfIo.ownPath(THREAD_SELF);
            SelfIo.ownPath(Path.of("/proc/" + pid + "/io"));
            SelfIo.ownPath(Path.of("/proc/" + pid + "/task")); // each thread's files, as a tracer resolves them
            SelfIo.ownPath(Path.of("/proc/self/task")); // the same, as ServiceThreads opens them
            SelfIo.installThreadCounters(ThreadCounters::open);
            try (SelfIo.Meter first = SelfIo.meter()) {
                // loads and links the meter's path now: a first use inside a window would read this module's jar
                // before the meter could see it
            }
            SelfIo.installRuntimeThreads(SERVICE::isServiceTid);
            return true;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 200;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Availability availability() {
        Availability a = availability;
        if (a == null) {
            a = probe();
            availability = a;
        }
        return a;
    }

    private static Availability probe() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Availability.forOtherPlatform("needs Linux /proc I/O accounting; this is " + os);
        }
        if (!Files.isReadable(SELF)) {
            return Availability.unusable(SELF + " is not readable (kernel without CONFIG_TASK_IO_ACCOUNTING, "
                    + "or /proc not mounted); mount /proc or use another profiler");
        }
        if (!Files.isReadable(THREAD_SELF)) {
            return Availability.unusable(THREAD_SELF + " is not readable (Linux older than 3.17?)");
        }
        return Availability.ready();
    }

    @Override
    public Recording start(RecordingRequest request) {
        request.requirePlatformThread(NAME);
        Path path = request.scope() == Scope.THREAD ? THREAD_SELF : SELF;
        RandomAccessFile file;
        try {
            file = new RandomAccessFile(path.toFile(), "r");
        } catch (IOException | RuntimeException e) {
            throw new ProfilerStartException("procfs could not open " + path + ": " + e.getMessage()
                    + ". Check that /proc is mounted and readable, or use another profiler.", e);
        }
        try {
            boolean thread = request.scope() == Scope.THREAD;
            ProcfsRecording recording = new ProcfsRecording(file, path, thread ? SelfIo.thisThread()::totals
                    : SelfIo::process, thread ? null : SERVICE);
            if (!warm) {
                recording.snapshot(); // loads and links the snapshot path outside any window
                warm = true;
            }
            recording.begin();
            return recording;
        } catch (IOException | RuntimeException e) {
            closeQuietly(file);
            throw new ProfilerStartException("procfs could not read " + path + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(RandomAccessFile file) {
        try {
            file.close();
        } catch (IOException ignored) {
            // nothing was written; the descriptor is released either way
        }
    }

    /**
     * Reads the counters with one {@code lseek} and one {@code read} (a {@link RandomAccessFile}: unlike a
     * {@code FileChannel}, an interrupt of the calling thread neither aborts it nor closes the descriptor), and
     * books the read in {@link SelfIo} so that every enclosing window takes it out.
     *
     * @return the bytes read
     */
    static int read(RandomAccessFile file, byte[] buffer, Path path) throws IOException {
        int n;
        try (SelfIo.OwnCall call = SelfIo.ownCall()) { // booked with the read, never apart from it at a window's edge
            file.seek(0);
            try {
                n = file.read(buffer, 0, buffer.length);
            } catch (IOException e) {
                SelfIo.count(1, 0, 0, 0); // the kernel counted the failed call too
                throw e;
            }
            SelfIo.count(1, Math.max(0, n), 0, 0);
        }
        if (n <= 0 || n >= buffer.length) {
            throw new IOException("unexpected read of " + n + " bytes from " + path);
        }
        return n;
    }

    private static final ServiceThreads SERVICE = new ServiceThreads();

    /** One window over a kept descriptor. */
    static final class ProcfsRecording implements Recording {
        private final RandomAccessFile file;
        private final Path path;
        private final Supplier<SelfIo.Totals> own;
        private final ServiceThreads service;
        private final byte[] buffer = new byte[BUFFER];
        /** For the service threads' files (PROCESS scope), so their readings never overwrite {@link #buffer}. */
        private final byte[] scratch;
        private ProcIo before;
        private ProcIo after;
        private SelfIo.Totals inWindow;
        private SelfIo.Totals unplacedAtBegin = SelfIo.Totals.ZERO;
        private Map<String, ProcIo> serviceAfter;
        private Map<String, ProcIo> serviceOutsideAfter;
        private ServiceThreads.Readings serviceReadings;
        private Map<String, ProcIo> serviceOutsideBefore;
        private Map<String, ProcIo> serviceBefore;
        private SelfIo.Totals ownBefore;
        /** While this window is open, the library's own work is metered whole (its first-use class loading too). */
        private final SelfIo.Registration metering = SelfIo.meterOwnWork();
        private boolean closed;

        /**
         * @param own     the library's own I/O of what this window counts: the session thread's for THREAD scope,
         *                the process's for PROCESS scope
         * @param service the JVM's service threads to take out (PROCESS scope), or {@code null}
         */
        ProcfsRecording(RandomAccessFile file, Path path, Supplier<SelfIo.Totals> own, ServiceThreads service) {
            this.file = file;
            this.path = path;
            this.own = own;
            this.service = service;
            this.scratch = service == null ? null : new byte[BUFFER];
        }

        int read() throws IOException {
            return ProcfsProfiler.read(file, buffer, path);
        }

        /** The bytes of the last read, for tests. */
        byte[] bufferBytes() {
            return buffer.clone();
        }

        ProcIo snapshot() throws IOException {
            int n = read();
            return ProcIo.parse(buffer, n);
        }

        void begin() throws IOException {
            // Own I/O from here on is in the window: this very read (the kernel counts it after producing the
            // data, so the end snapshot includes it), and whatever the library does inside the window (nested
            // sessions' snapshots, a tracer reading its trace file, jfr reading its recording back).
            // The JVM's service threads are read on both sides of each end of the window: inside, what they did is
            // surely in the window and is taken out; outside, it bounds what they may have done at the edges.
            if (service == null) {
                // A metered stretch of own work (the session's start) is booked up to here, outside this window.
                SelfIo.settleOwnWork();
                try {
                    beginReadings();
                } finally {
                    SelfIo.resumeOwnWork(); // the rest of the start is inside, booked when the stretch ends
                }
            } else {
                // The same for every thread's own work, and no own call of another thread half booked: see SelfIo
                unplacedAtBegin = SelfIo.atProcessEdge(this::beginReadings);
            }
        }

        private void beginReadings() throws IOException {
            serviceReadings = service == null ? null : service.readings();
            serviceOutsideBefore = serviceReadings == null ? null : serviceReadings.read(scratch, true);
            ownBefore = own.get();
            int n = read();
            before = ProcIo.parse(buffer, n);
            serviceBefore = serviceOutsideBefore == null ? null : serviceReadings.read(scratch, false);
        }

        @Override
        public RecordingResult stop(OpSink sink) {
            metering.close(); // this window needs no metering of what follows its end; others may still
            if (service == null) {
                SelfIo.settleOwnWork(); // the session's stop so far is inside this window: booked before it closes
                try {
                    endReadings();
                } finally {
                    SelfIo.resumeOwnWork();
                }
                return RecordingResult.ofCounters(delta(before, after, inWindow));
            }
            SelfIo.Totals unplacedAtEnd;
            try {
                unplacedAtEnd = SelfIo.atProcessEdge(this::endReadings);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // not thrown: endReadings reads through read()
            }
            return processResult(unplacedAtBegin.plus(unplacedAtEnd));
        }

        private void endReadings() {
            // listed again: a service thread that started inside the window counts from zero
            serviceAfter = serviceBefore == null ? null : serviceReadings.read(scratch, true);
            inWindow = own.get().minus(ownBefore); // before the end read, which is not in its own figures
            try {
                int n = read(); // close the window
                after = ProcIo.parse(buffer, n);
            } catch (IOException | RuntimeException e) {
                throw new RecordingFailedException("procfs could not read " + path + " at the end of the block: "
                        + e.getMessage(), e);
            }
            serviceOutsideAfter = serviceAfter == null ? null : serviceReadings.read(scratch, false);
        }

        private RecordingResult processResult(SelfIo.Totals unplaced) {
            if (serviceAfter == null) {
                return withNotes(delta(before, after, inWindow), null, null, unplacedNote(unplaced));
            }
            serviceReadings.close();
            ProcIo inside = ServiceThreads.delta(serviceBefore, serviceAfter);
            ProcIo edges = serviceOutsideAfter == null ? ProcIo.ZERO
                    : ServiceThreads.delta(serviceOutsideBefore, serviceOutsideAfter).minus(inside);
            return withNotes(delta(before, after.minus(inside), inWindow), edgeNote(edges),
                    endedNote(ServiceThreads.ended(serviceBefore, serviceAfter)), unplacedNote(unplaced));
        }

        private static RecordingResult withNotes(IoCounters counters, String... notes) {
            List<String> all = new ArrayList<>();
            for (String n : notes) {
                if (n != null) {
                    all.add(n);
                }
            }
            return RecordingResult.ofCounters(counters, all.toArray(new String[0]));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                metering.close();
                if (serviceReadings != null) {
                    serviceReadings.close();
                }
                closeQuietly(file);
            }
        }
    }

    /**
     * One thread's counters for {@link SelfIo#meter()}: {@code /proc/thread-self/io}, opened on that thread (the
     * descriptor stays bound to it), read with one {@code pread} from whichever thread reads it.
     */
    static final class ThreadCounters implements SelfIo.ThreadCounters {
        private final RandomAccessFile file;
        private final byte[] buffer = new byte[BUFFER];

        private ThreadCounters(RandomAccessFile file) {
            this.file = file;
        }

        /** @return the calling thread's counters, or {@code null} if they cannot be opened */
        static SelfIo.ThreadCounters open() {
            try {
                return new ThreadCounters(new RandomAccessFile(THREAD_SELF.toFile(), "r"));
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }

        @Override
        public int read(long[] into) {
            try {
                file.seek(0);
                int n = file.read(buffer, 0, buffer.length);
                if (n <= 0 || n >= buffer.length) {
                    return -1;
                }
                ProcIo io = ProcIo.parse(buffer, n);
                into[0] = io.syscr();
                into[1] = io.rchar();
                into[2] = io.syscw();
                into[3] = io.wchar();
                return n;
            } catch (IOException | RuntimeException e) {
                return -1;
            }
        }

        @Override
        public void close() {
            closeQuietly(file);
        }
    }

    /**
     * What to say when the library's own work on another thread (a session starting or stopping, a recording read
     * back) did I/O at the very moment this window's counters were read: it may lie inside the window or outside.
     *
     * @param unplaced that I/O, at both ends
     * @return the note, or {@code null} when there was none
     */
    static String unplacedNote(SelfIo.Totals unplaced) {
        if (unplaced.readOps() == 0 && unplaced.writeOps() == 0 && unplaced.bytesRead() == 0
                && unplaced.bytesWritten() == 0) {
            return null;
        }
        return "the library's own work on another thread (a session starting or stopping, a recording read back) made "
                + unplaced.readOps() + " read and " + unplaced.writeOps() + " write calls (" + unplaced.bytesRead()
                + " B read, " + unplaced.bytesWritten() + " B written) at the very moment this block began or ended, "
                + "which procfs cannot place inside or outside it: these counts may be off by up to that much";
    }

    /**
     * @param ended how many of the JVM's service threads were read at the window's start and were gone at its end
     * @return the note saying their I/O inside the window could not be taken out, or {@code null} for none
     */
    static String endedNote(int ended) {
        if (ended <= 0) {
            return null;
        }
        return ended + " of the JVM's own service threads (a JIT compiler the JVM stopped, say) ended during the block: "
                + "what they did in it since it began is in these counts and could not be taken out";
    }

    /**
     * What to say when the JVM's service threads did I/O right at an end of the window, where it cannot be told
     * whether it fell inside (and is in the counts) or outside.
     *
     * @param edges their I/O between the outer and inner readings at both ends
     * @return the note, or {@code null} when they did none there
     */
    static String edgeNote(ProcIo edges) {
        if (edges.syscr() <= 0 && edges.syscw() <= 0) {
            return null;
        }
        return "the JVM's own service threads (JIT compilers, GC, JFR) made " + edges.syscr() + " read and "
                + edges.syscw() + " write calls right at an end of the block, which procfs cannot place inside or "
                + "outside it: up to that many of these operations may be theirs";
    }

    /**
     * The counters of a window, without the library's own snapshot reads inside it.
     *
     * @param before   first snapshot
     * @param after    second snapshot
     * @param own      the library's own I/O inside the window: the first snapshot's read, nested sessions' reads,
     *                 other providers' own work
     * @return the deltas
     */
    static IoCounters delta(ProcIo before, ProcIo after, SelfIo.Totals own) {
        return IoCounters.of(after.syscr() - before.syscr() - own.readOps(), after.syscw() - before.syscw() - own.writeOps(),
                        after.rchar() - before.rchar() - own.bytesRead(), after.wchar() - before.wchar() - own.bytesWritten())
                .withStorage(new StorageBytes(after.readBytes() - before.readBytes(),
                        after.writeBytes() - before.writeBytes()));
    }
}
