package dev.iops.linux;

import com.sun.jna.Pointer;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kernel side of one window: on each CPU a group of tracepoint events ({@code sys_exit} leads and also records
 * the tasks created, {@code sys_enter} follows it) writing into one ring buffer, and a third, the exits of
 * {@code openat} (how the JDK and libc open files), in a small buffer of its own that wakes the draining thread at each record (so that a
 * descriptor is resolved to its path while it is still open), system-wide (every
 * process's calls pass the tracepoints; the stream keeps this process's). The two syscall events carry the
 * kernel filter that keeps only the I/O calls and the calls that end a descriptor. Opened disabled; enabled and
 * disabled with one ioctl per CPU. Not thread-safe: the recording serialises its use.
 */
final class TracepointSet implements AutoCloseable {
    /** Data pages of each CPU's buffer of open exits (about 600 records of 56 bytes). */
    static final int OPEN_PAGES = 8;
    /** Events per group, in the order a group read gives them: sys_exit, sys_enter, open exits. */
    static final int GROUP = 3;
    /** Sets open now in this JVM (tests check that none is left). */
    static final AtomicInteger OPEN = new AtomicInteger();

    private final int[] cpus;
    private final int[] leaders;
    private final int[] followers;
    private final Pointer[] maps;
    private final RingBuffer[] rings;
    /** Per CPU: the open exits' own event and buffer, waking the drainer at each record (paths, not counts). */
    private final int[] openFds;
    private final Pointer[] openMaps;
    private final RingBuffer[] openRings;
    private final long openMapBytes;
    private final long mapBytes;
    private int opened;
    private boolean closed;
    /** Whether the kernel counts lost samples per event (6.0+); if not, a nearly full buffer counts as a loss. */
    private boolean countsLost = true;
    private long nearlyFull;

    private TracepointSet(int[] cpus, long mapBytes) {
        this.cpus = cpus;
        this.leaders = new int[cpus.length];
        this.followers = new int[cpus.length];
        this.maps = new Pointer[cpus.length];
        this.rings = new RingBuffer[cpus.length];
        this.mapBytes = mapBytes;
        this.openFds = new int[cpus.length];
        this.openMaps = new Pointer[cpus.length];
        this.openRings = new RingBuffer[cpus.length];
        this.openMapBytes = (long) (OPEN_PAGES + 1) * KernelCalls.pageSize();
        java.util.Arrays.fill(leaders, -1);
        java.util.Arrays.fill(followers, -1);
        java.util.Arrays.fill(openFds, -1);
    }

    /**
     * Opens the events on every CPU, disabled. On failure everything opened so far is closed.
     *
     * @param ids         the tracepoints
     * @param filter      the kernel filter of the syscall events
     * @param openatFilter the kernel filter that keeps only {@code openat}
     * @param syscallNr   the number of {@code perf_event_open}
     * @param cpus        the online CPUs
     * @param pagesPerCpu data pages of each ring buffer (a power of two)
     * @return the set, disabled
     * @throws KernelCalls.CallFailedException with the call that failed
     */
    static TracepointSet open(TracepointIds ids, String filter, String openatFilter, long syscallNr, int[] cpus,
                              int pagesPerCpu)
            throws KernelCalls.CallFailedException {
        int page = KernelCalls.pageSize();
        long data = (long) pagesPerCpu * page;
        TracepointSet set = new TracepointSet(cpus, data + page);
        OPEN.incrementAndGet();
        set.opened = 1;
        try {
            // The drainer wakes when an eighth is used: beside a busy neighbour (a dd loop sharing the buffers) a quarter of
            // 1 MiB left too little room for the drainer to be scheduled in time on a loaded 2-CPU machine.
            int wakeup = (int) Math.min(Integer.MAX_VALUE, data / 8);
            for (int i = 0; i < cpus.length; i++) {
                int leader;
                try {
                    leader = KernelCalls.perfEventOpen(syscallNr, PerfEventAttr.tracepoint(ids.sysExit(), true,
                            wakeup, set.countsLost), -1, cpus[i], -1);
                } catch (KernelCalls.CallFailedException e) {
                    if (e.errno != KernelCalls.EINVAL || !set.countsLost || i > 0) {
                        throw e;
                    }
                    set.countsLost = false; // a kernel before 6.0: no PERF_FORMAT_LOST
                    leader = KernelCalls.perfEventOpen(syscallNr, PerfEventAttr.tracepoint(ids.sysExit(), true,
                            wakeup, false), -1, cpus[i], -1);
                }
                set.leaders[i] = leader;
                KernelCalls.setFilter(leader, filter);
                Pointer map = KernelCalls.mmap(leader, data + page);
                set.maps[i] = map;
                ByteBuffer view = map.getByteBuffer(0, data + page);
                set.rings[i] = new RingBuffer(view, page);
                int enter = KernelCalls.perfEventOpen(syscallNr, PerfEventAttr.tracepoint(ids.sysEnter(), false, 0,
                                set.countsLost),
                        -1, cpus[i], leader);
                set.followers[i] = enter;
                KernelCalls.setFilter(enter, filter);
                KernelCalls.ioctl(enter, KernelCalls.IOC_SET_OUTPUT, leader);
                // raw_syscalls:sys_exit again, filtered to openat: one more filter on every exit (about 0.1 us a
                // call), where syscalls:sys_exit_openat would register one more kernel probe per session (measured:
                // 1.8 ms more to open, 35 ms more to close, and a start waits for a previous close)
                int opens = KernelCalls.perfEventOpen(syscallNr, PerfEventAttr.tracepoint(ids.sysExit(), false, 0,
                        1, set.countsLost), -1, cpus[i], leader);
                KernelCalls.setFilter(opens, openatFilter);
                set.openFds[i] = opens;
                set.openMaps[i] = KernelCalls.mmap(opens, set.openMapBytes);
                set.openRings[i] = new RingBuffer(set.openMaps[i].getByteBuffer(0, set.openMapBytes), page);
            }
            return set;
        } catch (KernelCalls.CallFailedException | RuntimeException e) {
            set.close();
            throw e;
        }
    }

