package dev.iops.linux;

import dev.iops.Units;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.SelfIo;
import dev.iops.tracer.ChildProcess;
import dev.iops.tracer.SharedTracer;
import dev.iops.tracer.TraceFile;
import dev.iops.tracer.TraceFileReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One strace process attached to this JVM: what strace needs beyond the scaffold ({@link SharedTracer},
 * {@link ChildProcess}, {@link TraceFile}). Its command line, its readiness (a marker seen in the trace), its
 * warm-up, its error messages, Yama.
 *
 * <p>strace's trace goes to a temp file (never to a pipe the JVM drains: a tracee that blocks reading a pipe its
 * tracer must fill deadlocks), its stderr to a second temp file; both are deleted when it detaches and at JVM exit
 * (the child's shutdown hook). While attached it is booked with {@link SelfIo#attachedTracer}.
 *
 * <p>strace does not write the trace file itself: it writes into the pipe of a <em>writer</em>, a {@code cat} this
 * JVM starts first (a {@link ChildProcess}, so booked as the library's own before it writes a byte), which copies it
 * to the file. strace reports a failed write of its output (a full disk) on stderr and carries on, so the file
 * loses lines in the middle, silently: a window could end with every marker present and operations missing.
 * {@code cat} stops at its first failed write instead, so the file is always a prefix of what strace wrote: a
 * window whose end marker is in the file is complete, and one whose end never came fails naming the writer's
 * complaint (which it prints on a pipe to this JVM, not on the full disk). strace then meets a pipe without a
 * reader and exits (SIGPIPE), which detaches it.
 *
 * <p>The one {@link SharedTracer} of strace is {@link #SHARED}: static because a process can have only one
 * ptrace tracer, so one per JVM is the truth, not a convenience. Thread-safe.
 */
final class StraceTracer implements SharedTracer.Attachment {
    private static final Logger LOG = LoggerFactory.getLogger(StraceTracer.class);
    /** Markers are readlink calls on paths under this directory, which does not exist. */
    static final String MARKER_DIR = "/nonexistent/iops-strace/";
    /** Marks the start of a stretch of the library's own work on a thread ({@link SelfIo#ownWork}). */
    static final String OWN_WORK_BEGIN = MARKER_DIR + "own-work-begin";
    /** Marks its end. */
    static final String OWN_WORK_END = MARKER_DIR + "own-work-end";
    /** {@code iops-strace-<pid>-}: the pid keeps this JVM's files apart from other JVMs' in a shared temp dir. */
    static final String PREFIX = "iops-strace-" + ProcessHandle.current().pid() + "-";
    private static final Duration POLL = Duration.ofNanos(200_000);
    private static final AtomicLong SEQUENCE = new AtomicLong();

    /** The tracer of this JVM, shared by every strace session. */
    static final SharedTracer<Settings, StraceTracer> SHARED = new SharedTracer<>(StraceProfiler.NAME,
            StraceTracer::attach, SelfIo.cleaner());

    /** How a tracer is started; read from system properties by the profiler. */
    record Settings(Path executable, Path taskset, boolean pin, boolean pinThread, Duration linger,
                    Duration timeout) {
    }

    private final ChildProcess child;
    private final ChildProcess writer;
    private final TraceFile trace;
    private final Path errFile;
    private final Set<String> ownPaths;
    private final String token;
    private final int cpu;
    private final AffinityHelper helper;
    private final Yama.Grant grant;
    private final SelfIo.Registration attached;
    private final StraceOwnWork ownWork;
    private final SelfIo.Registration marks;
    /** What strace adds to one traced call, measured at attach; 0 if it could not be told from noise. */
    private volatile long costPerCallNanos;
    /** What the writer said when it stopped, once read (guarded by this). */
    private String writerSaid = "";

    private StraceTracer(ChildProcess child, ChildProcess writer, TraceFile trace, Path errFile, Set<String> ownPaths,
                         String token, int cpu, AffinityHelper helper, Yama.Grant grant) {
        this.child = child;
        this.writer = writer;
        this.trace = trace;
        this.errFile = errFile;
        this.ownPaths = ownPaths;
        this.token = token;
        this.cpu = cpu;
        this.helper = helper;
        this.grant = grant;
        this.attached = SelfIo.attachedTracer(StraceProfiler.NAME);
        this.ownWork = new StraceOwnWork(trace);
        this.marks = SelfIo.markOwnWork(ownWork); // strace sees calls in order, not on nanoTime's clock
    }

    /**
     * Detaches the tracer now if no session uses it (tests that check for leaks).
     *
     * @return true if no tracer is attached any more
     */
    static boolean detachIdle() {
        return SHARED.detachIdle();
    }

    /** @return true while a tracer of ours is attached (so this JVM's TracerPid is ours); never blocks */
    static boolean isAttached() {
        return SHARED.isAttached();
    }

    /** @return the running tracer, or {@code null} (tests) */
    static StraceTracer current() {
        return SHARED.current();
    }

    /** @return how many strace processes this JVM started so far (tests, benchmarks) */
    static long attaches() {
        return SHARED.attaches();
    }

    /** Starts strace and waits until it traces every thread; the scaffold's attach function. */
    private static StraceTracer attach(Settings s) {
        long t0 = System.nanoTime();
        long pid = ProcessHandle.current().pid();
        String token = Long.toString(pid, 36) + "-" + SEQUENCE.incrementAndGet();
        // Throwaway marker before strace runs: loads the exception path so no class loading happens in a window.
        marker(Path.of(MARKER_DIR + "warm"));
        Path costMarker = Path.of(MARKER_DIR + token + "-cost");
        long untraced = medianMarkerNanos(costMarker); // the same calls before strace runs, to subtract
        String yamaScope = Yama.scope();
        Yama.Decision yama = Yama.decide(yamaScope);
        if (yama.refusal() != null) {
            throw new ProfilerStartException(yama.refusal());
        }
        warmUp(token);
        int cpu = (s.pin() || s.pinThread()) && s.taskset() != null ? currentCpu() : -1;
        Path tracePath = null;
        Path err = null;
        TraceFile trace = null;
        ChildProcess writer = null;
        ChildProcess child = null;
        Yama.Grant grant = null;
        Path cat = StraceProfiler.findOnPath("cat");
        if (cat == null) {
            throw new ProfilerStartException("strace's trace is copied to its file by cat, and there is no cat "
                    + "executable on PATH; install coreutils or busybox, or use -Diops.profiler=procfs");
        }
        // started before strace, so that neither it nor the taskset runs it makes are ever traced
        AffinityHelper helper = s.pinThread() && cpu >= 0 ? AffinityHelper.start(s.taskset()) : null;
        try {
            // not createTempFile: its random names read /dev/urandom now and then, inside whatever window is open
            Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
            tracePath = SelfIo.createOwnFile(tmp, PREFIX, ".trace");
            err = SelfIo.createOwnFile(tmp, PREFIX, ".err");
            trace = TraceFile.open(tracePath);
            new TraceFileReader(trace, 0).readAvailable(new TraceWindow(null, null, false, Set.of(), op -> { }));
            // the writer's stderr goes to this JVM on its stdout pipe: a full disk would swallow it in a file
            writer = ChildProcess.of(StraceProfiler.NAME + "-writer", List.of("/bin/sh", "-c",
                    "exec \"$1\" 2>&1 >\"$2\"", "iops-strace-writer", cat.toString(), tracePath.toString()))
                    .pipes().grace(Duration.ofMillis(500)).start();
            List<String> cmd = new ArrayList<>();
            if (cpu >= 0) {
                cmd.addAll(List.of(s.taskset().toString(), "-c", Integer.toString(cpu)));
            }
            // strace opens the writer's end of the pipe through /proc: the pipe this JVM holds, reopened
            cmd.addAll(List.of(s.executable().toString(), "-f", "-qq", "-y", "-T", "-ttt", "-e", "signal=none",
                    "-e", "trace=" + Syscall.traceSet(), "-o", "/proc/" + writer.pid() + "/fd/0",
                    "-p", Long.toString(pid)));
            // gated: its pid is known before it attaches, so Yama can be told to let exactly it trace us
            child = ChildProcess.of(StraceProfiler.NAME, cmd).gated().stderrTo(err).deleteOnClose(tracePath)
                    .grace(s.timeout().compareTo(Duration.ofSeconds(2)) < 0 ? s.timeout() : Duration.ofSeconds(2))
                    .start();
            if (yama.grant()) {
                grant = Yama.grant(child.pid());
            }
            child.open();
            // strace prints the real path of the file it writes; those reads are ours, never the block's
            Set<String> own = new java.util.HashSet<>(List.of(trace.path().toString(), err.toRealPath().toString()));
            if (helper != null) {
                own.addAll(helper.pipes()); // the JVM's side of the pin requests
            }
            StraceTracer tracer = new StraceTracer(child, writer, trace, err, Set.copyOf(own), token, cpu, helper,
                    grant);
            try {
                tracer.synchronise(pid, s.timeout(), yamaScope);
            } catch (RuntimeException e) {
                tracer.detach();
                throw e;
            }
            tracer.releaseWriterPipe();
            // what strace adds to one traced call, here and now: the same calls traced, less untraced
            tracer.costPerCallNanos = Math.max(0, medianMarkerNanos(costMarker) - untraced);
            LOG.debug("iops: strace (pid {}) attached to pid {}{} in {} us; {} ns added per traced call", child.pid(),
                    pid, cpu >= 0 ? " pinned to CPU " + cpu : "", (System.nanoTime() - t0) / 1000,
                    tracer.costPerCallNanos);
            return tracer;
        } catch (IOException e) {
            if (child != null) {
                child.close();
            }
            if (writer != null) {
                writer.close();
            }
            if (grant != null) {
                grant.close();
            }
            if (helper != null) {
                helper.close();
            }
            if (trace != null) {
                trace.close();
            }
            deleteQuietly(tracePath);
            deleteQuietly(err);
            throw new ProfilerStartException("strace could not be started (" + e + "). Check that "
                    + s.executable() + " runs and that " + System.getProperty("java.io.tmpdir")
                    + " is writable, or use -Diops.profiler=procfs.", e);
        }
    }

    /** Report classes the session loads after a window; loading them once strace runs costs a traced read each. */
    private static final String[] SESSION_CLASSES = {"dev.iops.IopsReport", "dev.iops.OpDetail", "dev.iops.PathStats",
        "dev.iops.IoTotals", "dev.iops.LatencySummary", "dev.iops.TimeSizeGrid", "dev.iops.SizeHistogram$Bucket",
        "dev.iops.Figure", "dev.iops.spi.RecordingResult", "dev.iops.spi.Slowdown", "java.util.concurrent.ScheduledThreadPoolExecutor",
        "java.util.concurrent.ScheduledThreadPoolExecutor$ScheduledFutureTask", "dev.iops.Measured",
        // the aggregator's per-path table, first used by a report with paths (a nested session's, in the outer window)
        "dev.iops.internal.Aggregator$Acc", "dev.iops.internal.Aggregator$Tracked", "java.util.ArrayList$SubList",
        "java.util.ArrayList$SubList$1"};

    /**
     * Runs the window code once on made-up lines before strace attaches. Every class loaded and every lambda or
     * string concatenation linked here would otherwise be done under tracing, where each read of a class file
     * costs a traced system call: this takes tens of milliseconds off the first session.
     */
    static void warmUp(String token) {
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
    private void synchronise(long pid, Duration timeout, String yamaScope) {
        String prefix = MARKER_DIR + token + "-sync-";
        byte[] needle = prefix.getBytes(StandardCharsets.US_ASCII);
        TraceFileReader reader = new TraceFileReader(trace, 0);
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
        int[] sent = {0};
        ChildProcess.Readiness r;
        try {
            r = child.awaitReady(() -> {
                marker(Path.of(prefix + sent[0]++));
                reader.readAvailable(search);
                if (!seen[0] && writeFailure() != null) {
                    throw new ProfilerStartException(writeFailure() + ", so strace could not start. "
                            + writeAdvice() + ", or use -Diops.profiler=procfs.");
                }
                return seen[0];
            }, timeout, POLL);
        } catch (IOException e) {
            throw new ProfilerStartException("strace's trace file " + trace.path() + " could not be read: " + e, e);
        }
        if (r != ChildProcess.Readiness.READY && writeFailure() != null) {
            throw new ProfilerStartException(writeFailure() + ", so strace could not start. " + writeAdvice()
                    + ", or use -Diops.profiler=procfs.");
        }
        switch (r) {
            case READY -> { }
            case EXITED -> throw new ProfilerStartException(explainStartFailure(child.waitExit(timeout), stderr(), pid,
                    yamaScope));
            default -> throw new ProfilerStartException("strace (pid " + child.pid() + ") did not start tracing pid "
                    + pid + " within " + timeout.toMillis() + " ms. The machine may be overloaded; raise "
                    + "-Diops.strace.timeout=MILLIS or use -Diops.profiler=procfs." + describeStderr(stderr()));
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
            String yama = yamaScope != null && !yamaScope.strip().equals("0")
                    ? " (kernel.yama.ptrace_scope=" + yamaScope.strip() + ")" : "";
            return "strace could not attach to pid " + pid + ": ptrace not permitted" + yama + ". Run as root or "
                    + "grant CAP_SYS_PTRACE (containers: --cap-add=SYS_PTRACE; a seccomp profile that blocks ptrace "
                    + "needs --security-opt seccomp=unconfined), or set kernel.yama.ptrace_scope=0, or use "
                    + "-Diops.profiler=procfs." + Yama.advice(yamaScope) + " strace said: " + first;
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

    /**
     * Issues one marker: a readlink of a path that does not exist, which strace records with the path. Not
     * booked with {@link SelfIo#count}: {@code readlink} is neither a read nor a write for any provider
     * ({@code /proc/PID/io} does not count it, JFR does not see it), so there is nothing to subtract.
     */
    static void marker(Path path) {
        try {
            Files.readSymbolicLink(path);
        } catch (IOException | UnsupportedOperationException expected) {
            // ENOENT is the point: the call reached the kernel, and strace saw it
        }
    }

    /** Marker calls timed at attach, traced and untraced: few, so that measuring costs well under a millisecond. */
    static final int COST_SAMPLES = 9;

    /**
     * Times {@value #COST_SAMPLES} marker calls (a {@code readlink} that fails, as every marker does) one by one.
     * Traced, they land in the trace before any window opens, where no window reads them.
     *
     * @param path a marker path of this tracer's
     * @return the median nanoseconds of one call
     */
    static long medianMarkerNanos(Path path) {
        long[] nanos = new long[COST_SAMPLES];
        for (int i = 0; i < nanos.length; i++) {
            long t0 = System.nanoTime();
            marker(path);
            nanos[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(nanos);
        return nanos[nanos.length / 2];
    }

    /**
     * @return what strace adds to one traced system call of this JVM, in nanoseconds, measured when it attached (the
     *         median of {@value #COST_SAMPLES} traced marker calls less that of as many untraced ones); 0 when the
     *         difference was lost in noise
     */
    long costPerCallNanos() {
        return costPerCallNanos;
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
        return trace.size();
    }

    /**
     * @return where a window that opens now starts reading: the trace's size, or earlier, where another thread's
     *         stretch of own work still running began (see {@link StraceOwnWork})
     */
    long readFrom() throws IOException {
        return ownWork.readFrom();
    }

    @Override
    public long traceBytes() {
        try {
            return trace.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** @return the trace file, open for positional reads */
    TraceFile trace() {
        return trace;
    }

    /** @return the paths of the library's own files, whose operations are never counted */
    Set<String> ownPaths() {
        return ownPaths;
    }

    /** @return true while strace runs and its writer copies the trace to the file */
    @Override
    public boolean isAlive() {
        return child.isAlive() && writer.isAlive();
    }

    /**
     * Lets go of this JVM's end of the writer's pipe, once strace holds it (its first line reached the file):
     * the writer then ends when strace does, and only then.
     */
    private void releaseWriterPipe() {
        try {
            writer.stdin().close();
        } catch (IOException e) {
            LOG.debug("iops: could not close the pipe to strace's writer: {}", e.toString());
        }
    }

    /**
     * Why the trace could not be written to its file, if it could not: the writer stopped at its first failed
     * write (a full disk) and said why on its pipe to this JVM. The file is then a prefix of what strace wrote:
     * complete up to that point, missing everything after it. Cheap while the writer runs and says nothing (one
     * {@code FIONREAD}).
     *
     * @return for example {@code "strace's trace could not be written to /tmp/iops-strace-1-2.trace (cat: write
     *         error: No space left on device; 0 B free in /tmp now)"}, or {@code null} while the trace is written
     */
    String writeFailure() {
        String said = writerSaid();
        if (said.isEmpty() && (writer.isAlive() || writer.waitExit(Duration.ZERO) == 0)) {
            return null; // a writer that ended well ended because strace did: that is strace's story
        }
        if (said.isEmpty()) {
            said = "the writer, cat (pid " + writer.pid() + "), ended with " + writer.describeExit();
        }
        return "strace's trace could not be written to " + trace.path() + " (" + said + "; " + free() + ")";
    }

    /** @return what to do about {@link #writeFailure()}, without a final period */
    String writeAdvice() {
        Path dir = trace.path().getParent();
        return "Free space in " + dir + ", or start the JVM with -Djava.io.tmpdir=DIR on a file system with room";
    }

    private String free() {
        Path dir = trace.path().getParent();
        try {
            return Units.bytes(Files.getFileStore(dir).getUsableSpace()) + " free in " + dir + " now";
        } catch (IOException | RuntimeException e) {
            return "free space in " + dir + " unknown: " + e.getMessage();
        }
    }

    /** @return what the writer printed so far, read without blocking (its pipe holds at most one short message) */
    private synchronized String writerSaid() {
        try {
            java.io.InputStream in = writer.stdout();
            int n = in.available();
            if (n > 0) {
                byte[] b = new byte[Math.min(n, 4096)];
                int got;
                // a read(2) on the caller's thread, inside whatever window is open (all of which fail now)
                try (SelfIo.Meter meter = SelfIo.meter()) {
                    got = in.read(b);
                }
                if (got > 0) {
                    writerSaid = (writerSaid + new String(b, 0, got, StandardCharsets.UTF_8)).strip();
                }
            }
        } catch (IOException e) {
            // the pipe is closed (the writer was closed): keep what was read
        }
        return firstLine(writerSaid);
    }

    /** @return the strace process id */
    long pid() {
        return child.pid();
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
        return trace.path();
    }

    /** @return how the strace process ended, for error messages */
    String describeExit() {
        return child.isAlive() ? "still running" : child.describeExit() + describeStderr(stderr());
    }

    /** @return strace's stderr, at most 16 KiB of it */
    String stderr() {
        String s = TraceFile.readHead(errFile, 16 * 1024);
        return s == null ? "" : s;
    }

    /** Stops strace (it detaches from every thread on SIGTERM; exit 143 is normal) and deletes its files. */
    @Override
    public void detach() {
        marks.close();
        child.close();
        writer.close(); // after strace: it ends when strace closed its end of the pipe
        if (grant != null) {
            grant.close();
        }
        if (helper != null) {
            helper.close();
        }
        trace.close(); // the child deleted the trace and its stderr file
        attached.close();
    }

    /** @return the CPU the calling thread last ran on (field 39 of /proc/thread-self/stat), or -1 */
    static int currentCpu() {
        String stat = TraceFile.readHead(Path.of("/proc/thread-self/stat"), 4096);
        try {
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Integer.parseInt(f[39 - 3]);
        } catch (RuntimeException e) {
            return -1;
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

    private static void deleteQuietly(Path path) {
        if (path != null) {
            if (!SelfIo.deleteOwnFile(path)) { // also ends its registration, if SelfIo made it
                LOG.debug("iops: could not delete {}", path);
            }
        }
    }
}
