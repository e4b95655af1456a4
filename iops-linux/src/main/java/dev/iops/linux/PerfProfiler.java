package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.PropertyValues;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Exact per-operation I/O tracing with Linux {@code perf record} on the kernel's {@code raw_syscalls}
 * tracepoints: the same calls, sizes, threads, latencies and times as {@code strace}, at a small fraction of its
 * cost per call, because the kernel writes each call into a ring buffer instead of stopping the thread twice.
 *
 * <h2>How</h2>
 * A session starts {@code perf record -D -1 --control fd:0,1 -k CLOCK_MONOTONIC -e raw_syscalls:sys_enter
 * --filter 'id == ...' -e raw_syscalls:sys_exit --filter ... -p PID} with recording disabled (the filter is
 * sometimes left out: see <em>Threads that come and go</em>), writes
 * {@code enable} to perf's control pipe and opens the window when perf acknowledges (no fixed sleeps). At the end
 * of the block it writes {@code disable}, then two {@code ping}s: perf copies its ring buffers to its file after
 * answering each command, so once the second is answered every event of the window is in the file. The session
 * reads that slice of the file itself (a Java reader of {@code perf.data}: no {@code perf script} process) while
 * perf goes on. Events carry {@code CLOCK_MONOTONIC} times, so the window is exactly the block's
 * {@link System#nanoTime()} interval. perf is then killed (its file needs no ending: it is read already), but only
 * once no process-wide counter window ({@code procfs} in process scope) is open, because the kernel adds a
 * child's I/O to its parent's counters when the child is reaped.
 *
 * <p>Nested and concurrent sessions each have their own perf. perf sees every system call of the JVM, including
 * other providers' own work; it drops the calls a thread made while the session was starting or stopping a
 * profiler ({@link dev.iops.spi.SelfIo#ownWork}), those of the library's own processes, and in process scope
 * those of the JVM's service threads.
 *
 * <p>Why a recorder per session and not one long-lived disabled recorder by default: a disabled recorder still
 * makes every system call pay for the tracepoint hook outside any block (about 0.02 us; not zero), on every
 * process of the machine, and keeps a perf process attached to the JVM; the rule is that nothing outside a block
 * is slowed unless asked. The price is a perf start per session (about 190 ms on this project's 2-CPU VM);
 * {@code iops.perf.linger} trades it for a disabled perf kept between sessions (a warm session then costs a few
 * milliseconds; both measured in {@code StraceBenchmark}).
 *
 * <h2>Paths</h2>
 * Tracepoints carry descriptor numbers, not names: descriptors are resolved through {@code /proc/self/fd} at
 * the start and the end of the block. A descriptor opened and closed inside the block has no path (the report
 * says how many operations that left without one).
 *
 * <h2>Options (system properties, read when a session starts)</h2>
 * <ul>
 *   <li>{@code iops.perf.path}: the perf executable; default: the first {@code perf} on {@code PATH}.</li>
 *   <li>{@code iops.perf.buffer}: perf's ring buffer in pages per CPU (a power of two; perf's default when
 *       unset). If the block makes calls faster than perf saves them, events are lost and the session fails with
 *       an {@link dev.iops.IncompleteReportException} carrying what was seen: never a silent undercount.</li>
 *   <li>{@code iops.perf.linger} (milliseconds, default {@code 0}): keep one disabled perf attached for this
 *       long after a session, so that the next session enables it (an acknowledgement, about a millisecond)
 *       instead of spawning perf; its file grows by each session's events (a recorder past 256 MiB is not kept).
 *       While it idles, every system call passes perf's disabled tracepoint hooks: a small cost outside any
 *       block, which is why it is off unless asked.</li>
 *   <li>{@code iops.perf.timeout} (milliseconds, default {@code 10000}): how long to wait for each of perf's
 *       answers (start, acknowledgement, exit, decoding progress) before failing with a clear error.</li>
 *   <li>{@code iops.perf.kernelFilter} (default {@code true}): {@code false} records every system call of the
 *       window and keeps the I/O ones in the decoder, as described under <em>Threads that come and go</em>.</li>
 * </ul>
 *
 * <h2>Threads that come and go</h2>
 * perf attaches to each thread of the JVM in turn and then sets the kernel filter (only the I/O calls and the
 * calls that end a descriptor) on each. perf 6.1 fails and exits when a thread ends between the two, which an
 * application that starts and ends threads all the time makes likely; without the filter it skips the ended
 * thread and goes on. So a start that failed that way is retried without the filter, and the filter is left out
 * from the first attempt when a process-wide counter window is open (a perf that ended on its own would add its
 * own start-up I/O to it when reaped). The counts are the same either way; the cost differs only for the other
 * system calls of the window, which are then recorded too: 0.44 us instead of 0.19 us added per
 * {@code sched_yield} on this project's VM (I/O calls: the same; {@code StraceBenchmark perf}).
 *
 * <h2>Permissions</h2>
 * Root, or {@code CAP_PERFMON} with read access to {@code /sys/kernel/tracing}. Without them the provider is
 * unusable with a reason, and automatic selection uses {@code procfs} (or {@code procfs+jfr} for a histogram).
 *
 * <p>Name {@code perf}, priority 350: an exact OS-level tracer that does not stop the traced threads. What it
 * cannot see: I/O through memory-mapped files, {@code io_uring}, and calls that began before or ended after the
 * window.
 *
 * <p>Thread-safe.
 */
public final class PerfProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "perf";
    /** System property naming the perf executable. */
    public static final String PATH_PROPERTY = "iops.perf.path";
    /** System property: perf's ring buffer, pages per CPU (a power of two). */
    public static final String BUFFER_PROPERTY = "iops.perf.buffer";
    /** System property: milliseconds an idle, disabled perf is kept for the next session (default 0: none). */
    public static final String LINGER_PROPERTY = "iops.perf.linger";
    /** System property: milliseconds to wait for each answer of perf (default 10000). */
    public static final String TIMEOUT_PROPERTY = "iops.perf.timeout";
    /** System property: {@code false} to attach without the kernel filter (see the class description). */
    public static final String KERNEL_FILTER_PROPERTY = "iops.perf.kernelFilter";

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.OPERATION_SIZES, Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY,
            Capability.TIMELINE));
    /**
     * 4 MiB per CPU (perf's own default is 512 KiB): each call costs about 200 bytes of samples (its entry and
     * exit), so a burst of 10,000 calls fills 2 MiB before perf, on a loaded machine, gets to drain it; a nested
     * session's perf start-up is recorded by the outer session too (perf follows the JVM's children; those events
     * are dropped). Measured: 1 MiB lost events on this project's loaded 2-CPU VM, 4 MiB did not.
     */
    static final int DEFAULT_BUFFER_PAGES = 1024;
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final List<Path> TRACEFS = List.of(Path.of("/sys/kernel/tracing"),
            Path.of("/sys/kernel/debug/tracing"));

    private final PerfPool pool = new PerfPool();
    /** Read once, here, so that availability() reads no file (it may run inside another session's window). */
    private final String permissionProblem;

    /** Creates the profiler; it starts nothing until a session starts. */
    public PerfProfiler() {
        this.permissionProblem = permissionProblem(readStatus());
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return 350: an exact OS-level per-operation tracer, cheaper per call than strace (300) */
    @Override
    public int priority() {
        return 350;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Availability availability() {
        String platform = PerfSyscalls.platformProblem(NAME, System.getProperty("os.name", ""),
                System.getProperty("os.arch", ""));
        if (platform != null) {
            return platform.startsWith(NAME + ":") ? Availability.unusable(platform + "; use -Diops.profiler=strace")
                    : Availability.forOtherPlatform(platform); // another OS, not an architecture without a table
        }
        if (executable() == null) {
            return Availability.unusable(StraceProfiler.missingExecutable(PATH_PROPERTY, "perf",
                    "apt-get install linux-perf, dnf install perf"));
        }
        if (permissionProblem != null) {
            return Availability.unusable(permissionProblem);
        }
        if (tracefs() == null) {
            return Availability.unusable("perf needs the raw_syscalls tracepoints, but neither "
                    + "/sys/kernel/tracing/events/raw_syscalls nor /sys/kernel/debug/tracing/events/raw_syscalls is "
                    + "readable; mount tracefs as root (mount -t tracefs nodev /sys/kernel/tracing; for a JVM that "
                    + "is not root, with -o gid=<its group's id>,mode=0750), or use -Diops.profiler=strace");
        }
        return Availability.ready();
    }

    @Override
    public Recording start(RecordingRequest request) {
        request.requirePlatformThread(NAME);
        if (request.scope() == Scope.THREAD && Thread.currentThread() != request.thread()) {
            throw new ProfilerStartException("perf must be started on the session's thread for Scope.THREAD "
                    + "(a bug in the caller: started on " + Thread.currentThread().getName() + ")");
        }
        Availability a = availability();
        if (!a.usable()) {
            throw new ProfilerStartException(a.reason());
        }
        kernelFilter(); // read again where perf is spawned: checked here, where a wrong value fails the start
        PerfRecording.Settings settings = new PerfRecording.Settings(executable(),
                PerfSyscalls.forArch(System.getProperty("os.arch", "")), bufferPages(),
                timeout(), linger());
        PerfRecording recording = new PerfRecording(settings, request.scope(), pool);
        recording.begin(); // last: opens the window; closes itself if it throws
        return recording;
    }

    /**
     * The {@code perf record} command of one session.
     *
     * @param perf        the executable
     * @param table       the architecture's system call numbers
     * @param pid         the process to record
     * @param bufferPages ring buffer pages per CPU, or {@code -1} for perf's default
     * @param data        the file perf writes
     * @return the command line
     */
    static List<String> recordCommand(Path perf, PerfSyscalls table, long pid, int bufferPages, Path data,
                                      boolean kernelFilter) {
        List<String> cmd = new ArrayList<>(List.of(perf.toString(), "record",
                "-D", "-1", "--control", "fd:0,1", // disabled until "enable"; commands on stdin, acks on stdout
                "--no-bpf-event", "--synth=no", "-B", "-N", // nothing but our events: fast start and stop
                "-k", "CLOCK_MONOTONIC")); // the clock of System.nanoTime(): windows are exact intervals
        for (String event : List.of("raw_syscalls:sys_enter", "raw_syscalls:sys_exit")) {
            cmd.add("-e");
            cmd.add(event);
            if (kernelFilter) {
                cmd.add("--filter");
                cmd.add(table.filter());
            }
        }
        if (bufferPages > 0) {
            cmd.add("-m");
            cmd.add(Integer.toString(bufferPages));
        }
        cmd.addAll(List.of("-p", Long.toString(pid), "-o", data.toString()));
        return cmd;
    }

    /**
     * Why this process may not use perf's tracepoints, from {@code /proc/self/status}. What counts is
     * {@code CAP_PERFMON} or {@code CAP_SYS_ADMIN} in the effective set, which root normally holds: a root process
     * without either (a container that drops them) gets a perf that attaches and records nothing (tried: it
     * reported 0 of 1000 writes, and said nothing). perf runs as the JVM's user, with the capabilities of the JVM's
     * ambient set; the advice was tried as uid 65534 with {@code setpriv} and a tracefs mounted with that group.
     *
     * @param status the text of {@code /proc/self/status}, or {@code null} if it could not be read
     * @return the one-line reason, or {@code null} when {@code CAP_PERFMON} or {@code CAP_SYS_ADMIN} is held (or,
     *         where the capabilities cannot be read, when root)
     */
    static String permissionProblem(String status) {
        if (status == null) {
            return null; // unknown: let perf itself say at start
        }
        long uid = -1;
        long caps = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).trim().split("\\s+");
                uid = f.length > 1 ? Long.parseLong(f[1]) : -1; // effective uid
            } else if (line.startsWith("CapEff:")) {
                caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
            }
        }
        boolean capable = caps >= 0 ? ((caps >>> CAP_PERFMON) & 1) == 1 || ((caps >>> CAP_SYS_ADMIN) & 1) == 1
                : uid == 0;
        if (capable) {
            return null;
        }
        if (uid == 0) {
            return "perf needs CAP_PERFMON or CAP_SYS_ADMIN to record this JVM's system calls, and this root process "
                    + "has neither (a container that drops them?); without them perf records nothing. Run the JVM "
                    + "with either capability, or use -Diops.profiler=strace";
        }
        return "perf needs root or CAP_PERFMON to record this JVM's system calls (uid " + uid + " has neither); run "
                + "as root, or start the JVM with CAP_PERFMON in its ambient set, which its perf inherits (as root: "
                + "setpriv --reuid=USER --regid=GROUP --init-groups --inh-caps=+perfmon --ambient-caps=+perfmon java "
                + "...) and tracefs readable to GROUP (mount -o remount,gid=<GROUP's id>,mode=0750 "
                + "/sys/kernel/tracing); or use -Diops.profiler=strace";
    }

    private static String readStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return the tracefs mount whose raw_syscalls events are readable, or {@code null} (access(2) only) */
    static Path tracefs() {
        for (Path t : TRACEFS) {
            Path events = t.resolve("events/raw_syscalls");
            if (Files.isReadable(events) && Files.isExecutable(events)) {
                return t;
            }
        }
        return null;
    }

    static int bufferPages() {
        long pages = PropertyValues.wholeNumber(BUFFER_PROPERTY, DEFAULT_BUFFER_PAGES, 1, 1 << 20, "pages");
        if (Long.bitCount(pages) != 1) {
            throw new ProfilerStartException("-D" + BUFFER_PROPERTY + "=" + System.getProperty(BUFFER_PROPERTY)
                    + " is not a power of two: use a power of two of pages from 1 to 1048576 (default "
                    + DEFAULT_BUFFER_PAGES + ")");
        }
        return (int) pages;
    }

    /** @return {@value #TIMEOUT_PROPERTY}, checked: 1 ms to a day */
    static Duration timeout() {
        return Duration.ofMillis(PropertyValues.wholeNumber(TIMEOUT_PROPERTY, 10_000, 1, StraceProfiler.MAX_MILLIS,
                "milliseconds"));
    }

    /** @return {@value #LINGER_PROPERTY}, checked: 0 to a day */
    static Duration linger() {
        return Duration.ofMillis(PropertyValues.wholeNumber(LINGER_PROPERTY, 0, 0, StraceProfiler.MAX_MILLIS,
                "milliseconds"));
    }

    /** @return {@value #KERNEL_FILTER_PROPERTY}, checked: true or false */
    static boolean kernelFilter() {
        return PropertyValues.trueOrFalse(KERNEL_FILTER_PROPERTY, true);
    }

    /** @return the perf executable to run, or {@code null} if there is none */
    static Path executable() {
        return StraceProfiler.executable(PATH_PROPERTY, "perf");
    }
}
