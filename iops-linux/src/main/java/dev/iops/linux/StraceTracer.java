package dev.iops.linux;

import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.RecordingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The one strace process attached to this JVM, shared by every strace session (only one ptrace tracer can attach
 * to a process). Reference counted: the first session attaches it, the last one lets it go, after an optional
 * linger so that back-to-back sessions reuse it. Each session takes its own marker-delimited window of the shared
 * trace.
 *
 * <p>The OS layer of the strace provider: process spawning, synchronisation, markers and clean-up live here and
 * nowhere else. strace writes to a temp file (never a pipe: a tracee that blocks writing a pipe its tracer must
 * drain deadlocks), its stderr goes to a second temp file, and both are deleted on every path, including JVM exit
 * (shutdown hook).
 *
 * <p>Thread-safe.
 */
final class StraceTracer {
    private static final Logger LOG = LoggerFactory.getLogger(StraceTracer.class);
    /** Markers are readlink calls on paths under this directory, which does not exist. */
    static final String MARKER_DIR = "/nonexistent/iops-strace/";
    private static final String PREFIX = "iops-strace-";
    private static final long POLL_NANOS = 200_000;
    /** Past this size an idle tracer is detached at once rather than kept, so its trace file starts over. */
    private static final long ROTATE_BYTES = 64L * 1024 * 1024;

    private static final Object LOCK = new Object();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Set<StraceTracer> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static StraceTracer current; // guarded by LOCK
    private static ScheduledFuture<?> pendingDetach; // guarded by LOCK
    private static ScheduledThreadPoolExecutor lingerTimer; // guarded by LOCK
    private static boolean hookInstalled; // guarded by LOCK
    private static volatile long attaches;

    /** How a tracer is started; read from system properties by the profiler. */
    record Settings(Path executable, Path taskset, boolean pin, boolean pinThread, Duration linger,
                    Duration timeout) {
    }

    private final Process process;
    private final Path traceFile;
    private final Path errFile;
    private final FileChannel channel;
    private final Set<String> ownPaths;
    private final String token;
    private final int cpu;
    private final Duration timeout;
    private final AffinityHelper helper;
    private int refs; // guarded by LOCK
    private boolean cleaned; // guarded by LOCK

    private StraceTracer(Process process, Path traceFile, Path errFile, FileChannel channel, Set<String> ownPaths,
                         String token, int cpu, Duration timeout, AffinityHelper helper) {
        this.process = process;
        this.traceFile = traceFile;
        this.errFile = errFile;
        this.channel = channel;
        this.ownPaths = ownPaths;
        this.token = token;
        this.cpu = cpu;
        this.timeout = timeout;
        this.helper = helper;
    }

    /**
     * Returns the running tracer, attaching one if needed, and takes a reference on it. Called on the session
     * thread: attaching synchronises on markers issued from it.
     *
     * @throws ProfilerStartException if strace cannot attach
     */
    static StraceTracer acquire(Settings settings) {
        synchronized (LOCK) {
            if (pendingDetach != null) {
                pendingDetach.cancel(false);
                pendingDetach = null;
            }
            if (current != null && !current.isAlive()) {
                StraceTracer dead = current;
                current = null;
                if (dead.refs == 0) {
                    dead.cleanUp();
                } // else: its sessions will fail at stop and clean it up on close
            }
            if (current == null) {
                current = attach(settings);
            }
            current.refs++;
            return current;
        }
    }

    /** Gives back a reference; the last one detaches the tracer now or after the linger. */
    static void release(StraceTracer tracer, Duration linger) {
        synchronized (LOCK) {
            tracer.refs--;
            if (tracer.refs > 0) {
                return;
            }
            if (tracer != current || !tracer.isAlive() || linger.isZero() || linger.isNegative() || tracer.isLarge()) {
                if (tracer == current) {
                    current = null;
                }
                tracer.cleanUp();
                return;
            }
            pendingDetach = lingerTimer().schedule(StraceTracer::detachIdle, linger.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** @return the timer that detaches a lingering tracer; its one daemon thread exits when idle */
    private static ScheduledThreadPoolExecutor lingerTimer() {
        if (lingerTimer == null) {
            lingerTimer = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "iops-strace-linger");
                t.setDaemon(true);
                return t;
            });
            lingerTimer.setRemoveOnCancelPolicy(true);
            lingerTimer.setKeepAliveTime(1, TimeUnit.SECONDS);
            lingerTimer.allowCoreThreadTimeOut(true); // no idle thread left behind
        }
        return lingerTimer;
    }

