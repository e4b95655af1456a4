package dev.iops.spi;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The library's own I/O, so that no provider counts it, whatever provider nests in which.
 *
 * <p>Every provider books here what it does itself while another session's window may be open:
 * <ul>
 *   <li>{@link #count} the system calls it makes on the calling thread (a snapshot read, a trace-file read, a
 *       marker), with their sizes; counting providers ({@code procfs}, Windows counters) subtract the
 *       {@linkplain #process() process} or {@linkplain #thread() thread} totals that grew over their window;</li>
 *   <li>{@link #ownPath} the files and directories it creates or reads (trace files, recordings, procfs
 *       files); per-operation providers drop operations on them;</li>
 *   <li>{@link #ownProcess} the child processes it starts (tracers, helpers); tracers that follow children
 *       drop their operations;</li>
 *   <li>{@link #ownWork} the stretches a thread spends starting and stopping profilers (the session brackets
 *       them): tracers that see each call with its thread and time ({@code perf}), or that mark the stretches in
 *       their own trace ({@code strace}, {@link #markOwnWork}), drop every call inside, including those on files
 *       opened and closed inside the stretch, which no path registration could name in time.</li>
 * </ul>
 * A provider whose own I/O cannot be counted call by call (a library reading a file through its own
 * buffering) brackets it with {@link #meter()} where the platform can measure one thread's I/O.
 *
 * <p>Thread-safety: every method is thread-safe and lock-free on the counting path.
 */
public final class SelfIo {
    private static final LongAdder[] PROCESS = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    private static final ThreadLocal<ThreadLedger> THREAD = ThreadLocal.withInitial(ThreadLedger::new);
    // Counted: the same path or pid may be registered by several holders. A registration closed while a session is
    // open stays in force until no session is open, since that session's window is decoded after its block.
    private static final java.util.Map<String, Integer> PATHS = new ConcurrentHashMap<>();
    private static final java.util.Map<Long, Integer> PROCESSES = new ConcurrentHashMap<>();
    private static final java.util.Queue<long[]> UNNAMED = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final java.util.Map<Object, String> TRACERS = new ConcurrentHashMap<>();
    /**
     * Held for reading around each own call (its system call and its booking), and by an owner around its meters'
     * readings; held for writing while a process-wide counting window reads its counters ({@link #atProcessEdge}).
     */
    private static final EdgeLock EDGE = new EdgeLock();
    private static volatile java.util.function.Supplier<ThreadCounters> threadCounters = () -> null;
    private static final Object SESSIONS_LOCK = new Object();
    private static int openSessions; // guarded by SESSIONS_LOCK
    private static int openProcessCounters; // same
    private static final java.util.List<Runnable> WHEN_NO_SESSION = new java.util.ArrayList<>(); // same
    private static final java.util.List<Runnable> WHEN_NO_PROCESS_COUNTER = new java.util.ArrayList<>(); // same
    private static volatile java.util.function.LongPredicate runtimeThreads = tid -> false;

    private SelfIo() {
    }

    /**
     * Cumulative own I/O: operation counts and bytes. Subtract two values taken at the ends of a window to get
     * the own I/O inside it.
     *
     * @param readOps      read-like system calls
     * @param bytesRead    bytes those calls returned
     * @param writeOps     write-like system calls
     * @param bytesWritten bytes those calls wrote
     */
    public record Totals(long readOps, long bytesRead, long writeOps, long bytesWritten) {
        /** No I/O. */
        public static final Totals ZERO = new Totals(0, 0, 0, 0);

        /**
         * @param earlier a value taken before this one
         * @return the own I/O between the two
         */
        public Totals minus(Totals earlier) {
            return new Totals(readOps - earlier.readOps, bytesRead - earlier.bytesRead,
                    writeOps - earlier.writeOps, bytesWritten - earlier.bytesWritten);
        }

        /**
         * @param other another amount
         * @return the sum
         */
        public Totals plus(Totals other) {
            return new Totals(readOps + other.readOps, bytesRead + other.bytesRead,
                    writeOps + other.writeOps, bytesWritten + other.bytesWritten);
        }
    }

    /**
     * Books system calls the library made on the calling thread.
     *
     * @param readOps      read-like calls (each {@code read}/{@code pread}/... is one)
     * @param bytesRead    bytes they returned
     * @param writeOps     write-like calls
     * @param bytesWritten bytes they wrote
     */
    public static void count(long readOps, long bytesRead, long writeOps, long bytesWritten) {
        EDGE.lockRead(); // never half booked at a window's edge
        try {
            book(THREAD.get(), readOps, bytesRead, writeOps, bytesWritten);
        } finally {
            EDGE.unlockRead();
        }
    }

    private static void book(ThreadLedger ledger, long readOps, long bytesRead, long writeOps, long bytesWritten) {
        ledger.add(readOps, bytesRead, writeOps, bytesWritten);
        if (readOps != 0) {
            PROCESS[0].add(readOps);
        }
        if (bytesRead != 0) {
            PROCESS[1].add(bytesRead);
        }
        if (writeOps != 0) {
            PROCESS[2].add(writeOps);
        }
        if (bytesWritten != 0) {
            PROCESS[3].add(bytesWritten);
        }
    }

    /**
     * Brackets one system call of the library's own and its booking with {@link #count}: a process-wide counting
     * window never reads its counters in between ({@link #atProcessEdge}), so the call is in the window's counters
     * exactly when it is in what the window subtracts. Without it, a call the kernel counted just before another
     * thread's window opened, but booked just after, would be subtracted from a window it is not in.
     * <pre>{@code
     * try (SelfIo.OwnCall call = SelfIo.ownCall()) {
     *     n = file.read(buffer, 0, buffer.length);
     *     SelfIo.count(1, n, 0, 0);
     * }}</pre>
     * Only around a call that does not block (a regular or {@code /proc} file, a pipe with data available): a
     * window's edge waits for it. Calls may nest on one thread.
     *
     * @return the bracket; close it on the same thread, once
     */
    public static OwnCall ownCall() {
        EDGE.lockRead();
        return OWN_CALL;
    }

    /** The bracket of {@link #ownCall()}. */
    public interface OwnCall extends AutoCloseable {
        /** Ends the bracket. Call once, on the thread that opened it. */
        @Override
        void close();
    }

    private static final OwnCall OWN_CALL = EDGE::unlockRead;

    /**
     * The lock of {@link #ownCall} (read, reentrant) and {@link #atProcessEdge} (write, reentrant, and reads inside
     * it). Made of a monitor, not of {@code java.util.concurrent.locks}: those load classes the first time threads
     * contend (a read of the runtime image inside whatever window another thread has open), and the library's own
     * I/O must be booked. A waiting writer holds back new readers, not a thread that already holds a read.
     */
    private static final class EdgeLock {
        private final ThreadLocal<int[]> readHolds = ThreadLocal.withInitial(() -> new int[1]);
        private Thread writer; // guarded by this
        private int writeHolds; // same
        private int readers; // same: read holds of every thread
        private int waitingWriters; // same

        void lockRead() {
            int[] mine = readHolds.get();
            synchronized (this) {
                Thread me = Thread.currentThread();
                boolean interrupted = false;
                while (writer != null && writer != me || writer == null && waitingWriters > 0 && mine[0] == 0) {
                    interrupted |= await();
                }
                readers++;
                mine[0]++;
                restore(interrupted);
            }
        }

        void unlockRead() {
            int[] mine = readHolds.get();
            synchronized (this) {
                mine[0]--;
                if (--readers == 0) {
                    notifyAll();
                }
            }
        }

        void lockWrite() {
            Thread me = Thread.currentThread();
            if (readHolds.get()[0] > 0 && writer != me) {
                throw new IllegalStateException("a process-wide window's edge inside an own call of the same thread "
                        + "would wait for itself");
            }
            synchronized (this) {
                if (writer == me) {
                    writeHolds++;
                    return;
                }
                boolean interrupted = false;
                waitingWriters++;
                while (writer != null || readers > 0) {
                    interrupted |= await();
                }
                waitingWriters--;
                writer = me;
                writeHolds = 1;
                restore(interrupted);
            }
        }

        void unlockWrite() {
            synchronized (this) {
                if (--writeHolds == 0) {
                    writer = null;
                    notifyAll();
                }
            }
        }

        /** Waits on the monitor; own work is never cut short by an interrupt. @return true if interrupted */
        private boolean await() {
            try {
                wait();
                return false;
            } catch (InterruptedException e) {
                return true;
            }
        }

        private static void restore(boolean interrupted) {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** @return the own I/O booked so far on every thread */
    public static Totals process() {
        return new Totals(PROCESS[0].sum(), PROCESS[1].sum(), PROCESS[2].sum(), PROCESS[3].sum());
    }

    /** @return the own I/O booked so far on the calling thread */
    public static Totals thread() {
        return THREAD.get().totals();
    }

    /**
     * The calling thread's ledger, to read later from another thread (a session may stop on another thread
     * than the one it counts).
     *
     * @return the ledger of the calling thread
     */
    public static ThreadLedger thisThread() {
        return THREAD.get();
    }

    /**
     * The own I/O booked on one thread. Written by that thread, and by a process-wide window's edge that books a
     * meter of that thread up to the edge ({@link #atProcessEdge}); readable from any thread.
     */
    public static final class ThreadLedger {
        private final java.util.concurrent.atomic.AtomicLongArray values = new java.util.concurrent.atomic.AtomicLongArray(4);

        private ThreadLedger() {
        }

        void add(long readOps, long bytesRead, long writeOps, long bytesWritten) {
            values.addAndGet(0, readOps);
            values.addAndGet(1, bytesRead);
            values.addAndGet(2, writeOps);
            values.addAndGet(3, bytesWritten);
        }

        /** @return the own I/O booked on this ledger's thread so far */
        public Totals totals() {
            return new Totals(values.get(0), values.get(1), values.get(2), values.get(3));
        }
    }

    /**
     * A registration that {@link #close()} undoes; idempotent.
     */
    public interface Registration extends AutoCloseable {
        /** Undoes the registration. Idempotent, never throws. */
        @Override
        void close();
    }

    /**
     * Marks a file, or a directory and everything below it, as the library's own until the registration is
     * closed. Register before the first operation on it.
     *
     * @param path an absolute or relative path; it is made absolute and normalised
     * @return the registration
     */
    public static Registration ownPath(Path path) {
        String key = path.toAbsolutePath().normalize().toString();
        PATHS.merge(key, 1, Integer::sum);
        return once(() -> whenNoSession(() -> PATHS.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1)));
    }

    private static final java.util.concurrent.atomic.AtomicLong FILE_SEQUENCE = new java.util.concurrent.atomic.AtomicLong();
    private static final java.util.Map<Path, Registration> OWN_FILES = new ConcurrentHashMap<>();

    /** Set when the JVM starts to exit: own files made from then on delete themselves (see createOwnFile). */
    private static volatile boolean exiting;

    private static final java.util.Queue<Thread> FINISH_AT_EXIT = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final java.util.Queue<Runnable> AT_EXIT = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final long EXIT_WAIT_MILLIS = 3000;

    /**
     * Lets a short-lived library thread (the background warm-up) finish when the JVM exits, for at most 3 s in
     * all, before the library's exit clean-up runs: a thread cut off mid-way could make files after the clean-up.
     *
     * @param thread the thread
     */
    public static void finishAtExit(Thread thread) {
        ExitCleanup.ensure();
        FINISH_AT_EXIT.add(thread);
    }

    /**
     * Runs a clean-up when the JVM exits, after the threads of {@link #finishAtExit} and before the library's own
     * files still there are deleted.
     *
     * @param cleanup what to run; must not throw and must not block for long
     */
    public static void atExit(Runnable cleanup) {
        ExitCleanup.ensure();
        AT_EXIT.add(cleanup);
    }

    /** Deletes the own files still there when the JVM exits (a daemon thread ended mid-recording, say). */
    private static final class ExitCleanup {
        static {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                long deadline = System.nanoTime() + EXIT_WAIT_MILLIS * 1_000_000L;
                for (Thread t : FINISH_AT_EXIT) {
                    long left = (deadline - System.nanoTime()) / 1_000_000L;
                    if (left > 0 && t.isAlive()) {
                        try {
                            t.join(left);
                        } catch (InterruptedException e) {
                            break;
                        }
                    }
                }
                exiting = true; // before the loop: a file registered after it sees this and deletes itself
                for (Runnable r : AT_EXIT) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        // the JVM is exiting: go on with the rest
                    }
                }
                for (Path file : OWN_FILES.keySet()) {
                    try {
                        java.nio.file.Files.deleteIfExists(file);
                    } catch (java.io.IOException | RuntimeException e) {
                        // the JVM is exiting: nothing more can be done
                    }
                }
            }, "iops-own-files-cleanup"));
        }

        static void ensure() {
            // loading this class installs the hook, once
        }
    }

    /**
     * Creates an empty file that only this user can read and write, with a name unique in this JVM
     * ({@code <prefix><pid>-<n><suffix>}), and registers it as the library's own. Unlike
     * {@link java.nio.file.Files#createTempFile}, it draws no random name, so it never reads {@code /dev/urandom}
     * inside another session's window. Delete it with {@link #deleteOwnFile}.
     *
     * @param dir    the directory
     * @param prefix the start of the name
     * @param suffix the end of the name
     * @return the new file
     * @throws java.io.IOException if it cannot be created
     */
    public static Path createOwnFile(Path dir, String prefix, String suffix) throws java.io.IOException {
        ExitCleanup.ensure();
        long pid = ProcessHandle.current().pid();
        while (true) {
            Path file = dir.resolve(prefix + pid + "-" + FILE_SEQUENCE.incrementAndGet() + suffix);
            Registration own = ownPath(file);
            try {
                if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
                } else {
                    java.nio.file.Files.createFile(file);
                }
                OWN_FILES.put(file, own);
                if (exiting) {
                    deleteOwnFile(file); // the exit hook may have run already: nothing of ours may outlive the JVM
                    throw new java.io.IOException("the JVM is exiting: no new file for the library");
                }
                return file;
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                own.close(); // left by an earlier JVM with the same pid: try the next number
            } catch (java.io.IOException | RuntimeException e) {
                own.close();
                throw e;
            }
        }
    }

    /**
     * Deletes a file made with {@link #createOwnFile} and ends its registration (once no session is open).
     * Never throws.
     *
     * @param file the file
     * @return true if it is gone
     */
    public static boolean deleteOwnFile(Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        } finally {
            Registration r = OWN_FILES.remove(file);
            if (r != null) {
                r.close();
            }
        }
    }

    /**
     * Whether a path a tracer saw is the library's own: equal to a registered path or below a registered
     * directory.
     *
     * @param path the path as the tracer reported it, may be {@code null}
     * @return true if it is the library's own
     */
    public static boolean isOwnPath(String path) {
        if (path == null || path.isEmpty() || PATHS.isEmpty()) {
            return false;
        }
        if (PATHS.containsKey(path)) {
            return true;
        }
        for (int i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
            if (PATHS.containsKey(path.substring(0, i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Marks a child process as the library's own (a tracer, a helper) until the registration is closed.
     *
     * @param pid the process id
     * @return the registration
     */
    public static Registration ownProcess(long pid) {
        PROCESSES.merge(pid, 1, Integer::sum);
        return once(() -> whenNoSession(() -> PROCESSES.computeIfPresent(pid, (k, n) -> n == 1 ? null : n - 1)));
    }

    /**
     * @param pid a process or thread-group id a tracer saw
     * @return true if the library started it
     */
    public static boolean isOwnProcess(long pid) {
        return PROCESSES.containsKey(pid);
    }

    /**
     * Books one call the library made on the calling thread through a Java stream with no path (a pipe to a child
     * process), besides {@link #count}: a JVM-level provider that sees it as a pathless event drops it with
     * {@link #takeUnnamed}. Kept until no session is open.
     *
     * @param write true for a write, false for a read
     * @param bytes the bytes it moved
     */
    public static void countUnnamed(boolean write, long bytes) {
        long[] entry = {Thread.currentThread().getId(), write ? 1 : 0, bytes};
        UNNAMED.add(entry);
        whenNoSession(() -> UNNAMED.remove(entry));
    }

    /**
     * Takes one pathless call booked with {@link #countUnnamed} that matches, if there is one.
     *
     * @param javaThreadId the Java thread id of the event
     * @param write        true for a write
     * @param bytes        the bytes the event moved
     * @return true if it was the library's own (and it is taken, so it matches one event only)
     */
    public static boolean takeUnnamed(long javaThreadId, boolean write, long bytes) {
        if (UNNAMED.isEmpty()) {
            return false;
        }
        for (long[] e : UNNAMED) {
            if (e[0] == javaThreadId && e[1] == (write ? 1 : 0) && e[2] == bytes && UNNAMED.remove(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Marks that one of the library's tracers is attached to this JVM (a ptrace tracer slows every system call
     * of the process while attached), until the registration is closed. A session measured while another
     * provider's tracer is attached says so in its report.
     *
     * @param tracer the provider's name, such as {@code "strace"}
     * @return the registration; close it when the tracer detaches
     */
    public static Registration attachedTracer(String tracer) {
        Object key = new Object();
        TRACERS.put(key, java.util.Objects.requireNonNull(tracer, "tracer"));
        return once(() -> TRACERS.remove(key));
    }

    /** @return the names of the library's tracers attached to this JVM now, without duplicates */
    public static Set<String> attachedTracers() {
        return Set.copyOf(TRACERS.values());
    }

    /**
     * Starts measuring the calling thread's own I/O, for library code whose system calls cannot be counted one
     * by one; {@link Meter#close()} books what it measured, less what the code inside booked itself. A process-wide
     * window that opens or closes meanwhile on another thread books it up to that point ({@link #atProcessEdge}).
     * Where the platform cannot measure one thread, the meter measures nothing and {@link Meter#exact()} is false.
     *
     * @return a running meter; close it on the same thread
     */
    public static Meter meter() {
        return RunningMeter.start(false);
    }

    /**
     * Counts a measurement session as open; the session calls it before it selects a profiler.
     */
    public static void sessionOpened() {
        synchronized (SESSIONS_LOCK) {
            openSessions++;
        }
    }

    /**
     * Counts an open session as one whose window is a pair of process-wide counter readings (procfs, Windows
     * counters in process scope): the kind a tracer's reaped child would disturb.
     */
    public static void processCounterOpened() {
        synchronized (SESSIONS_LOCK) {
            openProcessCounters++;
        }
    }

    /**
     * Whether a process-wide counting session is open now: a tracer about to start may then choose the way that
     * cannot fail and end on its own, since an ended child's I/O would land in that window.
     *
     * @return true while a session counted by {@link #processCounterOpened} is open
     */
    public static boolean processCounterOpen() {
        synchronized (SESSIONS_LOCK) {
            return openProcessCounters > 0;
        }
    }

    /**
     * Counts a measurement session as closed, after its window closed and before its recording is released; the
     * last one to close runs what {@link #whenNoSession} (and, for process counters, {@link #whenNoProcessCounter})
     * deferred, on the calling thread.
     *
     * @param processCounter whether {@link #processCounterOpened} counted it
     */
    public static void sessionClosed(boolean processCounter) {
        List<Runnable> run = new java.util.ArrayList<>();
        synchronized (SESSIONS_LOCK) {
            if (processCounter && --openProcessCounters == 0) {
                run.addAll(WHEN_NO_PROCESS_COUNTER);
                WHEN_NO_PROCESS_COUNTER.clear();
            }
            if (--openSessions == 0) {
                run.addAll(WHEN_NO_SESSION);
                WHEN_NO_SESSION.clear();
            }
        }
        for (Runnable r : run) {
            try {
                r.run();
            } catch (RuntimeException e) {
                // a deferred clean-up failed; the task itself reports what it must
            }
        }
    }

    /**
     * Runs a task now if no measurement session is open, else when the last one closes: the end of a registration
     * that a window still to be decoded may need.
     *
     * @param task what to run; must not throw
     */
    public static void whenNoSession(Runnable task) {
        synchronized (SESSIONS_LOCK) {
            if (openSessions > 0) {
                WHEN_NO_SESSION.add(task);
                return;
            }
        }
        task.run();
    }

    /**
     * Runs a task now if no process-wide counting session is open, else when the last one closes. A tracer's child
     * process is detached this way: the kernel adds a child's I/O to its parent's counters when it is reaped, so a
     * tracer that ended inside such a window would put its own trace writes into it.
     *
     * @param task what to run; must not throw
     */
    public static void whenNoProcessCounter(Runnable task) {
        synchronized (SESSIONS_LOCK) {
            if (openProcessCounters > 0) {
                WHEN_NO_PROCESS_COUNTER.add(task);
                return;
            }
        }
        task.run();
    }

    /**
     * Whether an OS thread is one of the JVM's own service threads (JIT compilers, the VM thread, GC threads, JFR's
     * recorder), whose I/O is the runtime's and never a measured block's: a compiler thread polls cgroup memory
     * files while it decides how many compilers to run. Tracers in process scope drop their operations; a platform
     * that cannot tell answers false.
     *
     * @param tid an OS thread id of this process, as a tracer reports it
     * @return true for a JVM service thread
     */
    public static boolean isRuntimeThread(long tid) {
        return runtimeThreads.test(tid);
    }

    /**
     * Installs how {@link #isRuntimeThread} tells the JVM's service threads (a provider module does, on a platform
     * that can).
     *
     * @param test answers for an OS thread id; must not block
     */
    public static void installRuntimeThreads(java.util.function.LongPredicate test) {
        runtimeThreads = java.util.Objects.requireNonNull(test, "test");
    }

    /**
     * Installs how {@link #meter()} and metered stretches of own work read one thread's counters (a provider module
     * does, on a platform that can).
     *
     * @param opener opens the calling thread's counters, or returns {@code null} where it cannot; must not throw
     */
    public static void installThreadCounters(java.util.function.Supplier<ThreadCounters> opener) {
        threadCounters = java.util.Objects.requireNonNull(opener, "opener");
    }

    /**
     * One thread's cumulative I/O counters as the platform keeps them ({@code /proc/thread-self/io} on Linux),
     * opened on that thread and readable from any thread afterwards: what meters read.
     */
    public interface ThreadCounters extends AutoCloseable {
        /**
         * Reads the counters of the thread that opened them with one read system call, which the kernel counts on
         * the calling thread once it has returned its data: a reading never includes itself.
         *
         * @param into receives read calls, bytes read, write calls and bytes written, in that order
         * @return the bytes that read call returned, or -1 if it failed ({@code into} is then unchanged)
         */
        int read(long[] into);

        /** Releases the counters. Idempotent, never throws. */
        @Override
        void close();
    }

    /**
     * Measures a stretch of the library's own I/O on one thread and books it on close.
     */
    public interface Meter extends AutoCloseable {
        /** @return true if the platform measures the stretch exactly */
        boolean exact();

        /** Books what was measured with {@link SelfIo#count}. Call once, on the thread that started it. Never throws. */
        @Override
        void close();
    }

    /**
     * The running meters of one thread, innermost last, over the one counter file they share. Changed by its
     * thread under the read lock of {@link #EDGE}, and by a process-wide window's edge on another thread under its
     * write lock, so never both at once.
     */
    private static final class Meters {
        final ThreadLedger ledger;
        final java.util.List<RunningMeter> running = new java.util.ArrayList<>();
        final java.util.List<RunningMeter> paused = new java.util.ArrayList<>();
        final long[] reading = new long[4];
        ThreadCounters counters;

        Meters(ThreadLedger ledger) {
            this.ledger = ledger;
        }

        /**
         * Reads the counters; the read is the calling thread's own I/O, not yet in the reading.
         *
         * @return the bytes read, or -1 (the counters are then closed: nothing more is metered on this thread)
         */
        int read() {
            int n = counters == null ? -1 : counters.read(reading);
            if (n < 0 && counters != null) {
                counters.close();
                counters = null;
            }
            return n;
        }

        /**
         * Books every running meter up to the last reading, innermost first (each books what its code, nested meters
         * included, did not book itself).
         *
         * @param readOps   own read calls not in the reading yet (the owner's reading itself), booked with it
         * @param bytesRead their bytes
         */
        void settle(long readOps, long bytesRead) {
            for (int i = running.size() - 1; i >= 0; i--) {
                running.get(i).bookTo(reading, readOps, bytesRead);
            }
        }

        void restartAll(java.util.List<RunningMeter> meters) {
            Totals booked = ledger.totals();
            for (RunningMeter m : meters) {
                m.rebase(reading, booked);
            }
        }
    }

    private static final ThreadLocal<Meters> METERS = ThreadLocal.withInitial(() -> new Meters(THREAD.get()));
    /** The threads with a running meter: what a process-wide window's edge books up to itself. */
    private static final Set<Meters> METERING = ConcurrentHashMap.newKeySet();

    /** A meter: {@link #meter()}, or a stretch of own work metered whole ({@link #ownWork}). */
    private static final class RunningMeter implements Meter {
        private final Meters meters;
        private final boolean stretch;
        private final long[] base = new long[4];
        private Totals bookedAtBase;
        private boolean exact;
        private boolean closed;

        private RunningMeter(Meters meters, boolean stretch) {
            this.meters = meters;
            this.stretch = stretch;
        }

        /** @param stretch true for a stretch of own work: it resumes after a settle only while a counting window is open */
        static RunningMeter start(boolean stretch) {
            Meters meters = METERS.get();
            RunningMeter m = new RunningMeter(meters, stretch);
            EDGE.lockRead();
            try {
                if (meters.counters == null && meters.running.isEmpty() && meters.paused.isEmpty()) {
                    meters.counters = threadCounters.get();
                }
                if (meters.read() >= 0) { // the read itself is in the next reading: measured by this meter
                    m.exact = true;
                    m.rebase(meters.reading, meters.ledger.totals());
                    meters.running.add(m);
                    METERING.add(meters);
                }
            } finally {
                EDGE.unlockRead();
            }
            return m;
        }

        void rebase(long[] reading, Totals booked) {
            System.arraycopy(reading, 0, base, 0, 4);
            bookedAtBase = booked;
        }

        /**
         * Books what the thread did since the base, less what was booked on it meanwhile, and moves the base here.
         *
         * @param readOps   reads of the thread not in the reading (the reading's own), booked with it
         * @param bytesRead their bytes
         */
        void bookTo(long[] reading, long readOps, long bytesRead) {
            Totals inside = meters.ledger.totals().minus(bookedAtBase);
            book(meters.ledger, reading[0] - base[0] + readOps - inside.readOps(),
                    reading[1] - base[1] + bytesRead - inside.bytesRead(),
                    reading[2] - base[2] - inside.writeOps(), reading[3] - base[3] - inside.bytesWritten());
            rebase(reading, meters.ledger.totals());
            base[0] += readOps; // booked now, and in the thread's next reading: not to be booked again
            base[1] += bytesRead;
        }

        @Override
        public boolean exact() {
            return exact;
        }

        @Override
        public void close() {
            if (closed || !exact) {
                closed = true;
                return;
            }
            closed = true;
            EDGE.lockRead();
            try {
                if (meters.paused.remove(this)) {
                    // closed between a settle and its resume: booked up to the settle, and nothing since
                } else if (meters.running.contains(this)) {
                    int n = meters.read();
                    if (n >= 0) {
                        meters.settle(1, n); // every running meter up to here (the outer ones go on from here)
                    }
                    meters.running.remove(this);
                }
                release(meters);
            } finally {
                EDGE.unlockRead();
            }
        }
    }

    /** Under the read lock: forgets a thread's meters once none runs or waits to resume. */
    private static void release(Meters meters) {
        if (meters.running.isEmpty()) {
            METERING.remove(meters);
            if (meters.paused.isEmpty() && meters.counters != null) {
                meters.counters.close();
                meters.counters = null;
            }
        }
    }

    /** Under a lock of {@link #EDGE}: books the calling thread's running meters up to now, and pauses them. */
    private static void pauseMine() {
        Meters mine = METERS.get();
        if (mine.running.isEmpty()) {
            return;
        }
        int n = mine.read();
        if (n >= 0) {
            mine.settle(1, n);
        }
        mine.paused.addAll(mine.running);
        mine.running.clear();
        if (n < 0) {
            mine.paused.clear(); // nothing can be metered on this thread any more
        }
        release(mine);
    }

    /**
     * Under a lock of {@link #EDGE}: resumes the calling thread's paused meters from now; a stretch of own work
     * only while a counting window is open, to book for.
     */
    private static void resumeMine() {
        Meters mine = METERS.get();
        if (mine.paused.isEmpty()) {
            return;
        }
        java.util.List<RunningMeter> resumed = new java.util.ArrayList<>();
        for (RunningMeter m : mine.paused) {
            if (!m.stretch || OWN_WORK_METERS.get() > 0) {
                resumed.add(m);
            }
        }
        mine.paused.clear();
        if (!resumed.isEmpty() && mine.read() >= 0) {
            mine.restartAll(resumed);
            mine.running.addAll(resumed);
            METERING.add(mine);
        }
        release(mine);
    }

    /** Work done at a process-wide window's edge. */
    @FunctionalInterface
    public interface EdgeWork {
        /**
         * Reads the window's counters and {@link #process()}.
         *
         * @throws java.io.IOException if a reading fails
         */
        void run() throws java.io.IOException;
    }

    /**
     * Runs a reading at an edge of a process-wide counting window ({@code procfs} in {@code Scope.PROCESS}: it reads
     * {@link #process()}, then {@code /proc/self/io}) so that what it subtracts is what the counters hold: no own
     * call on another thread is half booked meanwhile ({@link #ownCall}), every meter running on another thread is
     * booked up to here first (its thread's counters are read before and after {@code work}), and the calling
     * thread's meters are booked before {@code work} and resume after it.
     *
     * <p>What it cannot place: I/O that a thread being metered did while {@code work} ran (a recording read back, a
     * class loaded on a first use, at that very moment), which may lie on either side of the edge. It is booked after
     * the edge, and returned.
     *
     * @param work the reading
     * @return the own I/O other threads did during {@code work}, which may lie on either side of it:
     * {@link Totals#ZERO} almost always
     * @throws java.io.IOException what {@code work} throws
     */
    public static Totals atProcessEdge(EdgeWork work) throws java.io.IOException {
        EDGE.lockWrite();
        try {
            pauseMine();
            java.util.List<Meters> others = new java.util.ArrayList<>(METERING);
            java.util.List<long[]> first = new java.util.ArrayList<>(others.size());
            for (Meters m : others) {
                int n = m.read(); // this thread's own read
                count(1, Math.max(0, n), 0, 0);
                first.add(n < 0 ? null : m.reading.clone());
                if (n >= 0) {
                    m.settle(0, 0);
                }
            }
            try {
                work.run();
            } finally {
                resumeMine();
            }
            long[] unplaced = new long[4];
            for (int i = 0; i < others.size(); i++) {
                Meters m = others.get(i);
                long[] before = first.get(i);
                if (before == null) {
                    continue;
                }
                long[] again = new long[4];
                int n = m.counters == null ? -1 : m.counters.read(again);
                count(1, Math.max(0, n), 0, 0);
                if (n < 0) {
                    continue; // the thread is gone: it did its own work to the end (a meter is closed in a finally)
                }
                for (int k = 0; k < 4; k++) {
                    unplaced[k] += again[k] - before[k]; // booked by its owner later: after this edge
                }
            }
            return new Totals(unplaced[0], unplaced[1], unplaced[2], unplaced[3]);
        } finally {
            EDGE.unlockWrite();
        }
    }

    // ---- own work: stretches of time a thread spent on the library's work (starting, stopping a recording) ----

    /** One stretch of one OS thread; {@code to} is {@link Long#MAX_VALUE} while it runs. */
    private static final class Stretch {
        final long from;
        volatile long to = Long.MAX_VALUE;

        Stretch(long from) {
            this.from = from;
        }
    }

    /** Per OS thread, its stretches in time order, never overlapping (a nested stretch is covered already). */
    private static final java.util.Map<Long, java.util.List<Stretch>> STRETCHES = new ConcurrentHashMap<>();
    private static final java.util.concurrent.atomic.AtomicInteger OWN_WORK_READERS =
            new java.util.concurrent.atomic.AtomicInteger();
    private static final java.util.List<OwnWorkMarks> OWN_WORK_MARKS = new java.util.concurrent.CopyOnWriteArrayList<>();
    private static final OwnWork NO_WORK = () -> { };
    private static final java.util.concurrent.atomic.AtomicInteger OWN_WORK_METERS =
            new java.util.concurrent.atomic.AtomicInteger();
    /** The calling thread's metered stretch of own work, if it is in one (a nested stretch is part of it). */
    private static final ThreadLocal<RunningMeter> METERED = new ThreadLocal<>();

    static {
        // Loaded with SelfIo, before any window: on a first use inside one, loading them would read the jar
        // before a stretch could take it in.
        java.util.List.of(Stretch.class, RunningMeter.class, Meters.class, OwnWork.class, NO_WORK.getClass(),
                OWN_CALL.getClass(), EdgeLock.class, EdgeWork.class, ThreadCounters.class);
    }

    /** A stretch of own work on the calling thread, ended by {@link #close()}. */
    public interface OwnWork extends AutoCloseable {
        /** Ends the stretch now. Call once, on the thread that began it. Never throws. */
        @Override
        void close();
    }

    /**
     * How a tracer that sees each system call in order, but not on {@link System#nanoTime()}'s clock (strace),
     * marks own work in its trace: a call it will recognise at the start and at the end of each stretch.
     */
    public interface OwnWorkMarks {
        /** Issues the start mark on the calling thread. Must not throw, must not count as I/O anywhere. */
        void begin();

        /** Issues the end mark on the calling thread. Same rules. */
        void end();
    }

    /**
     * Begins a stretch of the library's own work on the calling thread: everything it does until
     * {@link OwnWork#close()} (starting or stopping a recording, building a report, loading classes on a first
     * use) is the library's. A provider that sees calls one by one with their thread and time drops them
     * ({@link #isOwnWork}); one that sees them in order marks the stretch in its own record ({@link #markOwnWork});
     * a counting one has the stretch metered whole ({@link #meterOwnWork}). The session brackets each profiler's
     * start and stop with it, so a provider needs to do nothing more. A running stretch is kept whether or not a
     * window reads stretches yet (one may open on another thread before it ends): costs a {@link System#nanoTime()}
     * and an entry in a map, more while one of those is registered; a nested stretch on the same thread is part of
     * the outer one.
     *
     * @return the stretch; close it on the same thread
     */
    public static OwnWork ownWork() {
        // The time first, then the marks: whatever follows (class loading on a first use, too) lies inside.
        long from = System.nanoTime();
        boolean meter = OWN_WORK_METERS.get() > 0 && METERED.get() == null;
        RunningMeter metered = null;
        if (meter) { // before the marks: a mark's first use may load a class (read a jar), which the meter must see
            metered = RunningMeter.start(true);
            METERED.set(metered);
        }
        Object[] marks = OWN_WORK_MARKS.toArray();
        for (Object m : marks) {
            ((OwnWorkMarks) m).begin();
        }
        Stretch s = null;
        // Kept while it runs, whether or not a window reads stretches yet: a perf window that opens meanwhile on
        // another thread must know that this thread's calls are the library's (issue 19)
        long tid = stretchTid();
        java.util.List<Stretch> mine = null;
        while (tid >= 0) {
            mine = STRETCHES.computeIfAbsent(tid, k -> new java.util.ArrayList<>());
            synchronized (mine) {
                if (STRETCHES.get(tid) != mine) {
                    continue; // emptied and dropped meanwhile (forget): take the thread's new list
                }
                if (mine.isEmpty() || mine.get(mine.size() - 1).to != Long.MAX_VALUE) {
                    s = new Stretch(from);
                    mine.add(s);
                }
            }
            break;
        }
        Stretch stretch = s;
        java.util.List<Stretch> list = mine;
        RunningMeter m = metered;
        return () -> {
            if (m != null) {
                METERED.remove();
                m.close();
            }
            for (int i = marks.length - 1; i >= 0; i--) {
                ((OwnWorkMarks) marks[i]).end();
            }
            if (stretch != null) {
                stretch.to = System.nanoTime();
                if (OWN_WORK_READERS.get() == 0) { // no window asks about it: a window opening from now on is later
                    forget(tid, list, st -> st == stretch);
                }
            }
        };
    }

    /** The OS thread id a stretch is kept under: read once per platform thread, every time on a virtual one. */
    private static long stretchTid() {
        long[] cached = STRETCH_TID.get();
        if (cached[0] != Long.MIN_VALUE) {
            return cached[0];
        }
        long tid = osThreadId();
        if (!isVirtual(Thread.currentThread())) {
            cached[0] = tid;
        }
        return tid;
    }

    private static final ThreadLocal<long[]> STRETCH_TID = ThreadLocal.withInitial(() -> new long[] {Long.MIN_VALUE});
    private static final java.lang.invoke.MethodHandle IS_VIRTUAL = isVirtualHandle();

    private static java.lang.invoke.MethodHandle isVirtualHandle() {
        try {
            return java.lang.invoke.MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
                    java.lang.invoke.MethodType.methodType(boolean.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // Java 17 to 20: every thread is a platform thread
        }
    }

    private static boolean isVirtual(Thread t) {
        try {
            return IS_VIRTUAL != null && (boolean) IS_VIRTUAL.invoke(t);
        } catch (Throwable e) {
            return false;
        }
    }

    /**
     * A counting window ({@code procfs}, OS counters) opened: from now on stretches of own work are metered as a
     * whole, so that what the library does on a first use (loading its classes from their jars, inside this
     * window) is taken out too. Costs two reads of the thread's counters per stretch while registered.
     *
     * @return the registration; close it when the window's recording closes
     */
    public static Registration meterOwnWork() {
        OWN_WORK_METERS.incrementAndGet();
        return once(OWN_WORK_METERS::decrementAndGet);
    }

    /**
     * Books the calling thread's running meters (a metered stretch of own work, a {@link #meter()}) up to now, and
     * pauses them: a counting provider in {@code Scope.THREAD} calls it right before it reads its counters (at a
     * window's start and at its end), and {@link #resumeOwnWork} right after, so own work before a window opens is
     * not booked inside it, and own work inside it is booked before it closes. ({@link #atProcessEdge} does the
     * same for a process-wide window, and for every thread.)
     */
    public static void settleOwnWork() {
        EDGE.lockRead();
        try {
            pauseMine();
        } finally {
            EDGE.unlockRead();
        }
    }

    /**
     * Resumes the metering that {@link #settleOwnWork} paused: a stretch of own work only while a counting window
     * is still registered ({@link #meterOwnWork}), a {@link #meter()} always.
     */
    public static void resumeOwnWork() {
        EDGE.lockRead();
        try {
            resumeMine();
        } finally {
            EDGE.unlockRead();
        }
    }

    /**
     * Whether a call that a thread began at a time was the library's own work.
     *
     * @param tid   the OS thread id, as a tracer reports it
     * @param nanos when the call began, on {@link System#nanoTime()}'s clock ({@code CLOCK_MONOTONIC} on Linux)
     * @return true if it lies in a stretch of {@link #ownWork} on that thread
     */
    public static boolean isOwnWork(long tid, long nanos) {
        java.util.List<Stretch> mine = STRETCHES.get(tid);
        if (mine == null) {
            return false;
        }
        synchronized (mine) {
            // the last stretch that began at or before the time: the only one that can hold it
            int lo = 0;
            int hi = mine.size() - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (mine.get(mid).from <= nanos) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found >= 0 && nanos <= mine.get(found).to;
        }
    }

    /**
     * A window that will ask {@link #isOwnWork} opened: stretches are kept from now on, and until no session is open
     * after the registration is closed (its window is decoded after its block). Memory: two stretches per session
     * started meanwhile.
     *
     * @return the registration; close it when the window is decoded or abandoned
     */
    public static Registration readOwnWork() {
        OWN_WORK_READERS.incrementAndGet();
        return once(() -> whenNoSession(() -> {
            if (OWN_WORK_READERS.decrementAndGet() == 0) {
                // the ended ones: a stretch still running is kept until it ends, for a window opening meanwhile
                for (java.util.Map.Entry<Long, java.util.List<Stretch>> e : STRETCHES.entrySet()) {
                    forget(e.getKey(), e.getValue(), st -> st.to != Long.MAX_VALUE);
                }
            }
        }));
    }

    /** Removes stretches of a thread, and its list once empty (a stretch starting meanwhile takes a new one). */
    private static void forget(long tid, java.util.List<Stretch> list, java.util.function.Predicate<Stretch> which) {
        synchronized (list) {
            list.removeIf(which);
            if (list.isEmpty()) {
                STRETCHES.remove(tid, list);
            }
        }
    }

    /**
     * Installs a tracer's marks of own work (while it is attached).
     *
     * @param marks the tracer's marks
     * @return the registration; close it when the tracer detaches
     */
    public static Registration markOwnWork(OwnWorkMarks marks) {
        OWN_WORK_MARKS.add(java.util.Objects.requireNonNull(marks, "marks"));
        return once(() -> OWN_WORK_MARKS.remove(marks));
    }

    private static final java.util.Map<Long, Integer> OWN_THREADS = new ConcurrentHashMap<>();

    /**
     * Wraps the body of a thread the library starts (a watchdog, a timer, the warm-up, a cleaner): while it runs,
     * the thread is the library's own, and tracers drop every call it makes (loading classes on a first use too).
     *
     * @param body what the thread runs
     * @return the body, booking its thread as own for the length of the run
     */
    public static Runnable ownThread(Runnable body) {
        java.util.Objects.requireNonNull(body, "body");
        return () -> {
            long tid = osThreadId();
            if (tid >= 0) {
                OWN_THREADS.merge(tid, 1, Integer::sum);
            }
            try {
                body.run();
            } finally {
                if (tid >= 0) {
                    // a window still to be decoded may hold its calls: forgotten once no session is open
                    whenNoSession(() -> OWN_THREADS.computeIfPresent(tid, (k, n) -> n == 1 ? null : n - 1));
                }
            }
        };
    }

    /**
     * A daemon thread of the library's own, not started: the one way the library makes its threads (timers,
     * cleaners, the warm-up, the sweep of stale files), so that no tracer ever counts what they do
     * ({@link #ownThread}).
     *
     * @param name the thread's name, such as {@code "iops-perf-linger"}
     * @param body what it runs
     * @return the thread, not started
     */
    public static Thread newOwnThread(String name, Runnable body) {
        Thread t = new Thread(ownThread(body), java.util.Objects.requireNonNull(name, "name"));
        t.setDaemon(true);
        return t;
    }

    /**
     * The library's one {@link java.lang.ref.Cleaner}, whose thread ({@code iops-cleaner}) is the library's own and
     * starts with the first call: what releases an abandoned session's recording or a tracer's reference.
     *
     * @return the cleaner; thread-safe
     */
    public static java.lang.ref.Cleaner cleaner() {
        return LibraryCleaner.CLEANER;
    }

    private static final class LibraryCleaner {
        static final java.lang.ref.Cleaner CLEANER = java.lang.ref.Cleaner.create(r -> newOwnThread("iops-cleaner", r));
    }

    /**
     * @param tid an OS thread id of this process, as a tracer reports it
     * @return true while it runs a body of {@link #ownThread} (and until no session is open after that)
     */
    public static boolean isOwnThread(long tid) {
        return !OWN_THREADS.isEmpty() && OWN_THREADS.containsKey(tid);
    }

    /**
     * The calling thread's OS thread id, as tracers report it: read from the {@code /proc/thread-self} link (a
     * {@code readlink}, which no provider counts as I/O). On a virtual thread, its carrier's.
     *
     * @return the id, or -1 where the platform has no {@code /proc/thread-self}
     */
    public static long osThreadId() {
        try {
            String link = java.nio.file.Files.readSymbolicLink(Path.of("/proc/thread-self")).toString();
            return Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
        } catch (java.io.IOException | RuntimeException e) {
            return -1;
        }
    }

    private static Registration once(Runnable undo) {
        return new Registration() {
            private final java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();

            @Override
            public void close() {
                if (done.compareAndSet(false, true)) {
                    undo.run();
                }
            }
        };
    }
}
