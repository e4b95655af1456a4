package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.OpSink;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One session's window of kernel tracepoints read in-process: the events are opened at start (disabled), enabled
 * as the last step before the window opens, disabled as the first step after it closes, and drained from their
 * ring buffers by a library thread while the block runs and by the session's thread at the end. The events are
 * then given to the shared decoder ({@link PerfWindow}) in time order. The kernel resources are released by the
 * draining thread after the window, off the caller's path (closing perf events takes milliseconds).
 * Not thread-safe beyond the {@link Recording} contract.
 */
final class TracepointRecording implements Recording {
    /** Poll period of the draining thread when its buffers stay under the watermark; also its exit latency. */
    static final int POLL_MILLIS = 20;
    /** The draining thread's nice value where the process may raise it. */
    static final int DRAINER_NICE = -10;

    /** What a session needs. */
    record Settings(TracepointIds ids, PerfSyscalls table, long syscallNr, int[] cpus, int pagesPerCpu,
                    long maxEvents, boolean defaultBuffer, long pidMax) {
    }

    /** Data pages per CPU that fit the kernel's default locked-memory allowance for perf (516 KiB per CPU). */
    static final int FITS_DEFAULT_LIMIT = 64;

    private static boolean lockedMemoryLimit(KernelCalls.CallFailedException e) {
        return e.getMessage().startsWith("mmap") && (e.errno == KernelCalls.EPERM || e.errno == KernelCalls.EACCES);
    }

    private final Settings settings;
    private final Scope scope;
    private final boolean drain;
    private final long tid;
    private final int pid = (int) ProcessHandle.current().pid();
    private final Object lock = new Object();
    private TracepointSet set; // guarded by lock once the drainer runs
    private TracepointStream stream; // same
    private boolean stopping; // same
    private Thread drainer;
    private final java.util.concurrent.CountDownLatch drainerReady = new java.util.concurrent.CountDownLatch(1);
    /** Counted down once the set is handed to the drainer, or once the start gave up before that. */
    private final java.util.concurrent.CountDownLatch setReady = new java.util.concurrent.CountDownLatch(1);
    private int[] pollSet;
    private SelfIo.Registration ownWork;
    private SelfIo.Registration attached;
    private Map<Long, TraceWindow.Target> startFds = Map.of();
    private long beginNanos;
    private long snapshotNanos;
    private boolean stopped;
    private boolean closed;
    private int pagesUsed;
    private OwnTids ownTids = OwnTids.NONE;

    /**
     * @param settings what to open
     * @param scope    the threads to count
     * @param drain    false leaves the buffers undrained until the stop (tests make them overflow so)
     */
    TracepointRecording(Settings settings, Scope scope, boolean drain) {
        this.settings = settings;
        this.scope = scope;
        this.drain = drain;
        long id = -1;
        if (scope == Scope.THREAD) {
            try {
                id = AffinityHelper.currentTid();
            } catch (IOException | RuntimeException e) {
                throw new ProfilerStartException("tracepoints: the OS id of this thread could not be read from "
                        + "/proc/thread-self (" + e.getMessage() + "); is /proc mounted? Or use Scope.PROCESS.", e);
            }
        }
        this.tid = id;
    }

    /** Whether this JVM ran the drain, release and resolution paths once (their classes are loaded). */
    private static volatile boolean warmedUp;

