package dev.iops.linux;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The events of one window, from the per-CPU ring buffers to a {@link PerfData.Events} sink in time order.
 *
 * <p>During the block a library thread {@linkplain #pass drains} the buffers now and then; each record is
 * decoded at once. This process's go straight to their CPU's list. Another process's are kept only if it was started
 * inside the window (a task-creation record, {@code PERF_RECORD_FORK}, whose parent is ours makes the child ours;
 * the kernel writes it before the child can run); a record of a process not known to be ours is kept back for one more pass, then
 * dropped, so a child's first call that was read before its fork record (the two on different CPUs) is not lost.
 * Each CPU's records are in time order, so {@link #release} merges the CPUs' lists, with the children's records as
 * one more list, sorted by time then.
 *
 * <p>Memory: six longs (48 bytes) per kept event, two events per call, in chunks; at most {@code maxEvents} are
 * kept, beyond which the window is marked {@linkplain #overflowed() overflowed} (never silently short).
 * Pure but for the paths of new descriptors ({@link #opens}: one {@code readlink} each). Not thread-safe: the
 * caller serialises passes and the release.
 */
final class TracepointStream {
    static final int ENTER = 0;
    static final int EXIT = 1;
    static final int FORK = 2;
    private static final int WIDTH = 6;

    private final TracepointIds ids;
    private final int self;
    private final OpenedPaths paths = new OpenedPaths(OpenedPaths.LinkReader.PROC_SELF);
    private final Set<Integer> ours = new HashSet<>();
    private final EventLog[] kept;
    private final EventLog late = new EventLog();
    private EventLog pending = new EventLog(); // this pass, not yet sorted out
    private EventLog deferred = new EventLog(); // last pass's records of processes not known to be ours
    private final long maxEvents;
    private long stored;
    private long samples;
    private long lost;
    private boolean overflowed;
    private final java.util.function.IntPredicate filtered;
    private long uncovered;
    private int cpu;

    /**
     * @param ids       the tracepoints' ids and the fork record's layout
     * @param pid       this process
     * @param cpus      how many ring buffers feed it
     * @param maxEvents the most events kept in memory
     * @param filtered  the thread ids whose records the kernel filter keeps
     */
    TracepointStream(TracepointIds ids, int pid, int cpus, long maxEvents, java.util.function.IntPredicate filtered) {
        this.ids = ids;
        this.filtered = filtered;
        this.self = pid;
        this.ours.add(pid);
        this.kept = new EventLog[cpus];
        for (int i = 0; i < cpus; i++) {
            kept[i] = new EventLog();
        }
        this.maxEvents = maxEvents;
    }

    /** What one ring buffer's records go to; {@link #pass} decides which CPU's list they join. */
    final RingBuffer.Records records = new RingBuffer.Records() {
        @Override
        public void sample(int pid, int tid, long nanos, ByteBuffer buf, int raw, int size) {
            samples++;
            if (size < 8) {
                return;
            }
            int type = Short.toUnsignedInt(buf.getShort(raw));
            // this process's own records (nearly all that are kept) go straight to their CPU's list, in order;
            // the others wait for the pass to tell whether they are a child's
            EventLog to = pid == self ? direct() : pending;
            if (type == ids.sysEnter() && size >= 40) {
                if (to != null) {
                    to.add(nanos, pid, tid, cpu, ENTER, buf.getLong(raw + 8), buf.getLong(raw + 16),
                            buf.getLong(raw + 24), buf.getLong(raw + 32));
                }
            } else if (type == ids.sysExit() && size >= 24) {
                if (to != null) {
                    to.add(nanos, pid, tid, cpu, EXIT, buf.getLong(raw + 8), buf.getLong(raw + 16), 0, 0);
                }
            }
        }

        @Override
        public void fork(int pid, int ppid, int tid, long nanos) {
            // kept as the parent's record: the pass makes the child ours if the parent is
            pending.add(nanos, ppid, tid, cpu, FORK, 0, pid, 0, 0);
        }

        @Override
        public void lost(long records) {
            lost += records;
        }
    };

    /** Where the open exits' buffers go: this process's new descriptors are resolved to paths at once. */
    final RingBuffer.Records opens = new RingBuffer.Records() {
        @Override
        public void sample(int pid, int tid, long nanos, ByteBuffer buf, int raw, int size) {
            if (pid == self && size >= 24 && Short.toUnsignedInt(buf.getShort(raw)) == ids.sysExit()) {
                long fd = buf.getLong(raw + 16);
                if (fd >= 0) {
                    paths.resolve(fd, nanos, System::nanoTime);
                }
            }
        }

        @Override
        public void lost(long records) {
            paths.distrust();
        }
    };

    /** @return threads or children of this process started in the window whose records the kernel filter dropped */
    long uncovered() {
        return uncovered;
    }

    /** @return the paths of descriptors opened inside the window, as resolved */
    OpenedPaths paths() {
        return paths;
    }

    /** @return the current CPU's list for one more record of this process, or {@code null} past the bound */
    private EventLog direct() {
        if (stored >= maxEvents) {
            overflowed = true;
            return null;
        }
        stored++;
        return kept[cpu];
    }

    /**
     * Sets the CPU whose ring buffer is drained next into {@link #records}.
     *
     * @param index the CPU's index among the buffers
     */
    void from(int index) {
        this.cpu = index;
    }

    /**
     * Sorts out what the buffers gave since the last pass: forks first (a child becomes ours), then every record
     * of ours is kept; the rest is kept back once.
     */
    void pass() {
        // forks, until nothing new: a child of ours may itself fork in the same pass
        boolean grew = true;
        while (grew) {
            grew = false;
            for (EventLog log : List.of(deferred, pending)) {
                for (int i = 0; i < log.size(); i++) {
                    if (log.kind(i) == FORK && ours.contains(log.pid(i)) && ours.add((int) log.a0(i))) {
                        grew = true;
                    }
                }
            }
        }
        for (int i = 0; i < pending.size(); i++) {
            if (pending.kind(i) == FORK && ours.contains(pending.pid(i)) && !filtered.test(pending.tid(i))) {
                uncovered++; // ids wrapped: the kernel filter drops this new thread's records
            }
        }
        for (int i = 0; i < deferred.size(); i++) {
            if (deferred.kind(i) != FORK && ours.contains(deferred.pid(i))) {
                keep(late, deferred, i);
            }
        }
        deferred.clear();
        for (int i = 0; i < pending.size(); i++) {
            if (pending.kind(i) == FORK) {
                continue;
            }
            if (ours.contains(pending.pid(i))) {
                keep(late, pending, i); // a child's: merged by time at the release (the CPU lists run ahead)
            } else {
                deferred.copy(pending, i);
            }
        }
        pending.clear();
    }

    private void keep(EventLog to, EventLog from, int i) {
        if (stored >= maxEvents) {
            overflowed = true;
            return;
        }
        stored++;
        to.copy(from, i);
    }

    /**
     * Gives every kept event up to {@code endNanos} to the sink in time order, once; call after the last pass.
     *
     * @param endNanos the window's end: later events are left out (a call still running then is not counted)
     * @param sink     receives the events
     */
    void release(long endNanos, PerfData.Events sink) {
        List<EventLog> lists = new ArrayList<>(List.of(kept));
        late.sortByTime();
        lists.add(late);
        int[] at = new int[lists.size()];
        while (true) {
            int best = -1;
            long bestTime = Long.MAX_VALUE;
            for (int l = 0; l < lists.size(); l++) {
                EventLog log = lists.get(l);
                if (at[l] < log.size() && (best < 0 || log.time(at[l]) < bestTime)) {
                    best = l;
                    bestTime = log.time(at[l]);
                }
            }
            if (best < 0 || bestTime > endNanos) {
                break;
            }
            EventLog log = lists.get(best);
            int i = at[best]++;
            if (log.kind(i) == ENTER) {
                sink.enter(log.pid(i), log.tid(i), log.time(i), log.nr(i), log.a0(i), log.a1(i), log.a2(i));
            } else {
                sink.exit(log.pid(i), log.tid(i), log.time(i), log.nr(i), log.a0(i));
            }
        }
        for (EventLog log : kept) {
            log.clear();
        }
        late.clear();
    }

    /** @return samples read from the buffers, of every process */
    long samples() {
        return samples;
    }

    /** @return records the kernel dropped because a buffer was full */
    long lost() {
        return lost;
    }

    /** @return events kept for the window */
    long stored() {
        return stored;
    }

    /** @return true if more than {@code maxEvents} events of ours came: the window cannot be complete */
    boolean overflowed() {
        return overflowed;
    }

    /**
     * Events as rows of six longs in chunks: time; pid and tid; cpu, kind and call number; then the first three
     * arguments of an entry, the return value of an exit, or the child of a fork.
     */
    static final class EventLog {
        private static final int CHUNK = 1 << 12; // rows per chunk: 192 KiB
        private final List<long[]> chunks = new ArrayList<>();
        private int size;

        void add(long time, int pid, int tid, int cpu, int kind, long nr, long a0, long a1, long a2) {
            int row = size % CHUNK;
            if (row == 0 && size / CHUNK == chunks.size()) {
                chunks.add(new long[CHUNK * WIDTH]);
            }
            long[] c = chunks.get(size / CHUNK);
            int o = row * WIDTH;
            c[o] = time;
            c[o + 1] = ((long) pid << 32) | (tid & 0xffffffffL);
            c[o + 2] = ((long) cpu << 40) | ((long) kind << 32) | (nr & 0xffffffffL);
            c[o + 3] = a0;
            c[o + 4] = a1;
            c[o + 5] = a2;
            size++;
        }

        void copy(EventLog from, int i) {
            long[] c = from.chunks.get(i / CHUNK);
            int o = (i % CHUNK) * WIDTH;
            int row = size % CHUNK;
            if (row == 0 && size / CHUNK == chunks.size()) {
                chunks.add(new long[CHUNK * WIDTH]);
            }
            System.arraycopy(c, o, chunks.get(size / CHUNK), row * WIDTH, WIDTH);
            size++;
        }

        private long get(int i, int field) {
            return chunks.get(i / CHUNK)[(i % CHUNK) * WIDTH + field];
        }

        int size() {
            return size;
        }

        long time(int i) {
            return get(i, 0);
        }

        int pid(int i) {
            return (int) (get(i, 1) >> 32);
        }

        int tid(int i) {
            return (int) get(i, 1);
        }

        int cpu(int i) {
            return (int) (get(i, 2) >>> 40);
        }

        int kind(int i) {
            return (int) (get(i, 2) >>> 32) & 0xff;
        }

        long nr(int i) {
            return (int) get(i, 2);
        }

        long a0(int i) {
            return get(i, 3);
        }

        long a1(int i) {
            return get(i, 4);
        }

        long a2(int i) {
            return get(i, 5);
        }

        /** Sorts the rows by time (the late list only: small). */
        void sortByTime() {
            Integer[] order = new Integer[size];
            for (int i = 0; i < size; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, java.util.Comparator.comparingLong(this::time));
            EventLog sorted = new EventLog();
            for (int i : order) {
                sorted.copy(this, i);
            }
            chunks.clear();
            chunks.addAll(sorted.chunks);
            size = sorted.size;
        }

        /** Empties the log; keeps its first chunk for reuse. */
        void clear() {
            if (chunks.size() > 1) {
                chunks.subList(1, chunks.size()).clear();
            }
            size = 0;
        }
    }
}
