package dev.iops.linux;

import java.util.ArrayList;
import java.util.List;

/**
 * The stretches of time each thread spent starting or stopping a perf recording. perf records every system
 * call of the JVM, so a session nested in (or concurrent with) another sees the other's start-up and decoding
 * (spawning perf, talking to its control pipe, reading {@code perf script}); those calls are the library's own,
 * and windows drop calls that a thread began inside one of these stretches.
 *
 * <p>Stretches (and the perf processes started) are kept while any perf recording is open and forgotten when the last one closes, so memory is
 * bounded by the sessions alive at once. One instance per provider. Thread-safe.
 */
final class PerfOwnTime implements PerfWindow.OwnTime {
    /** One stretch; {@code toNanos} is {@link Long#MAX_VALUE} while it is still running. */
    private static final class Stretch {
        final long tid;
        final long fromNanos;
        volatile long toNanos = Long.MAX_VALUE;

        Stretch(long tid, long fromNanos) {
            this.tid = tid;
            this.fromNanos = fromNanos;
        }
    }

    private final List<Stretch> stretches = new ArrayList<>();
    /** perf processes of this provider's sessions: they inherit the events of the thread that spawned them. */
    private final java.util.Set<Long> processes = new java.util.HashSet<>();
    private int open;

    /** A recording opened: keep stretches until it closes. */
    synchronized void recordingOpened() {
        open++;
    }

    /** A recording closed: when none is left, no window can ask about the past any more. */
    synchronized void recordingClosed() {
        if (--open == 0) {
            stretches.clear();
            processes.clear();
        }
    }

    /**
     * Starts a stretch of own work on a thread.
     *
     * @param tid       the OS thread id
     * @param fromNanos when it began, {@link System#nanoTime()}
     * @return a handle whose {@link Runnable#run()} ends the stretch at the time it is called
     */
    synchronized Runnable begin(long tid, long fromNanos) {
        Stretch s = new Stretch(tid, fromNanos);
        stretches.add(s);
        return () -> s.toNanos = System.nanoTime();
    }

    @Override
    public synchronized boolean isOwn(long tid, long nanos) {
        for (Stretch s : stretches) {
            if (s.tid == tid && nanos >= s.fromNanos && nanos <= s.toNanos) {
                return true;
            }
        }
        return false;
    }

    /**
     * Remembers a process of this provider (a perf it started) until no recording is open: an outer window decoded
     * after the inner session closed must still drop what that process did (perf follows the JVM's children).
     *
     * @param pid the process id
     */
    synchronized void process(long pid) {
        processes.add(pid);
    }

    /**
     * @param pid a process id from a trace
     * @return true if it is a process this provider started while some recording was open
     */
    synchronized boolean isOwnProcess(long pid) {
        return processes.contains(pid);
    }

    /** @return stretches and processes remembered now (for tests) */
    synchronized int size() {
        return stretches.size() + processes.size();
    }
}
