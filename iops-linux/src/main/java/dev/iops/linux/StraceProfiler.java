package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.PropertyValues;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.SelfIo;
import dev.iops.tracer.SharedTracer;
import dev.iops.tracer.TraceFile;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Exact per-operation I/O tracing with {@code strace} attached to this JVM: every read and write family call
 * ({@code read}, {@code write}, {@code pread64}, {@code pwrite64}, {@code readv}, {@code writev}, the
 * {@code preadv}/{@code pwritev} variants, {@code sendto}, {@code recvfrom}, {@code sendmsg}, {@code recvmsg})
 * and every in-kernel transfer ({@code sendfile}, {@code copy_file_range}, {@code splice}, each counted as a read
 * of its source and a write of its sink), with its size, thread, target (file, pipe, socket, terminal, from
 * {@code -y}), path, latency ({@code -T}) and time ({@code -ttt}). Failed calls are counted as errors, not as
 * operations.
 *
 * <h2>How</h2>
 * One strace process is attached per JVM ({@code strace -f -qq -y -T -ttt -e signal=none -e trace=... -o PIPE
 * -p PID}, the pipe of a {@code cat} that copies the trace to a temp file and stops at its first failed write, so
 * that a full disk fails the sessions it cuts short instead of leaving a gap in the trace) and shared, reference
 * counted, by every session, nested or concurrent. Each session's window is
 * delimited by two marker calls (a {@code readlink} of a unique non-existent path) that strace records like any
 * other call: no fixed sleeps, and the library's own calls (markers, reads of the trace file) are never counted.
 * Attaching waits until a marker shows in the trace, at most {@code iops.strace.timeout}.
 *
 * <h2>Options (system properties, read when a session starts)</h2>
 * <ul>
 *   <li>{@code iops.strace.path}: the strace executable; default: the first {@code strace} on {@code PATH}.</li>
 *   <li>{@code iops.strace.pin} (default {@code false}): {@code true} runs strace pinned with {@code taskset} to
 *       the CPU the attaching session's thread is on; {@code thread} also pins each session's thread to that CPU
 *       for the duration of its outermost session and then restores the thread's previous CPU set (through a
 *       small helper shell started before strace, so neither it nor its traffic is ever counted). Measured on
 *       this project's 2-CPU VM, 10,000 traced 64-byte writes cost about 30 us per call with {@code thread}
 *       against 30 to 120 us unpinned, depending on load; {@code true} alone gained 0 to 20 %. {@code thread}
 *       is not the default because it changes the caller's thread affinity during the block (threads the block
 *       starts inherit that single CPU for their whole life), costs about 6 ms per session, and concurrent
 *       sessions then share one CPU. Read when strace attaches.</li>
 *   <li>{@code iops.strace.linger} (milliseconds, default {@code 0}): how long strace stays attached after the
 *       last session ends. By default it detaches when the last session ends, because while it is attached every
 *       system call of the whole JVM is stopped twice by ptrace: code outside any measured block would run many
 *       times slower, unmeasured (1000 writes of 64 bytes, measured on this project's VM, 17 times slower). A
 *       positive value is an opt-in for back-to-back blocks: the next session reuses the tracer instead of
 *       attaching again (see docs/profilers/strace.md for both costs). A report measured by another provider
 *       while strace is attached says so.</li>
 *   <li>{@code iops.strace.maxTraceMiB} (default {@code 1024}): the bound of the trace file while sessions are
 *       open. A trace that passes it (a session that is never closed, while the JVM keeps doing I/O) makes strace
 *       detach and its file be deleted; the open sessions then fail at stop with that reason. A session that is
 *       never closed and becomes unreachable is released (and strace detached) by a cleaner.</li>
 *   <li>{@code iops.strace.timeout} (milliseconds, default {@code 10000}): how long to wait for strace to attach
 *       or to record the end of a block before failing with a clear error.</li>
 * </ul>
 *
 * <h2>Selection: exact, but it slows the block</h2>
 * Name {@code strace}, priority {@value #PRIORITY}: below every source that does not stop the process
 * ({@code procfs} 200, {@code procfs+jfr} 180, {@code jfr} 150). While strace is attached, ptrace stops every
 * system call of the JVM twice: measured on this project's 2-CPU VM, a block of 2001 I/O calls reported an elapsed
 * time about 14 times its unmeasured one, so elapsed, IOPS and throughput are off by that factor although every
 * count is exact. Automatic selection therefore picks strace only when nothing else usable can give what was asked
 * (a histogram in a JVM without Flight Recorder); name it ({@code profiler("strace")},
 * {@code -Diops.profiler=strace}) for what only it sees without root: each I/O system call with its descriptor's
 * target, {@code sendfile} and the other in-kernel transfers included.
 *
 * <p>Every report it makes says how much it slowed the block: {@code strace slowed this block: N traced calls ×
 * ~X µs each ≈ Y ms of Z ms elapsed}. X is measured when strace attaches: the median of 9 traced marker calls
 * ({@code readlink} of a path that does not exist) less that of 9 untraced ones made just before, which costs well
 * under a millisecond; N is the I/O calls of the window that strace stopped and traced. The estimate is a lower
 * bound of the slowdown: ptrace stops the block's other system calls too.
 *
 * <p>Usable when an {@code strace} executable is found and no other tracer (a debugger, another strace) is
 * attached to this JVM.
 * If the attach is refused at start (ptrace forbidden by Yama, a missing capability or a seccomp filter), start
 * fails with a message naming the fix, and automatic selection falls back to the next candidate.
 *
 * <p>What it cannot see: I/O through memory-mapped files (no system call), {@code io_uring} submissions, and
 * calls still in flight when the window closes (an operation counts when it completes inside the window).
 *
 * <p>Thread-safe.
 */
public final class StraceProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "strace";
    /**
     * This profiler's priority: the band of tracers that stop every system call of the process (see
     * {@link Profiler#priority()}), below jfr's 150.
     */
    public static final int PRIORITY = 100;
    /** System property naming the strace executable. */
    public static final String PATH_PROPERTY = "iops.strace.path";
    /**
     * System property for CPU pinning: {@code false} (the default), {@code true} (strace) or {@code thread}
     * (strace and, during its session, the session's thread).
     */
    public static final String PIN_PROPERTY = "iops.strace.pin";
    /** System property: milliseconds strace stays attached after the last session (default 0: detach). */
    public static final String LINGER_PROPERTY = "iops.strace.linger";
    /** System property: the bound of the trace file while sessions are open, in MiB (default 1024). */
    public static final String MAX_TRACE_PROPERTY = "iops.strace.maxTraceMiB";
    /** System property: milliseconds to wait for attach and for the end of a window (default 10000). */
    public static final String TIMEOUT_PROPERTY = "iops.strace.timeout";

    /** The longest linger or timeout accepted, in milliseconds: a day. */
    static final long MAX_MILLIS = 86_400_000;

    /** An idle tracer whose trace passed this size detaches rather than linger, so its file starts over. */
    private static final long ROTATE_BYTES_IDLE = 64L * 1024 * 1024;
    private static final Duration WATCH = Duration.ofMillis(200);

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.OPERATION_SIZES, Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY,
            Capability.TIMELINE));

    /** Creates the profiler; it attaches nothing until a session starts. */
    public StraceProfiler() {
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return {@value #PRIORITY}: an exact tracer that slows the block, below every source that does not */
    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Availability availability() {
        String os = System.getProperty("os.name", "");
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return Availability.forOtherPlatform("strace needs Linux; this is " + os);
        }
        Path exe = executable();
        if (exe == null) {
            return Availability.unusable(missingExecutable(PATH_PROPERTY, "strace",
                    "apt-get install strace, dnf install strace"));
        }
        if (StraceTracer.isAttached()) {
            return Availability.ready(); // the tracer in /proc/self/status is ours: sessions share it
        }
        long tracer = tracerPid();
        if (tracer > 0) {
            return Availability.unusable("this JVM is already traced by pid " + tracer + " (a debugger or another "
                    + "strace) and a process can have only one tracer; detach it, or use -Diops.profiler=procfs");
        }
        return Availability.ready();
    }

    /**
     * Loads and links the window and session code on the warm-up thread (what {@code start} otherwise does just
     * before strace attaches). It starts no process: a strace attached in the background would slow the JVM.
     */
    @Override
    public void warmUp() {
        try {
            StraceTracer.warmUp("warm-up");
        } catch (RuntimeException | LinkageError e) {
            // start() does it again before attaching
        }
    }

    @Override
    public Recording start(RecordingRequest request) {
        request.requirePlatformThread(NAME);
        if (request.scope() == Scope.THREAD && Thread.currentThread() != request.thread()) {
            throw new ProfilerStartException("strace must be started on the session's thread for Scope.THREAD "
                    + "(a bug in the caller: started on " + Thread.currentThread().getName() + ")");
        }
        Path exe = executable();
        if (exe == null) {
            throw new ProfilerStartException(availability().reason());
        }
        Duration linger = Duration.ofMillis(PropertyValues.wholeNumber(LINGER_PROPERTY, 0, 0, MAX_MILLIS,
                "milliseconds"));
        long maxTraceMiB = PropertyValues.wholeNumber(MAX_TRACE_PROPERTY, 1024, 1, 1024 * 1024, "MiB");
        Duration timeout = Duration.ofMillis(PropertyValues.wholeNumber(TIMEOUT_PROPERTY, 10_000, 1, MAX_MILLIS,
                "milliseconds"));
        String pinMode = PropertyValues.oneOf(PIN_PROPERTY, "false", "false", "true", "thread");
        boolean pinThread = pinMode.equals("thread");
        boolean pin = pinThread || pinMode.equals("true");
        StraceTracer.Settings settings = new StraceTracer.Settings(exe, pin ? findOnPath("taskset") : null, pin,
                pinThread, linger, timeout);
        SharedTracer.Policy policy = new SharedTracer.Policy(linger, maxTraceMiB * 1024 * 1024,
                ROTATE_BYTES_IDLE, WATCH);
        StraceRecording recording = new StraceRecording(request.scope(), timeout);
        // never interruptible: a session started on a thread whose flag is set works, and keeps the flag
        boolean interrupted = Thread.interrupted();
        try {
            recording.begin(settings, policy); // attaches if needed; last: opens the window
            return recording;
        } catch (ProfilerStartException e) {
            recording.close();
            throw e;
        } catch (IOException | RuntimeException e) {
            recording.close();
            throw new ProfilerStartException("strace's trace file could not be read at the start of the block: "
                    + e + ". Check the temp directory, or use -Diops.profiler=procfs.", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Reads a finished trace written by {@code strace -f -y [-T] [-tt|-ttt] -o FILE} (for example one captured
     * elsewhere) and gives every I/O operation in it to {@code sink}, in file order, with the same parser the
     * sessions use: bounded memory, whatever the file's size or its lines' lengths. Offsets are {@code -1} (there
     * is no window); lines that cannot be understood are skipped ({@link dev.iops.Iops#analyze} says how many).
     *
     * @param traceFile the trace; read up to its size when the call begins, a last line without its newline included
     * @param sink      receives the operations, on the calling thread
     * @return the number of lines read
     * @throws IOException if the file cannot be read
     */
    public static long parseTrace(Path traceFile, OpSink sink) throws IOException {
        return StraceTraceFormat.read(traceFile, sink, new java.util.ArrayList<>());
    }

    /**
     * A whole-number option of a Linux provider, any whole number; the caller checks the range (the tracepoints'
     * options). Prefer {@link PropertyValues#wholeNumber(String, long, long, long, String)}, which checks the range
     * and says it in its message.
     *
     * @param name         the system property
     * @param defaultValue its value when unset or blank
     * @param unit         its unit, for the message when it is not a number
     * @return the value
     * @throws ProfilerStartException if it is not a whole number
     */
    static long longProperty(String name, long defaultValue, String unit) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ProfilerStartException("-D" + name + "=" + v + " is not a whole number of " + unit);
        }
    }

    /** @return the strace executable to run, or {@code null} if there is none */
    static Path executable() {
        return executable(PATH_PROPERTY, "strace");
    }

    /**
     * @param property the system property that may name the executable
     * @param name     the executable to look up on {@code PATH} otherwise
     * @return the executable, or {@code null} if the property names no executable file or none is on the path
     */
    static Path executable(String property, String name) {
        String configured = System.getProperty(property);
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured.trim());
            return Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        return findOnPath(name);
    }

    /**
     * Why a tool cannot run for want of its executable, as {@link #availability()} says it.
     *
     * @param property the system property that may name the executable
     * @param name     the executable's name, as on {@code PATH}
     * @param install  how to install it, e.g. {@code "apt-get install strace, dnf install strace"}
     * @return the one-line reason
     */
    static String missingExecutable(String property, String name, String install) {
        String configured = System.getProperty(property);
        return configured != null
                ? "-D" + property + "=" + configured + " is not an executable file; point it at " + name
                : "no " + name + " executable on PATH; install it (" + install + ") or set -D" + property + "=/path/to/"
                + name;
    }

    /** Looks an executable up on {@code PATH} (access(2) calls only: no I/O that a window could count). */
    static Path findOnPath(String name) {
        String path = System.getenv("PATH");
        if (path == null || path.isBlank()) {
            path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p) && !Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * @return the TracerPid of this process, 0 if untraced, -1 if unknown. Read without interruption, booked as
     *         own I/O, on the pid's own path (as strace's {@code -y} and JFR name it) marked own during the read
     */
    static long tracerPid() {
        Path status = Path.of("/proc/" + ProcessHandle.current().pid() + "/status");
        SelfIo.Registration own = SelfIo.ownPath(status);
        try {
            return parseTracerPid(TraceFile.readHead(status, 16 * 1024));
        } finally {
            own.close();
        }
    }

    /**
     * @param status the text of {@code /proc/PID/status}, or {@code null}
     * @return its TracerPid, or -1 if absent or unreadable
     */
    static long parseTracerPid(String status) {
        if (status == null) {
            return -1;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("TracerPid:")) {
                try {
                    return Long.parseLong(line.substring("TracerPid:".length()).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