    /** Opens the events and the window: the window's start time is the last thing taken. */
    void begin() {
        try {
            KernelCalls.load();
            ownWork = SelfIo.readOwnWork(); // from now on, other sessions' starts and stops are kept
            // started first, its start overlapping the opening of the events (milliseconds), once this JVM ran its
            // paths on this thread: a first run on the drainer would load classes (runtime-image reads) unbooked
            boolean early = warmedUp;
            if (early) {
                startDrainer();
            }
            int pages = settings.pagesPerCpu();
            // the kernel drops the records of processes already running (OwnTids: why)
            ownTids = OwnTids.ofThisProcess(tid > 0 ? tid : SelfIo.osThreadId(), settings.pidMax());
            String filter = ownTids.and(settings.table().filter());
            String openatFilter = ownTids.and("id == " + settings.table().openat());
            TracepointSet opened;
            try {
                opened = TracepointSet.open(settings.ids(), filter, openatFilter, settings.syscallNr(),
                        settings.cpus(), pages);
            } catch (KernelCalls.CallFailedException e) {
                if (!lockedMemoryLimit(e) || !settings.defaultBuffer() || pages <= FITS_DEFAULT_LIMIT) {
                    throw new ProfilerStartException(TracepointProfiler.openFailure(e, pages), e);
                }
                // A user with CAP_PERFMON but not root may lock perf_event_mlock_kb (516 KiB) per CPU: the default
                // buffer does not fit, the largest power of two that does is tried (a buffer set by -D is not).
                pages = FITS_DEFAULT_LIMIT;
                try {
                    opened = TracepointSet.open(settings.ids(), filter, openatFilter, settings.syscallNr(),
                            settings.cpus(), pages);
                } catch (KernelCalls.CallFailedException again) {
                    throw new ProfilerStartException(TracepointProfiler.openFailure(again, pages), again);
                }
            }
            synchronized (lock) {
                set = opened; // from here on the set is closed by the drainer, or by close()
            }
            pagesUsed = pages;
            TracepointStream s = new TracepointStream(settings.ids(), pid, opened.size(), settings.maxEvents(),
                    ownTids);
            if (!early) {
                warmUp(opened, s);
                startDrainer();
            }
            synchronized (lock) {
                stream = s;
                pollSet = KernelCalls.pollSet(opened.pollable());
            }
            setReady.countDown();
            // Waits (bounded) until the drainer is about to poll: an open made right after the window opens is then
            // resolved while its file is open, not after a thread start's delay.
            try {
                // false after a second on a loaded machine: the window opens anyway, early paths may be missed
                drainerReady.await(1, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // restored for the caller; the window opens anyway
            }
            try {
                opened.enable();
            } catch (KernelCalls.CallFailedException e) {
                throw new ProfilerStartException("tracepoints: the kernel refused to enable the events: "
                        + e.getMessage(), e);
            }
            attached = SelfIo.attachedTracer(TracepointProfiler.NAME);
            snapshotNanos = System.nanoTime(); // releases from here on end the snapshot's paths
            startFds = ProcFds.snapshot();
        } catch (RuntimeException | Error e) {
            close(); // also releases the drainer, which waits for its set until begin() hands it over or fails
            throw e;
        }
        beginNanos = System.nanoTime();
    }

    private void startDrainer() {
        drainer = SelfIo.newOwnThread("iops-tracepoints", this::drainLoop);
        drainer.start();
    }

    /**
     * The first session of the JVM runs, on its own thread and before its window, what the draining thread will
     * run: a first use there would load classes (reads of the runtime image or of JNA's jar) inside the window.
     */
    private static void warmUp(TracepointSet set, TracepointStream stream) {
        set.drain(stream); // the drain path (its classes, its VarHandle modes)
        KernelCalls.warmRelease(); // the release path
        KernelCalls.setNice(-1, 0); // the drainer's first native call, bound (it fails: no thread -1)
        KernelCalls.poll(KernelCalls.pollSet(set.pollable()), 2 * set.size(), 0); // the native call, bound
        // and the path from an open to a resolution (readlink, the target's kind, the records)
        OpenedPaths warm = new OpenedPaths(fd -> OpenedPaths.LinkReader.PROC_SELF.read(fd) == null ? "/" : "/");
        warm.resolve(-1, 0, System::nanoTime);
        warm.between(-1, Long.MIN_VALUE, Long.MAX_VALUE);
        try { // and the drainer's wait for its set, which parks: a timed wait takes the same path
            new java.util.concurrent.CountDownLatch(1).await(1, java.util.concurrent.TimeUnit.MICROSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        warmedUp = true;
    }

    /** The draining thread: drains when a buffer passes its watermark (or every poll period), then cleans up. */
    private void drainLoop() {
        // Not metered: a meter's two readings would straddle the start or end of other sessions' process-wide
        // windows (a negative count). What a first pass would load is loaded on the caller instead (warmUp).
        // No timeout: begin() counts the latch down when it hands the set over, and close() when the start fails,
        // whatever it throws; giving up here could leave a set that begin() opens later with nobody to close it.
        while (true) {
            try {
                setReady.await();
                break;
            } catch (InterruptedException e) {
                // a library thread nobody should interrupt: the set it is waiting for must still be closed by it
            }
        }
        TracepointSet s;
        synchronized (lock) {
            s = set;
        }
        if (s == null) {
            return; // the start failed before opening anything
        }
        // Ahead of ordinary threads: on a loaded machine a drainer that waits its turn for tens of milliseconds lets
        // the buffers fill (the window then fails). It runs only during a block, briefly at each watermark; as root
        // (or with CAP_SYS_NICE) it gets nice -10, elsewhere it stays as it is.
        KernelCalls.setNice(0, DRAINER_NICE); // 0: the calling thread
        drainerReady.countDown();
        if (stopping()) {
            s.close();
            return;
        }
        while (true) {
            KernelCalls.poll(pollSet, 2 * s.size(), POLL_MILLIS);
            synchronized (lock) {
                if (stopping) {
                    break;
                }
                if (drain) {
                    s.drain(stream);
                }
            }
        }
        s.close();
    }

    private boolean stopping() {
        synchronized (lock) {
            return stopping;
        }
    }

    /**
     * @param path a path
     * @return true once a descriptor opened in the window was resolved to it (tests wait on it)
     */
    boolean resolved(String path) {
        synchronized (lock) {
            return stream != null && stream.paths().names(path);
        }
    }

    @Override
    public RecordingResult stop(OpSink sink) {
        long endNanos = System.nanoTime(); // first: close the window
        if (stopped || closed) {
            throw new IllegalStateException("this tracepoints recording was already stopped or closed");
        }
        stopped = true;
        long lost;
        try {
            synchronized (lock) {
                stopping = true;
                try {
                    set.disable();
                } catch (KernelCalls.CallFailedException e) {
                    throw new RecordingFailedException("tracepoints: the kernel refused to disable the events at "
                            + "the end of the block (" + e.getMessage() + "); the window cannot be bounded", e);
                }
                set.drain(stream);
                try {
                    long[] counts = set.lost();
                    lost = counts[0] + stream.lost();
                    if (counts[1] > 0) {
                        stream.paths().distrust();
                    }
                } catch (KernelCalls.CallFailedException e) {
                    throw new RecordingFailedException("tracepoints: the kernel's count of lost records could not "
                            + "be read (" + e.getMessage() + "), so the window cannot be known complete", e);
                }
            }
        } finally {
            attached.close();
        }
        // the end bound is the stream's (it leaves out later events); the window gives it none of them
        // descriptors still open at the end are looked up only if an operation needs it (rare: an open inside the
        // window is resolved when it happens), not listed whole on the caller's path
        PerfWindow window = PerfWindow.ofThisJvm(settings.table(), beginNanos, Long.MAX_VALUE, tid, startFds::get,
                ProcFds::target, sink).opened(stream.paths()).releasesFrom(snapshotNanos);
        stream.release(endNanos, window);
        window.finish();
        if (lost > 0) {
            throw new RecordingFailedException(TracepointProfiler.lost(lost, stream.samples(), pagesUsed,
                    set.bufferBytes(), ownTids != OwnTids.NONE));
        }
        if (stream.uncovered() > 0) {
            throw new RecordingFailedException(TracepointProfiler.uncovered(stream.uncovered()));
        }
        if (stream.overflowed()) {
            throw new RecordingFailedException(TracepointProfiler.overflow(settings.maxEvents()));
        }
        List<String> notes = new ArrayList<>();
        if (window.unresolved() > 0) {
            notes.add(TracepointProfiler.NAME + ": " + window.unresolved() + " operations have no path: their "
                    + "descriptors were opened and closed inside the block faster than they could be resolved, or "
                    + "were not opened from a path (pipes, sockets, dup), or the operations were a child process's "
                    + "(tracepoints carry descriptor numbers; paths come from /proc/self/fd at the block's start, at "
                    + "its end, and right after each open)");
        }
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (attached != null) {
                attached.close();
            }
            TracepointSet s;
            synchronized (lock) {
                stopping = true; // the drainer ends within a poll period and releases the kernel side
                s = set;
            }
            setReady.countDown(); // a drainer still waiting for its set gives up (or takes it and ends)
            if (drainer == null && s != null) {
                SelfIo.newOwnThread("iops-tracepoints-close", s::close).start();
            }
        } finally {
            if (ownWork != null) {
                ownWork.close();
            }
        }
    }
}
