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

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Linux I/O accounting counters: {@code /proc/thread-self/io} for {@link Scope#THREAD}, {@code /proc/self/io} for
 * {@link Scope#PROCESS}, read before and after the block. {@code syscr}/{@code syscw} are the operation counts
 * (every read-like and write-like system call, whatever the target: files, pipes, sockets, terminals),
 * {@code rchar}/{@code wchar} the bytes, {@code read_bytes}/{@code write_bytes} the storage-level bytes.
 *
 * <p>Its own I/O is not counted: the file is opened before the window and read with one {@code pread} at offset
 * 0 per snapshot. The first snapshot's read lands inside the window (the kernel counts a read after producing its
 * data, so the second snapshot includes it), and is subtracted exactly: one operation and the bytes it returned.
 * The second snapshot's read is not in its own figures. The snapshot reads of sessions nested inside the window
 * (on the same thread, or on any thread for {@link Scope#PROCESS}) are subtracted the same way.
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

    /** Creates the profiler; it holds no resources until a recording starts. */
    public ProcfsProfiler() {
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
            return Availability.unusable("needs Linux /proc I/O accounting; this is " + os);
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
        Path path = request.scope() == Scope.THREAD ? THREAD_SELF : SELF;
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException | RuntimeException e) {
            throw new ProfilerStartException("procfs could not open " + path + ": " + e.getMessage()
                    + ". Check that /proc is mounted and readable, or use another profiler.", e);
        }
        try {
            ProcfsRecording recording = new ProcfsRecording(channel, path,
                    request.scope() == Scope.THREAD ? THREAD_OWN.get() : PROCESS_OWN);
            if (!warm) {
                recording.snapshot(); // loads and links the snapshot path outside any window
                warm = true;
            }
            recording.begin();
            return recording;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new ProfilerStartException("procfs could not read " + path + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing was written; the descriptor is released either way
        }
    }

    /**
     * The snapshot reads this profiler made, so that an enclosing window can take them out: a session nested in
     * another one (same thread, or any thread for a PROCESS-scope outer session) reads procfs inside the outer
     * window. Counted per process and per thread, as the kernel counts them.
     */
    static final class OwnReads {
        final AtomicLong calls = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
    }

    static final OwnReads PROCESS_OWN = new OwnReads();
    static final ThreadLocal<OwnReads> THREAD_OWN = ThreadLocal.withInitial(OwnReads::new);

    /** One window over a kept descriptor. */
    static final class ProcfsRecording implements Recording {
        private final FileChannel channel;
        private final Path path;
        private final OwnReads own;
        private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
        private ProcIo before;
        private long ownCallsBefore;
        private long ownBytesBefore;
        private boolean closed;

        /**
         * @param own the own-read counters of what this window counts: the session thread's for THREAD scope,
         *            the process's for PROCESS scope
         */
        ProcfsRecording(FileChannel channel, Path path, OwnReads own) {
            this.channel = channel;
            this.path = path;
            this.own = own;
        }

        /** Reads the counters with exactly one pread at offset 0, and books it as our own; returns the bytes read. */
        int read() throws IOException {
            buffer.clear();
            int n = channel.read(buffer, 0);
            if (n <= 0 || n >= BUFFER) {
                throw new IOException("unexpected read of " + n + " bytes from " + path);
            }
            PROCESS_OWN.calls.incrementAndGet();
            PROCESS_OWN.bytes.addAndGet(n);
            OwnReads mine = THREAD_OWN.get();
            mine.calls.incrementAndGet();
            mine.bytes.addAndGet(n);
            return n;
        }

        /** The bytes of the last read, for tests. */
        byte[] bufferBytes() {
            return buffer.array().clone();
        }

        ProcIo snapshot() throws IOException {
            int n = read();
            return ProcIo.parse(buffer.array(), n);
        }

        void begin() throws IOException {
            // Own reads from here on are in the window: this very read (the kernel counts it after producing the
            // data, so the end snapshot includes it) and those of sessions nested in this one.
            ownCallsBefore = own.calls.get();
            ownBytesBefore = own.bytes.get();
            int n = read();
            before = ProcIo.parse(buffer.array(), n);
        }

        @Override
        public RecordingResult stop(OpSink sink) {
            ProcIo after;
            long ownCalls = own.calls.get() - ownCallsBefore; // before the end read, which is not in its own figures
            long ownBytes = own.bytes.get() - ownBytesBefore;
            try {
                int n = read(); // close the window
                after = ProcIo.parse(buffer.array(), n);
            } catch (IOException | RuntimeException e) {
                throw new RecordingFailedException("procfs could not read " + path + " at the end of the block: "
                        + e.getMessage(), e);
            }
            return RecordingResult.ofCounters(delta(before, after, ownCalls, ownBytes));
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                closeQuietly(channel);
            }
        }
    }

    /**
     * The counters of a window, without the library's own snapshot reads inside it.
     *
     * @param before   first snapshot
     * @param after    second snapshot
     * @param ownCalls snapshot reads inside the window: the first snapshot's own, and nested sessions'
     * @param ownBytes the bytes those reads returned
     * @return the deltas
     */
    static IoCounters delta(ProcIo before, ProcIo after, long ownCalls, long ownBytes) {
        return IoCounters.of(after.syscr() - before.syscr() - ownCalls, after.syscw() - before.syscw(),
                        after.rchar() - before.rchar() - ownBytes, after.wchar() - before.wchar())
                .withStorage(new StorageBytes(after.readBytes() - before.readBytes(),
                        after.writeBytes() - before.writeBytes()));
    }
}
