package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingRequest;
import dev.iops.tracer.TraceFile;


import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Exact per-operation I/O tracing from the kernel's {@code raw_syscalls} tracepoints, read inside the JVM: the
 * same calls, sizes, threads, latencies, times and paths as {@code perf} and {@code strace}, with no child
 * process and no stop of the measured threads: the kernel writes each call's two records into a ring buffer, so
 * the block's elapsed time, IOPS and throughput stay close to those of the same block unmeasured (the costs are
 * measured in the project's benchmark docs).
 *
 * <h2>How</h2>
 * Each session opens, with {@code perf_event_open(2)}, one group of events per online CPU: {@code sys_exit} and
 * {@code sys_enter} with the kernel filter that keeps only the I/O calls (and the calls that end a descriptor) of
 * this process's threads and of processes started after the start, the exit event also recording task creations,
 * all writing into one ring buffer per CPU mapped into the JVM. The groups are
 * enabled as the last step of the start and disabled as the first step of the stop; a library thread drains the
 * buffers whenever one is an eighth full, so a long block does not overflow them. Events are system-wide: each
 * record names its process and thread, and only this process's (and its children's, followed through the task
 * records) are kept. Times are {@code CLOCK_MONOTONIC}, so the window is exactly the block's
 * {@link System#nanoTime()} interval. The decoding is {@code perf}'s ({@link PerfWindow}): entries and exits
 * paired per thread, descriptors resolved to paths through {@code /proc/self/fd} at the block's start, at each
 * open and at its end.
 * The events are closed by the draining thread after the block (the kernel takes milliseconds to release them):
 * nothing stays open between blocks, and outside a block no call of any process passes an enabled event.
 *
 * <h2>Tracepoint ids</h2>
 * The kernel publishes them only in tracefs. When tracefs is mounted and readable it is read; otherwise, with
 * {@code CAP_SYS_ADMIN} (root), a short-lived library thread mounts tracefs in a mount namespace of its own and
 * reads them there: the machine's mount table is never changed. They are read once per JVM, by the first
 * session (about 20 ms through the private mount).
 *
 * <h2>Options (system properties, read when a session starts)</h2>
 * <ul>
 *   <li>{@code iops.tracepoints.buffer} (pages per CPU, a power of two, default 512: 2 MiB with 4 KiB pages):
 *       each I/O call takes about 150 bytes (its entry and exit), and the draining thread wakes when an eighth
 *       of a buffer is used. When a burst of calls outruns the draining
 *       thread the kernel drops records and the session fails with an {@link dev.iops.IncompleteReportException}
 *       carrying what was seen: never a silent undercount. Other processes' I/O calls share the buffers.</li>
 *   <li>{@code iops.tracepoints.maxEvents} (default 2,000,000: about 1 million calls, 96 MB): the events of this
 *       process kept in memory for one block; a block that makes more fails the same way, saying so.</li>
 * </ul>
 *
 * <h2>Permissions</h2>
 * Root, or {@code CAP_PERFMON} (or {@code kernel.perf_event_paranoid=-1}) for system-wide tracepoint events,
 * plus either a readable tracefs or {@code CAP_SYS_ADMIN} for the private mount. Without them the provider is
 * unusable with its reason, and automatic selection passes it over.
 *
 * <h2>What it costs others</h2>
 * While a block runs, every system call of every process on the machine passes the two enabled tracepoints and
 * their kernel filter. The filter keeps this process's I/O calls and those of processes started during the block;
 * those of processes already running are dropped there, before anything is written (figures for a busy neighbour
 * in the benchmark docs).
 *
 * <p>Name {@code tracepoints}, priority 400: the exact OS-level tracer that disturbs the block least. What it
 * cannot see: I/O through memory-mapped files, {@code io_uring}, and calls that began before or ended after the
 * window.
 *
 * <p>Thread-safe.
 */
public final class TracepointProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "tracepoints";
    /** System property: ring buffer pages per CPU (a power of two). */
    public static final String BUFFER_PROPERTY = "iops.tracepoints.buffer";
    /** System property: the most events of this process kept for one block. */
    public static final String MAX_EVENTS_PROPERTY = "iops.tracepoints.maxEvents";
    static final int DEFAULT_BUFFER_PAGES = 512;
    static final long DEFAULT_MAX_EVENTS = 2_000_000;
    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;
    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.OPERATION_SIZES, Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY,
            Capability.TIMELINE));

    /** Read once, here, so that availability() reads no file (it may run inside another session's window). */
    private final String permissionProblem;
    private final boolean canMount;
    private final int[] cpus;
    private final String cpusProblem;
    private final String jnaProblem;
    /** The kernel's largest pid, read once (0 if unknown: no pid clause then). */
    private final long pidMax;
    private final Object idsLock = new Object();
    private volatile TracepointIds ids; // guarded by idsLock for writes
    private volatile String idsProblem;

    /** Creates the profiler; it opens nothing until a session starts. */
    public TracepointProfiler() {
        String status = read("/proc/self/status");
        String paranoid = read("/proc/sys/kernel/perf_event_paranoid");
        this.permissionProblem = permissionProblem(status, paranoid);
        this.canMount = hasCapability(status, CAP_SYS_ADMIN);
        int[] c = null;
        String problem = null;
        try {
            String online = read("/sys/devices/system/cpu/online");
            c = online == null ? null : parseCpus(online);
            if (c == null) {
                problem = "tracepoints: /sys/devices/system/cpu/online could not be read or parsed";
            }
        } catch (IllegalArgumentException e) {
            problem = "tracepoints: " + e.getMessage();
        }
        this.cpus = c;
        this.cpusProblem = problem;
        String jna = null;
        if (permissionProblem == null && c != null) {
            // JNA's first load runs `ldconfig -p` (a child process: the kernel adds its I/O to this JVM's counters
            // when it is reaped) and unpacks its native library: done here, when the providers are loaded, before
            // any window of this library can be open, and only where this provider may run
            try {
                KernelCalls.load();
            } catch (RuntimeException | LinkageError e) {
                jna = "tracepoints: JNA could not load libc here (" + e + ")";
            }
        }
        this.jnaProblem = jna;
        long max = 0;
        String pm = read("/proc/sys/kernel/pid_max");
        try {
            max = pm == null ? 0 : Long.parseLong(pm.trim());
        } catch (NumberFormatException e) {
            // unknown: the pid clause is left out
        }
        this.pidMax = max;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** @return 400: exact per operation, in-process, the OS-level tracer that slows the block least */
    @Override
    public int priority() {
        return 400;
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
            return Availability.unusable(platform);
        }
        if (permissionProblem != null) {
            return Availability.unusable(permissionProblem);
        }
        if (cpusProblem != null) {
            return Availability.unusable(cpusProblem);
        }
        if (jnaProblem != null) {
            return Availability.unusable(jnaProblem);
        }
        String problem = idsProblem;
        if (problem != null) {
            return Availability.unusable(problem);
        }
        if (ids == null && !canMount && TracepointIds.mounted() == null) {
            return Availability.unusable("tracepoints needs the tracepoint ids from tracefs, which is not mounted "
                    + "readable here (/sys/kernel/tracing), and mounting it privately needs CAP_SYS_ADMIN; mount it "
                    + "(mount -t tracefs nodev /sys/kernel/tracing, as root) or make it readable to this user");
        }
        return Availability.ready();
    }

    // No warmUp(): reading the ids on the background warm-up thread would put that I/O beside the JVM's first
    // process-scope procfs windows (booked by a meter whose start may precede the window: a negative count). The
    // first session reads them inside its own start, where a meter's two readings lie in the same windows.

    @Override
    public Recording start(RecordingRequest request) {
        request.requirePlatformThread(NAME);
        if (request.scope() == Scope.THREAD && Thread.currentThread() != request.thread()) {
            throw new ProfilerStartException("tracepoints must be started on the session's thread for Scope.THREAD "
                    + "(a bug in the caller: started on " + Thread.currentThread().getName() + ")");
        }
        Availability a = availability();
        if (!a.usable()) {
            throw new ProfilerStartException(a.reason());
        }
        String buffer = System.getProperty(BUFFER_PROPERTY);
        TracepointRecording.Settings settings = settings(bufferPages(),
                Math.max(1, StraceProfiler.longProperty(MAX_EVENTS_PROPERTY, DEFAULT_MAX_EVENTS, "events")),
                buffer == null || buffer.isBlank());
        TracepointRecording recording = new TracepointRecording(settings, request.scope(), true);
        recording.begin(); // last: opens the window; closes itself if it throws
        return recording;
    }

    /**
     * @param pages     ring buffer pages per CPU
     * @param maxEvents the most events kept for one block
     * @param defaultBuffer true when the buffer size was not set by the user (it may then be made smaller to fit
     *                      a locked-memory limit)
     * @return what a recording needs
     * @throws ProfilerStartException if the tracepoint ids cannot be had
     */
    TracepointRecording.Settings settings(int pages, long maxEvents, boolean defaultBuffer) {
        String arch = System.getProperty("os.arch", "");
        return new TracepointRecording.Settings(ids(), PerfSyscalls.forArch(arch),
                KernelCalls.perfEventOpenNumber(arch), cpus, pages, maxEvents, defaultBuffer, pidMax);
    }

    private TracepointIds ids() {
        TracepointIds known = ids;
        if (known != null) {
            return known;
        }
        synchronized (idsLock) {
            if (ids != null) {
                return ids;
            }
            if (idsProblem != null) {
                throw new ProfilerStartException(idsProblem);
            }
            try {
                ids = TracepointIds.lookUp();
                return ids;
            } catch (IOException e) {
                idsProblem = "tracepoints: " + e.getMessage();
                throw new ProfilerStartException(idsProblem, e);
            }
        }
    }

    private static int bufferPages() {
        long pages = StraceProfiler.longProperty(BUFFER_PROPERTY, DEFAULT_BUFFER_PAGES, "pages");
        if (pages < 1 || Long.bitCount(pages) != 1 || pages > (1 << 18)) {
            throw new ProfilerStartException("-D" + BUFFER_PROPERTY + "=" + pages + " is not a power of two of "
                    + "pages between 1 and 262144");
        }
        return (int) pages;
    }

    /**
     * Why this process may not open system-wide tracepoint events.
     *
     * @param status   the text of {@code /proc/self/status}, or {@code null} if unreadable
     * @param paranoid the text of {@code /proc/sys/kernel/perf_event_paranoid}, or {@code null}
     * @return the one-line reason, or {@code null} when root, {@code CAP_PERFMON}, {@code CAP_SYS_ADMIN} or a
     *         paranoid level of -1 allows it (or when it cannot be told: the start then says)
     */
    static String permissionProblem(String status, String paranoid) {
        if (status == null) {
            return null;
        }
        long uid = -1;
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                String[] f = line.substring(4).trim().split("\\s+");
                uid = f.length > 1 ? Long.parseLong(f[1]) : -1; // effective uid
            }
        }
        if (uid == 0 || hasCapability(status, CAP_PERFMON) || hasCapability(status, CAP_SYS_ADMIN)) {
            return null;
        }
        if (paranoid != null && paranoid.trim().equals("-1")) {
            return null;
        }
        return "tracepoints needs root, CAP_PERFMON or kernel.perf_event_paranoid=-1 to read the kernel's "
                + "system-call tracepoints (uid " + uid + " has none of them"
                + (paranoid == null ? "" : "; perf_event_paranoid is " + paranoid.trim()) + ")";
    }

    /**
     * @param status     the text of {@code /proc/self/status}, or {@code null}
     * @param capability a capability number
     * @return true if it is in the effective set
     */
    static boolean hasCapability(String status, int capability) {
        if (status == null) {
            return false;
        }
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) {
                long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                return ((caps >>> capability) & 1) == 1;
            }
        }
        return false;
    }

    /**
     * @param online the text of {@code /sys/devices/system/cpu/online}, such as {@code "0-3,6\n"}
     * @return the CPU numbers
     * @throws IllegalArgumentException if it is not such a list
     */
    static int[] parseCpus(String online) {
        List<Integer> cpus = new ArrayList<>();
        for (String part : online.trim().split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            try {
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1));
                if (from < 0 || to < from || to > 65_535) {
                    throw new NumberFormatException(p);
                }
                for (int c = from; c <= to; c++) {
                    cpus.add(c);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a list of online CPUs: '" + online.trim() + "'");
            }
        }
        if (cpus.isEmpty()) {
            throw new IllegalArgumentException("no online CPU listed: '" + online.trim() + "'");
        }
        return cpus.stream().mapToInt(Integer::intValue).toArray();
    }

    /** @return the message of a failed open, with what to do */
    static String openFailure(KernelCalls.CallFailedException e, int pages) {
        String what = "tracepoints could not open its kernel events: " + e.getMessage();
        return switch (e.errno) {
            case KernelCalls.EACCES, KernelCalls.EPERM -> what + (e.getMessage().startsWith("mmap")
                    ? "; the ring buffers (" + pages + " pages per CPU) pass this user's locked-memory limit: lower -D"
                    + BUFFER_PROPERTY + ", raise ulimit -l or kernel.perf_event_mlock_kb"
                    : "; the kernel refused access: run as root or grant CAP_PERFMON");
            case KernelCalls.EMFILE -> what + "; this process has no descriptor left (ulimit -n)";
            case KernelCalls.ENOENT, KernelCalls.ENODEV -> what + "; this kernel has no raw_syscalls tracepoints "
                    + "(CONFIG_FTRACE_SYSCALLS)";
            default -> what;
        };
    }

    /** @return the message of a window whose buffers overflowed */
    static String lost(long lost, long samples, int pages, int bytes, boolean olderFiltered) {
        return "tracepoints: the kernel dropped " + lost + " of " + (lost + samples) + " system-call records (a ring "
                + "buffer of " + (bytes >> 10) + " KiB per CPU filled faster than it was drained; "
                + (olderFiltered ? "processes started during the block share it" : "every process's I/O calls "
                + "share it: the kernel filter cannot tell processes apart here (another pid namespace, or ids near "
                + "pid_max)") + "), so the counts would undercount the block. Raise -D" + BUFFER_PROPERTY
                + " (pages per CPU, a power of two; now " + pages + "). A process "
                + (olderFiltered ? "started during the block " : "") + "that makes I/O calls without pause (a `yes > "
                + "/dev/null`) floods every buffer whatever its size: " + (olderFiltered ? "start it before the block, "
                : "") + "measure this JVM alone with -Diops.profiler=perf (where perf is usable) or count with "
                + "-Diops.profiler=procfs";
    }

    /** @return the message of a window in which thread ids wrapped past the kernel filter's bound */
    static String uncovered(long threads) {
        return "tracepoints: " + threads + " thread(s) or child process(es) started inside the block got an id below "
                + "the kernel filter's bound (process ids wrapped around pid_max during the block), so their calls "
                + "were not recorded and the counts would undercount the block. Measure the block again (ids rarely "
                + "wrap twice), or raise kernel.pid_max";
    }

    /** @return the message of a window with more events than kept in memory */
    static String overflow(long maxEvents) {
        return "tracepoints: the block made more than " + maxEvents + " I/O system-call events (two per call), the "
                + "most kept in memory for one block, so the counts would undercount it. Raise -D"
                + MAX_EVENTS_PROPERTY + " (48 bytes each), measure a shorter block, or use -Diops.profiler=perf";
    }

    /** @return the file's text (up to 16 KiB), or {@code null} if unreadable */
    static String read(String file) {
        // not Files.readString: its first read of a file of size 0 asks for one byte, and a /proc/sys file read
        // from an offset past 0 ends there ("-1" read as "-")
        return TraceFile.readHead(Path.of(file), 16 << 10);
    }
}