    /**
     * Detaches the tracer now if no session uses it (the linger's end; tests that check for leaks).
     *
     * @return true if no tracer is attached any more
     */
    static boolean detachIdle() {
        synchronized (LOCK) {
            if (current != null && current.refs == 0) {
                current.cleanUp();
                current = null;
            }
            if (pendingDetach != null) {
                pendingDetach.cancel(false);
                pendingDetach = null;
            }
            return current == null;
        }
    }

    /** @return true while a tracer of ours is attached (so this JVM's TracerPid is ours) */
    static boolean isAttached() {
        synchronized (LOCK) {
            return current != null && current.isAlive();
        }
    }

    /** @return the running tracer, or {@code null} (tests) */
    static StraceTracer current() {
        synchronized (LOCK) {
            return current;
        }
    }

    /** @return how many strace processes this JVM started so far (tests, benchmarks) */
    static long attaches() {
        return attaches;
    }

    private static StraceTracer attach(Settings s) {
        long t0 = System.nanoTime();
        long pid = ProcessHandle.current().pid();
        String token = Long.toString(pid, 36) + "-" + SEQUENCE.incrementAndGet();
        // Throwaway marker before strace runs: loads the exception path so no class loading happens in a window.
        marker(Path.of(MARKER_DIR + "warm"));
        warmUp(token);
        int cpu = (s.pin() || s.pinThread()) && s.taskset() != null ? currentCpu() : -1;
        Path trace = null;
        Path err = null;
        FileChannel channel = null;
        Process process = null;
        // started before strace, so that neither it nor the taskset runs it makes are ever traced
        AffinityHelper helper = s.pinThread() && cpu >= 0 ? AffinityHelper.start(s.taskset()) : null;
        try {
            trace = Files.createTempFile(PREFIX, ".trace");
            err = Files.createTempFile(PREFIX, ".err");
            channel = FileChannel.open(trace, StandardOpenOption.READ);
            new TraceFileReader(channel, 0).readAvailable(new TraceWindow(null, null, false, Set.of(), op -> { }));
            List<String> cmd = new ArrayList<>();
            if (cpu >= 0) {
                cmd.addAll(List.of(s.taskset().toString(), "-c", Integer.toString(cpu)));
            }
            cmd.addAll(List.of(s.executable().toString(), "-f", "-qq", "-y", "-T", "-ttt", "-e", "signal=none",
                    "-e", "trace=" + Syscall.traceSet(), "-o", trace.toString(), "-p", Long.toString(pid)));
            installHook();
            process = new ProcessBuilder(cmd)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile())
                    .start();
            attaches++;
            // strace prints the real path of the file it writes; those reads are ours, never the block's
            Set<String> own = new java.util.HashSet<>(List.of(trace.toRealPath().toString(),
                    err.toRealPath().toString()));
            if (helper != null) {
                own.addAll(helper.pipes()); // the JVM's side of the pin requests
            }
            StraceTracer tracer = new StraceTracer(process, trace, err, channel, Set.copyOf(own), token, cpu,
                    s.timeout(), helper);
            LIVE.add(tracer);
            try {
                tracer.synchronise(pid);
            } catch (RuntimeException e) {
                tracer.cleanUp();
                throw e;
            }
            LOG.debug("iops: strace (pid {}) attached to pid {}{} in {} us", process.pid(), pid,
                    cpu >= 0 ? " pinned to CPU " + cpu : "", (System.nanoTime() - t0) / 1000);
            return tracer;
        } catch (IOException e) {
            if (helper != null) {
                helper.close();
            }
            if (process != null) {
                process.destroyForcibly();
            }
            closeQuietly(channel);
            deleteQuietly(trace);
            deleteQuietly(err);
            throw new ProfilerStartException("strace could not be started (" + e.getMessage()
                    + "). Check that " + s.executable() + " runs and that " + System.getProperty("java.io.tmpdir")
                    + " is writable, or use -Diops.profiler=procfs.", e);
        }
    }

    /** Report classes the session loads after a window; loading them once strace runs costs a traced read each. */
    private static final String[] SESSION_CLASSES = {"dev.iops.IopsReport", "dev.iops.OpDetail", "dev.iops.PathStats",
        "dev.iops.IoTotals", "dev.iops.LatencySummary", "dev.iops.TimeSizeGrid", "dev.iops.SizeHistogram$Bucket",
        "dev.iops.Figure", "dev.iops.spi.RecordingResult", "java.util.concurrent.ScheduledThreadPoolExecutor",
        "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask"};

    /**
     * Runs the window code once on made-up lines before strace attaches. Every class loaded and every lambda or
     * string concatenation linked here would otherwise be done under tracing, where each read of a class file
     * costs a traced system call: this takes tens of milliseconds off the first session.
     */
    private static void warmUp(String token) {
        String begin = markerPath(token, 0, "begin").toString();
        String end = markerPath(token, 0, "end").toString();
        long[] n = {0};
        TraceWindow w = new TraceWindow(begin, end, true, Set.of("/tmp/x"), op -> n[0] += op.bytes());
        w.accept("1 1.000000 readlink(\"" + begin + "\", 0x1, 4097) = -1 ENOENT (No such file or directory) <0.000001>");
        w.accept("1 1.000001 write(3</tmp/a>, \"x\", 1) = 1 <0.000001>");
        w.accept("1 1.000002 read(3<pipe:[1]>,  <unfinished ...>");
        w.accept("1 1.000003 <... read resumed>\"x\", 1) = 1 <0.000001>");
        w.accept("1 1.000004 pread64(3</tmp/x>, \"x\", 1, 0) = -1 EIO (Input/output error) <0.000001>");
        w.accept("1 1.000005 readlink(\"" + end + "\", 0x1, 4097) = -1 ENOENT (No such file or directory) <0.000001>");
        RecordingResult.ofOperations("strace: " + n[0] + w.garbageLines() + w.operations());
        synchronized (LOCK) {
            lingerTimer().schedule(() -> { }, 0, TimeUnit.NANOSECONDS); // links the linger path; its thread idles out
        }
        ClassLoader loader = StraceTracer.class.getClassLoader();
        for (String name : SESSION_CLASSES) {
            try {
                Class.forName(name, true, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                LOG.debug("iops: could not preload {}: {}", name, e.toString());
            }
        }
    }

    /**
     * Issues markers until one shows in the trace. strace prints nothing for a thread before it has attached to
     * every thread of the process, so the first marker seen means the whole process is traced.
     */
    private void synchronise(long pid) {
        String prefix = MARKER_DIR + token + "-sync-";
        byte[] needle = prefix.getBytes(StandardCharsets.US_ASCII);
        TraceFileReader reader = new TraceFileReader(channel, 0);
        boolean[] seen = {false};
        TraceFileReader.LineSink search = new TraceFileReader.LineSink() {
            @Override
            public void line(byte[] b, int from, int to) {
                if (indexOf(b, from, to, needle) >= 0) {
                    seen[0] = true;
                }
            }

            @Override
            public boolean done() {
                return seen[0];
            }
        };
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int i = 0; ; i++) {
            marker(Path.of(prefix + i));
            try {
                reader.readAvailable(search);
            } catch (IOException e) {
                throw new ProfilerStartException("strace's trace file " + traceFile + " could not be read: "
                        + e.getMessage(), e);
            }
            if (seen[0]) {
                return;
            }
            if (!process.isAlive()) {
                throw new ProfilerStartException(explainStartFailure(waitExit(), stderr(), pid, yamaScope()));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new ProfilerStartException("strace (pid " + process.pid() + ") did not start tracing pid " + pid
                        + " within " + timeout.toMillis() + " ms. The machine may be overloaded; raise "
                        + "-Diops.strace.timeout=MILLIS or use -Diops.profiler=procfs."
                        + describeStderr(stderr()));
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /**
     * Turns strace's complaint into a message that says what to do.
     *
     * @param exitCode  strace's exit code
     * @param stderr    what strace printed on stderr
     * @param pid       the process it was asked to attach to
     * @param yamaScope the value of kernel.yama.ptrace_scope, or {@code null} without Yama
     * @return one message
     */
    static String explainStartFailure(int exitCode, String stderr, long pid, String yamaScope) {
        String first = firstLine(stderr);
        if (stderr.contains("Operation not permitted")) {
            String yama = yamaScope != null && !yamaScope.equals("0")
                    ? " (kernel.yama.ptrace_scope=" + yamaScope + ")" : "";
            return "strace could not attach to pid " + pid + ": ptrace not permitted" + yama + ". Run as root or "
                    + "grant CAP_SYS_PTRACE (containers: --cap-add=SYS_PTRACE; a seccomp profile that blocks ptrace "
                    + "needs --security-opt seccomp=unconfined), or set kernel.yama.ptrace_scope=0, or use "
                    + "-Diops.profiler=procfs. strace said: " + first;
        }
        if (stderr.contains("Function not implemented")) {
            return "strace could not attach to pid " + pid + ": ptrace is not available (blocked by seccomp or "
                    + "disabled in this kernel). Allow ptrace (containers: --security-opt seccomp=unconfined) or use "
                    + "-Diops.profiler=procfs. strace said: " + first;
        }
        if (stderr.contains("No such process")) {
            return "strace could not attach to pid " + pid + ": no such process (is this JVM in another PID "
                    + "namespace than strace?). Use -Diops.profiler=procfs. strace said: " + first;
        }
        return "strace exited with code " + exitCode + " before it started tracing pid " + pid
                + (first.isEmpty() ? "" : ": " + first) + ". Check that strace works here (strace -p " + pid
                + "), or use -Diops.profiler=procfs.";
    }

    private static String firstLine(String s) {
        for (String line : s.split("\n")) {
            if (!line.isBlank()) {
                return line.strip();
            }
        }
        return "";
    }

    private static String describeStderr(String stderr) {
        String first = firstLine(stderr);
        return first.isEmpty() ? "" : " strace said: " + first;
    }

    /** Issues one marker: a readlink of a path that does not exist, which strace records with the path. */
    static void marker(Path path) {
        try {
            Files.readSymbolicLink(path);
        } catch (IOException | UnsupportedOperationException expected) {
            // ENOENT is the point: the call reached the kernel, and strace saw it
        }
    }

    /** @return a fresh marker path, unique within this tracer */
    Path newMarker(String kind) {
        return markerPath(token, SEQUENCE.incrementAndGet(), kind);
    }

    private static Path markerPath(String token, long sequence, String kind) {
        return Path.of(MARKER_DIR + token + "-" + sequence + "-" + kind);
    }

    /** @return the current size of the trace file (an fstat: not traced) */
    long size() throws IOException {
        return channel.size();
    }

    /** @return the trace file, open for positional reads */
    FileChannel channel() {
        return channel;
    }

    /** @return the paths of the library's own files, whose operations are never counted */
    Set<String> ownPaths() {
        return ownPaths;
    }

    /** @return true when the trace file is big enough that the next session had better start a fresh one */
    private boolean isLarge() {
        try {
            return channel.size() > ROTATE_BYTES;
        } catch (IOException e) {
            return true;
        }
    }

    /** @return true while strace runs */
    boolean isAlive() {
        return process.isAlive();
    }

    /** @return the strace process id */
    long pid() {
        return process.pid();
    }

    /** @return the helper that pins session threads next to strace, or {@code null} */
    AffinityHelper helper() {
        return helper;
    }

    /** @return the CPU strace is pinned to, or -1 */
    int cpu() {
        return cpu;
    }

    /** @return the trace file */
    Path traceFile() {
        return traceFile;
    }

    /** @return how the strace process ended, for error messages */
    String describeExit() {
        if (process.isAlive()) {
            return "still running";
        }
        return "exit code " + process.exitValue() + describeStderr(stderr());
    }

    private int waitExit() {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** @return strace's stderr, at most 16 KiB of it */
    String stderr() {
        try (FileChannel ch = FileChannel.open(errFile, StandardOpenOption.READ)) {
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(16 * 1024);
            ch.read(b, 0);
            return new String(b.array(), 0, b.position(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Stops strace (it detaches from every thread on SIGTERM; exit 143 is normal) and deletes its files. */
    private void cleanUp() {
        if (cleaned) {
            return;
        }
        cleaned = true;
        terminate(process, timeout);
        if (helper != null) {
            helper.close();
        }
        closeQuietly(channel);
        deleteQuietly(traceFile);
        deleteQuietly(errFile);
        LIVE.remove(this);
    }

    private static void terminate(Process process, Duration timeout) {
        process.destroy();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void installHook() {
        if (hookInstalled) {
            return;
        }
        hookInstalled = true;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // No lock: a session thread may hold it while the JVM exits. Kill and delete, nothing else.
            for (StraceTracer t : LIVE) {
                terminate(t.process, Duration.ofSeconds(2));
                if (t.helper != null) {
                    t.helper.process().destroyForcibly();
                }
                closeQuietly(t.channel);
                deleteQuietly(t.traceFile);
                deleteQuietly(t.errFile);
            }
        }, "iops-strace-shutdown"));
    }

    /** @return the CPU the calling thread last ran on (field 39 of /proc/thread-self/stat), or -1 */
    static int currentCpu() {
        try {
            String stat = Files.readString(Path.of("/proc/thread-self/stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Integer.parseInt(f[39 - 3]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String yamaScope() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/yama/ptrace_scope")).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static int indexOf(byte[] b, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // read-only: nothing to lose
            }
        }
    }

    private static void deleteQuietly(Path path) {
        if (path != null) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.debug("iops: could not delete {}: {}", path, e.getMessage());
            }
        }
    }
}
