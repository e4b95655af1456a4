package dev.iops.linux;

import dev.iops.spi.SelfIo;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * At most one idle, disabled perf recorder kept for {@code iops.perf.linger} after a session (opt-in), so the
 * next session enables it instead of spawning perf. While it idles, every system call of the JVM passes perf's
 * disabled tracepoint hooks (measured in {@code StraceBenchmark}); it is closed when the linger expires. Sessions
 * that overlap take a recorder each: only an idle one is shared, never one in use. Thread-safe.
 */
final class PerfPool {
    private PerfRecorder idle;
    private ScheduledFuture<?> expiry;
    private ScheduledExecutorService timer;

    /** @return the idle recorder, now the caller's, or {@code null} when there is none alive */
    synchronized PerfRecorder take() {
        PerfRecorder r = idle;
        idle = null;
        if (expiry != null) {
            expiry.cancel(false);
            expiry = null;
        }
        if (r != null && !r.isAlive()) {
            end(r);
            return null;
        }
        return r;
    }

    /**
     * Keeps a disabled, drained recorder for {@code linger}, or ends it if one is kept already.
     *
     * @param r      the recorder
     * @param linger how long to keep it
     */
    void give(PerfRecorder r, Duration linger) {
        PerfRecorder surplus = null;
        synchronized (this) {
            if (idle != null || !r.reusable()) {
                surplus = r;
            } else {
                idle = r;
                if (timer == null) {
                    timer = Executors.newSingleThreadScheduledExecutor(
                            task -> SelfIo.newOwnThread("iops-perf-linger", task));
                }
                expiry = timer.schedule(this::expire, linger.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        if (surplus != null) {
            end(surplus);
        }
    }

    /** Ends the idle recorder now, if any. */
    void expire() {
        PerfRecorder r = take();
        if (r != null) {
            end(r);
        }
    }

    /**
     * Ends a recorder once no process-wide counter is open: the kernel adds a child's I/O to the JVM's counters
     * when it is reaped, so perf must not end inside such a window.
     *
     * @param r the recorder
     */
    static void end(PerfRecorder r) {
        SelfIo.whenNoProcessCounter(r::close);
    }
}
