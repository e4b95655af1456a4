package dev.iops.spi;

import java.nio.file.Path;
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
 *       drop their operations.</li>
 * </ul>
 * A provider whose own I/O cannot be counted call by call (a library reading a file through its own
 * buffering) brackets it with {@link #meter()} where the platform can measure one thread's I/O.
 *
 * <p>Thread-safety: every method is thread-safe and lock-free on the counting path.
 */
public final class SelfIo {
    private static final LongAdder[] PROCESS = {new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder()};
    private static final ThreadLocal<ThreadLedger> THREAD = ThreadLocal.withInitial(ThreadLedger::new);
    private static final Set<String> PATHS = ConcurrentHashMap.newKeySet();
    private static final Set<Long> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final java.util.Map<Object, String> TRACERS = new ConcurrentHashMap<>();
    private static volatile Meter.Factory meterFactory = Meter.Factory.NONE;
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
        THREAD.get().add(readOps, bytesRead, writeOps, bytesWritten);
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

    /** The own I/O booked on one thread. Written by that thread only; readable from any thread. */
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
        PATHS.add(key);
        return once(() -> PATHS.remove(key));
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
        if (PATHS.contains(path)) {
            return true;
        }
        for (int i = path.lastIndexOf('/'); i > 0; i = path.lastIndexOf('/', i - 1)) {
            if (PATHS.contains(path.substring(0, i))) {
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
        PROCESSES.add(pid);
        return once(() -> PROCESSES.remove(pid));
    }

    /**
     * @param pid a process or thread-group id a tracer saw
     * @return true if the library started it
     */
    public static boolean isOwnProcess(long pid) {
        return PROCESSES.contains(pid);
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
     * by one; {@link Meter#close()} books what it measured. Where the platform cannot measure one thread, the
     * meter measures nothing and {@link Meter#exact()} is false.
     *
     * @return a running meter; close it on the same thread
     */
    public static Meter meter() {
        return meterFactory.start();
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
     * Installs how {@link #meter()} measures one thread (a provider module does, on a platform that can).
     *
     * @param factory the meter factory
     */
    public static void installMeter(Meter.Factory factory) {
        meterFactory = java.util.Objects.requireNonNull(factory, "factory");
    }

    /**
     * Measures a stretch of the library's own I/O on one thread and books it on close.
     */
    public interface Meter extends AutoCloseable {
        /** @return true if the platform measured the stretch exactly */
        boolean exact();

        /** Books what was measured with {@link SelfIo#count}. Never throws. */
        @Override
        void close();

        /** Starts meters. */
        @FunctionalInterface
        interface Factory {
            /** The factory of a platform that cannot measure a thread. */
            Factory NONE = () -> new Meter() {
                @Override
                public boolean exact() {
                    return false;
                }

                @Override
                public void close() {
                }
            };

            /** @return a meter started now on the calling thread */
            Meter start();
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