    /**
     * @return the descriptors to wait on: the leaders (readable when their buffer passed its watermark) and the
     *         open-exit events (readable at each record)
     */
    int[] pollable() {
        int[] all = java.util.Arrays.copyOf(leaders, leaders.length * 2);
        System.arraycopy(openFds, 0, all, leaders.length, openFds.length);
        return all;
    }

    /** @return how many ring buffers */
    int size() {
        return cpus.length;
    }

    /** @return bytes of each ring buffer's data area */
    int bufferBytes() {
        return rings[0].capacity();
    }

    /** @throws KernelCalls.CallFailedException if a group cannot be enabled */
    void enable() throws KernelCalls.CallFailedException {
        for (int fd : leaders) {
            KernelCalls.ioctl(fd, KernelCalls.IOC_ENABLE, KernelCalls.IOC_FLAG_GROUP);
        }
    }

    /**
     * Disables every group. Once this returns, every record of a call that passed a tracepoint before is in its
     * ring buffer (the kernel runs the disable on each event's CPU, after any handler running there).
     *
     * @throws KernelCalls.CallFailedException if a group cannot be disabled
     */
    void disable() throws KernelCalls.CallFailedException {
        for (int fd : leaders) {
            KernelCalls.ioctl(fd, KernelCalls.IOC_DISABLE, KernelCalls.IOC_FLAG_GROUP);
        }
    }

    /**
     * Drains every ring buffer into the stream and sorts out the pass.
     *
     * @param stream where the records go
     */
    void drain(TracepointStream stream) {
        for (RingBuffer opens : openRings) { // first: a path is resolved the sooner, the likelier still open
            opens.drain(stream.opens);
        }
        for (int i = 0; i < rings.length; i++) {
            stream.from(i);
            if (rings[i].drain(stream.records) > rings[i].capacity() - (64 << 10)) {
                nearlyFull++; // within one largest record of full: a record may have found no room
            }
        }
        stream.pass();
    }

    /**
     * How many samples the kernel could not write since the events were opened. A full buffer only says so in a
     * record written once room is made, which may never come after the last drain; so the kernel's own count is
     * read ({@code PERF_FORMAT_LOST}, one {@code read(2)} per CPU, booked as the library's own I/O). On kernels
     * before 6.0, which do not count, a drain that found a buffer nearly full counts as a loss: the window then
     * fails rather than risk being short.
     *
     * @return lost samples of the counted events, or a positive number when a loss cannot be ruled out; then
     *         lost records of open exits (which only name paths)
     * @throws KernelCalls.CallFailedException if the counts cannot be read
     */
    long[] lost() throws KernelCalls.CallFailedException {
        if (!countsLost) {
            return new long[]{nearlyFull, nearlyFull};
        }
        long lost = 0;
        long openLost = 0;
        for (int fd : leaders) {
            int bytes = 8 + 16 * GROUP; // nr, then {value, lost} for each of the group's events
            long[] v = KernelCalls.readCounts(fd, bytes);
            dev.iops.spi.SelfIo.count(1, 8L * v.length, 0, 0);
            for (int e = 0; e < v[0] && 2 + 2 * e < v.length; e++) {
                if (e == GROUP - 1) {
                    openLost += v[2 + 2 * e];
                } else {
                    lost += v[2 + 2 * e];
                }
            }
        }
        return new long[]{lost, openLost};
    }

    /**
     * Unmaps the buffers and closes the events. Slow (the kernel waits for a grace period per event: several
     * milliseconds in all), so it is never on a caller's path; idempotent; never throws.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = 0; i < maps.length; i++) {
            if (maps[i] != null) {
                KernelCalls.munmap(maps[i], mapBytes);
            }
            if (openMaps[i] != null) {
                KernelCalls.munmap(openMaps[i], openMapBytes);
            }
            if (openFds[i] >= 0) {
                KernelCalls.close(openFds[i]);
            }
        }
        for (int fd : followers) {
            if (fd >= 0) {
                KernelCalls.close(fd);
            }
        }
        for (int fd : leaders) {
            if (fd >= 0) {
                KernelCalls.close(fd);
            }
        }
        if (opened == 1) {
            OPEN.decrementAndGet();
        }
    }
}
