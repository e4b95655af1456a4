package dev.iops.linux;

import dev.iops.tracer.TraceFile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * The kernel-side pid clause of the tracepoint filter: the thread ids this process has at the start, and every id
 * from the next one the kernel will give out (any thread or child started later gets one of those, unless ids wrap
 * around).
 *
 * <p>Why: the tracepoints are system-wide. A neighbour that floods the I/O calls (a {@code dd} or {@code yes} loop,
 * a build) would otherwise write two records per call into the same buffers, and on a loaded machine the draining
 * thread could not keep up: the window would fail with lost records. With this clause the kernel drops the records
 * of every other process already running at the start before they are written; this process's are unaffected. A
 * process started later still passes, and is sorted out in user space as before.
 *
 * <p>Once ids wrapped around {@code pid_max} (32768 on many machines), processes started before the wrap sit above
 * the next id: those running at the start are excluded one by one (up to {@link #MAX_EXCLUDED}; a thread of theirs
 * started later still passes, and is sorted out in user space).
 *
 * <p>Kept out: a process in another pid namespace (the kernel compares global ids, which it cannot read), or ids
 * close enough to {@code pid_max} to wrap inside the block. If ids wrap all the same, a thread or child started
 * in the block gets an id the clause drops; the stream sees its fork record and the window fails, never short.
 * Immutable, thread-safe.
 */
final class OwnTids implements IntPredicate {
    /**
     * The kernel takes filters up to a page (4095 characters); the syscall clause needs up to ~600 of them, the
     * excluded processes up to ~1100.
     */
    static final int MAX_CLAUSE = 2000;
    /**
     * Fewer ids left above the next than this, or than a sixteenth of {@code pid_max}, and the clause is not used:
     * ids could wrap inside a block (32768 is a common {@code pid_max}; systemd sets 4194304).
     */
    static final int MIN_HEADROOM = 1 << 20;
    /** The inode of the initial pid namespace ({@code PROC_PID_INIT_INO}): the kernel's filter sees its ids. */
    static final String INIT_PID_NS = "pid:[4026531836]";
    private static final Path LAST_PID = Path.of("/proc/sys/kernel/ns_last_pid");
    /** No clause: every process's records reach the buffers. */
    static final OwnTids NONE = new OwnTids(new int[0], Integer.MIN_VALUE, new int[0]);
    /** The most processes above {@code next} excluded one by one (after ids wrapped, old ones sit there). */
    static final int MAX_EXCLUDED = 48;

    private final int[] listed;
    private final int above;
    private final int[] excluded;

    private OwnTids(int[] listed, int above, int[] excluded) {
        this.listed = listed;
        this.above = above;
        this.excluded = excluded;
    }

    /**
     * @param tids   this process's thread ids, listed after {@code next} was read (the caller's first: the clause
     *               tests it first)
     * @param next   the next id the kernel gives out ({@code ns_last_pid} + 1, read before the listing)
     * @param pidMax the kernel's {@code pid_max}
     * @return the clause, or {@link #NONE} when ids are too close to wrapping or unknown
     */
    static OwnTids of(int[] tids, long next, long pidMax) {
        return of(tids, next, pidMax, new int[0]);
    }

    /**
     * @param tids    as {@link #of(int[], long, long)}
     * @param next    as there
     * @param pidMax  as there
     * @param running the ids of the other processes running at the start: those above {@code next} (where they are
     *                once ids wrapped around {@code pid_max}) are excluded one by one, the first
     *                {@link #MAX_EXCLUDED} of them (their main threads: where a shell tool's calls come from)
     * @return the clause, or {@link #NONE} when ids are too close to wrapping or unknown
     */
    static OwnTids of(int[] tids, long next, long pidMax, int[] running) {
        if (tids.length == 0 || next <= 0 || pidMax - next < Math.min(MIN_HEADROOM, pidMax / 16)) {
            return NONE;
        }
        int[] excluded = Arrays.stream(running).filter(p -> p >= next).sorted().limit(MAX_EXCLUDED).toArray();
        // one test per thread while they fit in the kernel's page; beyond, every id from the lowest (the JVM's main
        // thread) up, which lets through the processes started after this one as well
        if (tids.length * 25 > MAX_CLAUSE) {
            return new OwnTids(new int[0], (int) Math.min(next, Arrays.stream(tids).min().getAsInt()), excluded);
        }
        int[] listed = Arrays.stream(tids).filter(t -> t < next).toArray();
        return new OwnTids(listed, (int) next, excluded);
    }

    /**
     * This process's threads, from {@code /proc/self/task} (a directory listing), and the next id, from
     * {@code /proc/sys/kernel/ns_last_pid} (one small read: call it inside the library's own work).
     *
     * @param first  the thread to list first (the session's), or -1
     * @param pidMax the kernel's {@code pid_max}, or 0 if unknown
     * @return the clause, or {@link #NONE} outside the initial pid namespace or when {@code /proc} cannot be read
     */
    static OwnTids ofThisProcess(long first, long pidMax) {
        try {
            if (!INIT_PID_NS.equals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString())) {
                return NONE;
            }
            // first, so that a thread started during the listing is above it
            // one read (TraceFile): a /proc/sys file read in pieces ends after the first
            String last = TraceFile.readHead(LAST_PID, 32);
            long next = last == null ? 0 : Long.parseLong(last.trim()) + 1;
            int[] tids = new int[64];
            int n = 0;
            if (first > 0) {
                tids[n++] = (int) first;
            }
            try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path p : dir) {
                    int tid = Integer.parseInt(p.getFileName().toString());
                    if (tid != first) {
                        if (n == tids.length) {
                            tids = Arrays.copyOf(tids, n * 2);
                        }
                        tids[n++] = tid;
                    }
                }
            }
            return of(Arrays.copyOf(tids, n), next, pidMax, running(next, (int) ProcessHandle.current().pid()));
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The processes in /proc with an id of at least {@code next} (none until ids wrapped), but this one. */
    private static int[] running(long next, int self) throws IOException {
        int[] found = new int[16];
        int n = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(Path.of("/proc"))) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.isEmpty() || name.charAt(0) < '1' || name.charAt(0) > '9') {
                    continue;
                }
                try {
                    int pid = Integer.parseInt(name);
                    if (pid >= next && pid != self) {
                        if (n == found.length) {
                            found = Arrays.copyOf(found, n * 2);
                        }
                        found[n++] = pid;
                    }
                } catch (NumberFormatException e) {
                    // not a process
                }
            }
        }
        return Arrays.copyOf(found, n);
    }

    /**
     * @param syscalls the syscall clause, e.g. {@code id == 0 || id == 1}
     * @return the whole filter: the syscall clause and, if any, this pid clause
     */
    String and(String syscalls) {
        if (this == NONE) {
            return syscalls;
        }
        StringBuilder sb = new StringBuilder("(").append(syscalls).append(") && (");
        for (int tid : listed) {
            sb.append("common_pid == ").append(tid).append(" || ");
        }
        sb.append("(common_pid >= ").append(above);
        for (int pid : excluded) {
            sb.append(" && common_pid != ").append(pid);
        }
        return sb.append("))").toString();
    }

    /**
     * @param tid a thread id (global)
     * @return whether the clause keeps its records
     */
    @Override
    public boolean test(int tid) {
        if (tid >= above) {
            return Arrays.binarySearch(excluded, tid) < 0;
        }
        for (int t : listed) {
            if (t == tid) {
                return true;
            }
        }
        return false;
    }
}
