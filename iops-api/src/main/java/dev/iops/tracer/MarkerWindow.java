package dev.iops.tracer;

import dev.iops.spi.SelfIo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * One session's window of a shared trace, independent of the tracer's line format: it opens at the begin marker
 * and closes at the end marker (each a system call on a unique path the session issues itself), pairs the two
 * halves of calls a tracer printed apart ({@code <unfinished ...>} and {@code <... resumed>} in strace) per
 * thread id, and says which operations belong to the session.
 *
 * <p>A tracer's decoder feeds it: {@link #marker} for every marker call it decodes, {@link #entry} for the entry
 * half of a split call with whatever the decoder must remember about it, {@link #exit} for the exit half, and
 * asks {@link #counts} and {@link #excludes} before it emits an operation. An operation belongs to the window
 * when it completes inside it, as the kernel's own counters see it; in thread mode only the thread that issued
 * the begin marker counts. Operations on the library's own files ({@link SelfIo#isOwnPath}, plus the paths
 * given here) and of its own child processes ({@link SelfIo#isOwnProcess}) are never counted, nor in process scope
 * those of the JVM's own service threads ({@link SelfIo#isRuntimeThread}), nor a thread's operations inside a
 * stretch of the library's own work marked in the trace ({@link SelfIo#ownWork}).
 *
 * <p>Memory is bounded by the number of threads with a call in flight. Pure apart from reading {@link SelfIo}'s
 * bookings: no I/O, no clock. Not thread-safe.
 *
 * @param <P> what the decoder remembers of an entry half until its exit half arrives
 */
public final class MarkerWindow<P> {
    private static final long HALF_DAY_NANOS = 43_200_000_000_000L;

    private final byte[] begin;
    private final byte[] end;
    private final boolean threadOnly;
    private final Set<String> excluded;
    private final Map<Long, P> pending = new HashMap<>();
    private final byte[] ownBegin;
    private final byte[] ownEnd;
    /** Threads inside a stretch of own work, with its nesting depth. */
    private final Map<Long, Integer> inOwnWork = new HashMap<>();
    private boolean begun;
    private boolean ended;
    private long windowTid = -1;
    private long beginNanos = -1;

    /**
     * @param beginMarker the begin marker's path, or {@code null} to count from the first line
     * @param endMarker   the end marker's path, or {@code null} to count to the last line
     * @param threadOnly  count only the thread that issued the begin marker
     * @param excluded    paths whose operations are never counted, besides {@link SelfIo}'s own paths
     */
    public MarkerWindow(String beginMarker, String endMarker, boolean threadOnly, Set<String> excluded) {
        this(beginMarker, endMarker, threadOnly, excluded, null, null);
    }

    /**
     * A window that also drops the library's own work marked in the trace ({@link SelfIo#markOwnWork}): a thread's
     * operations between an own-work begin mark and the matching end mark are never counted.
     *
     * @param beginMarker   the begin marker's path, or {@code null} to count from the first line
     * @param endMarker     the end marker's path, or {@code null} to count to the last line
     * @param threadOnly    count only the thread that issued the begin marker
     * @param excluded      paths whose operations are never counted, besides {@link SelfIo}'s own paths
     * @param ownWorkBegin  the marker path that begins a stretch of own work on its thread, or {@code null}
     * @param ownWorkEnd    the marker path that ends it, or {@code null}
     */
    public MarkerWindow(String beginMarker, String endMarker, boolean threadOnly, Set<String> excluded,
                        String ownWorkBegin, String ownWorkEnd) {
        this.begin = beginMarker == null ? null : beginMarker.getBytes(StandardCharsets.UTF_8);
        this.end = endMarker == null ? null : endMarker.getBytes(StandardCharsets.UTF_8);
        this.threadOnly = threadOnly;
        this.excluded = Set.copyOf(excluded);
        this.begun = begin == null;
        this.ownBegin = ownWorkBegin == null ? null : ownWorkBegin.getBytes(StandardCharsets.UTF_8);
        this.ownEnd = ownWorkEnd == null ? null : ownWorkEnd.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A marker call's path was decoded: opens the window at the begin marker, closes it at the end marker,
     * ignores any other (another session's).
     *
     * @param tid       the thread that made the call, or -1
     * @param timeNanos its time stamp, or -1
     * @param b         the buffer holding the raw (undecoded) path
     * @param from      its first byte
     * @param to        the index after its last byte
     */
    public void marker(long tid, long timeNanos, byte[] b, int from, int to) {
        if (ownBegin != null && Arrays.equals(b, from, to, ownBegin, 0, ownBegin.length)) {
            inOwnWork.merge(tid, 1, Integer::sum);
            return;
        }
        if (ownEnd != null && Arrays.equals(b, from, to, ownEnd, 0, ownEnd.length)) {
            // an end whose begin came before this window was read: nothing to undo
            inOwnWork.computeIfPresent(tid, (k, n) -> n == 1 ? null : n - 1);
            return;
        }
        if (!begun && Arrays.equals(b, from, to, begin, 0, begin.length)) {
            begun = true;
            windowTid = tid;
            beginNanos = timeNanos;
        } else if (begun && end != null && Arrays.equals(b, from, to, end, 0, end.length)) {
            ended = true;
        }
    }

    /**
     * @param tid the thread of an operation that just completed
     * @return true if the window is open and counts that thread
     */
    public boolean counts(long tid) {
        return begun && !ended && (threadOnly ? tid == windowTid : !SelfIo.isRuntimeThread(tid))
                && !SelfIo.isOwnProcess(tid) && !inOwnWork.containsKey(tid) && !SelfIo.isOwnThread(tid);
    }

    /**
     * @param path an operation's path, or {@code null} if unknown
     * @return true if it is the library's own file, never counted
     */
    public boolean excludes(String path) {
        return path != null && (excluded.contains(path) || SelfIo.isOwnPath(path));
    }

    /**
     * Remembers the entry half of a split call until its exit half.
     *
     * @param tid   the thread
     * @param entry what the decoder needs of it
     */
    public void entry(long tid, P entry) {
        pending.put(tid, entry);
    }

    /**
     * @param tid the thread whose exit half arrived
     * @return its entry half, or {@code null} if that came before the trace was read (forgotten either way)
     */
    public P exit(long tid) {
        return pending.remove(tid);
    }

    /**
     * @param startNanos an operation's start time stamp, or -1
     * @return nanoseconds from the window's begin marker to it (0 for a call in flight when the window opened),
     *         or -1 if either time is unknown; {@code -tt} stamps that wrapped at midnight are unwrapped
     */
    public long offsetNanos(long startNanos) {
        if (startNanos < 0 || beginNanos < 0) {
            return -1;
        }
        long offset = startNanos - beginNanos;
        if (offset < -HALF_DAY_NANOS) {
            offset += 2 * HALF_DAY_NANOS;
        }
        return Math.max(0, offset);
    }

    /** @return true once the begin marker was seen (always, without one) */
    public boolean begun() {
        return begun;
    }

    /** @return true once the end marker was seen */
    public boolean ended() {
        return ended;
    }

    /** @return the thread that issued the begin marker, or -1 */
    public long windowTid() {
        return windowTid;
    }

    /** @return calls whose entry half is still waiting for its exit half */
    public int pendingCalls() {
        return pending.size();
    }
}
