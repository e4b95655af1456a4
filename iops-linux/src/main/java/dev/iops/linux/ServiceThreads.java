package dev.iops.linux;

import dev.iops.spi.SelfIo;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The JVM's own service threads (JIT compilers, the VM thread, GC threads, every JFR thread), whose I/O is the
 * runtime's and never the measured block's: a compiler thread polls {@code /proc/meminfo} or cgroup files while it
 * decides how many compilers to run, JFR's recorder writes chunk files, JFR's periodic-tasks thread loads classes
 * from the runtime image (seen on JDK 25), GC logging writes its log. A
 * {@link dev.iops.Scope#PROCESS} window subtracts what they did inside it.
 *
 * <p>Threads are found by their kernel name ({@code /proc/self/task/<tid>/comm}, 15 characters), read once per
 * thread id and cached. Every read is booked in {@link SelfIo}. Thread-safe.
 */
final class ServiceThreads {
    /**
     * HotSpot's names for its service threads, as the kernel truncates them ({@code "JFR "}: every JFR thread), and
     * the JDK's {@code process reaper} threads, which only wait for child processes: what they read is the runtime
     * loading its own classes from {@code lib/modules} on a first use, never a block's data.
     */
    static final List<String> PREFIXES = List.of("C1 CompilerThre", "C2 CompilerThre", "VM Thread", "VM Periodic Tas",
            "GC Thread#", "G1 ", "ZWorker", "ZDirector", "ZDriver", "Shenandoah", "JFR ", "JVMCI", "process reaper");

    private static final File TASKS = new File("/proc/self/task");
    private final Map<String, Boolean> serviceByTid = new ConcurrentHashMap<>();

    /**
     * @param comm a thread's kernel name, as {@code /proc/<pid>/task/<tid>/comm} holds it (with or without newline)
     * @return true if it names one of the JVM's service threads
     */
    static boolean isService(String comm) {
        String name = comm.strip();
        for (String p : PREFIXES) {
            if (name.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param tid an OS thread id of this process
     * @return true if it is (or was, when first asked) a JVM service thread; false when it cannot be told
     */
    boolean isServiceTid(long tid) {
        return serviceByTid.computeIfAbsent(Long.toString(tid), t -> isService(readText(t, "comm", new byte[64])));
    }

    /** @return readings that keep each service thread's counter file open until closed (one window's four reads) */
    Readings readings() {
        return new Readings();
    }

    /**
     * Repeated readings of the service threads' counters over one window: each thread's file is opened once and
     * read again with one {@code pread}, so the four readings of a window cost one open per thread, not four.
     * Closed by the window (its descriptors with it). Not thread-safe.
     */
    final class Readings implements AutoCloseable {
        private final Map<String, RandomAccessFile> files = new HashMap<>();

        /**
         * @param buffer a scratch buffer
         * @param list   true to list the threads again (a service thread may have started), false to read the ones
         *               found so far
         * @return the counters of each service thread alive now, by thread id; {@code null} if none can be listed
         */
        Map<String, ProcIo> read(byte[] buffer, boolean list) {
            if (list) {
                String[] tids = TASKS.list();
                if (tids == null) {
                    return null;
                }
                for (String tid : tids) {
                    if (!files.containsKey(tid)
                            && serviceByTid.computeIfAbsent(tid, t -> isService(readText(t, "comm", buffer)))) {
                        try {
                            files.put(tid, new RandomAccessFile(new File(TASKS, tid + "/io"), "r"));
                        } catch (IOException | RuntimeException e) {
                            // the thread ended between the listing and the open: its I/O is in the process's now
                        }
                    }
                }
            }
            Map<String, ProcIo> byTid = new HashMap<>();
            for (Map.Entry<String, RandomAccessFile> e : files.entrySet()) {
                try {
                    RandomAccessFile f = e.getValue();
                    f.seek(0);
                    byTid.put(e.getKey(), ProcIo.parse(buffer, readBooked(f, buffer, e.getKey())));
                } catch (IOException | RuntimeException ended) {
                    // the thread ended since the open: its I/O is in the process's now
                }
            }
            return byTid;
        }

        /** Closes every file. Idempotent. */
        @Override
        public void close() {
            for (RandomAccessFile f : files.values()) {
                try {
                    f.close();
                } catch (IOException ignored) {
                    // read-only
                }
            }
            files.clear();
        }
    }

    /**
     * What the service threads did between two readings: threads in both are differenced, threads only in the
     * second started in between and count from zero, threads only in the first ended (their share is not known).
     */
    static ProcIo delta(Map<String, ProcIo> before, Map<String, ProcIo> after) {
        ProcIo sum = ProcIo.ZERO;
        for (Map.Entry<String, ProcIo> e : after.entrySet()) {
            ProcIo b = before.getOrDefault(e.getKey(), ProcIo.ZERO);
            sum = sum.plus(e.getValue().minus(b));
        }
        return sum;
    }

    /**
     * @return how many threads of the first reading are missing from the second: they ended in between, and the
     * kernel moved all they did into the process's totals, where nothing can tell it apart
     */
    static int ended(Map<String, ProcIo> before, Map<String, ProcIo> after) {
        int n = 0;
        for (String tid : before.keySet()) {
            if (!after.containsKey(tid)) {
                n++;
            }
        }
        return n;
    }

    private static String readText(String tid, String name, byte[] buffer) {
        try {
            return new String(buffer, 0, readFile(tid, name, buffer), StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** One open and one read, booked as the library's own. */
    private static int readFile(String tid, String name, byte[] buffer) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(new File(TASKS, tid + "/" + name), "r")) {
            return readBooked(f, buffer, tid + "/" + name);
        }
    }

    /**
     * One read of a whole small file of a thread, booked as the library's own. A thread that ended since its file
     * was opened reads nothing or fails, and the kernel counts that call too: booked as well, then thrown.
     */
    static int readBooked(RandomAccessFile f, byte[] buffer, String what) throws IOException {
        int n;
        try (SelfIo.OwnCall call = SelfIo.ownCall()) { // booked with the read, never apart at a window's edge
            try {
                n = f.read(buffer, 0, buffer.length);
            } catch (IOException e) {
                SelfIo.count(1, 0, 0, 0);
                throw e;
            }
            SelfIo.count(1, Math.max(0, n), 0, 0);
        }
        if (n <= 0 || n >= buffer.length) {
            throw new IOException("unexpected read of " + n + " bytes from /proc/self/task/" + what);
        }
        return n;
    }
}
