package dev.iops.tracer;

import dev.iops.spi.SelfIo;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One tracer attached to this JVM, shared, reference counted, by every session of one provider: a process can
 * have only one ptrace (or ktrace) tracer, so nested and concurrent sessions must share it.
 *
 * <p>The first {@link #acquire} attaches a tracer with the injected {@link Attacher}; every session holds a
 * {@link Lease}; when the last lease is closed the tracer detaches at once, or, only if the
 * {@linkplain Policy#linger() policy} asks for it, after a linger (so back-to-back sessions reuse it — at the
 * cost of slowing the whole JVM while it lingers). Attaching and detaching are serialised: a session that
 * arrives while the previous tracer is still detaching waits for it, so two tracers never overlap.
 *
 * <p>Off the happy path:
 * <ul>
 *   <li>a tracer that dies with sessions open is forgotten at once (the next session attaches a new one); the
 *       open sessions keep their lease and see {@link Attachment#isAlive()} false; it is detached (its files
 *       deleted) when the last of them closes;</li>
 *   <li>a session abandoned without closing its lease (its owner became unreachable) is released by a
 *       {@link Cleaner}, with a warning;</li>
 *   <li>a trace that grows past {@link Policy#maxTraceBytes()} while sessions are open (a session that is
 *       never closed) is detached by a watchdog: every open lease is {@linkplain Lease#revocation() revoked}
 *       with the reason, so a session reports it instead of counting from a deleted file;</li>
 *   <li>an idle tracer whose trace passed {@link Policy#idleRotateBytes()} is not kept lingering.</li>
 * </ul>
 *
 * <p>{@link #isAttached()} and {@link #attaches()} never block (they read volatile state), so an availability
 * check can call them while another thread spends seconds attaching.
 *
 * <p>No static state: a provider holds one instance per JVM (one tracer per process); tests make their own with a
 * fake attacher. Thread-safe.
 *
 * @param <S> what an attach needs (executable, options), given at each {@link #acquire}
 * @param <T> the attached tracer
 */
public final class SharedTracer<S, T extends SharedTracer.Attachment> {
    private static final Logger LOG = LoggerFactory.getLogger(SharedTracer.class);

    /** An attached tracer, as the scaffold sees it. */
    public interface Attachment {
        /** @return true while the tracer runs; must not block */
        boolean isAlive();

        /** @return the size of its trace in bytes now, or -1 if unknown; must not block (an {@code fstat}) */
        long traceBytes();

        /** Stops tracing and deletes its files. Idempotent, never throws, bounded in time. */
        void detach();
    }

    /**
     * Attaches a tracer. Called with the shared tracer's lock held, on the session's thread.
     *
     * @param <S> what an attach needs
     * @param <T> the attached tracer
     */
    @FunctionalInterface
    public interface Attacher<S, T> {
        /**
         * @param settings what the session asked for
         * @return the attached, ready tracer
         * @throws RuntimeException (typically {@link dev.iops.spi.ProfilerStartException}) if it cannot attach;
         *                          nothing may be left behind
         */
        T attach(S settings);
    }

    /**
     * How the shared tracer is kept.
     *
     * @param linger          how long an idle tracer stays attached; zero detaches when the last session ends
     * @param maxTraceBytes   a trace bigger than this while sessions are open is detached and the sessions
     *                        revoked; {@code Long.MAX_VALUE} for no bound
     * @param idleRotateBytes an idle tracer whose trace is bigger than this detaches instead of lingering
     * @param watchEvery      how often the watchdog checks liveness and size while attached
     */
    public record Policy(Duration linger, long maxTraceBytes, long idleRotateBytes, Duration watchEvery) {
        /**
         * Validates.
         *
         * @param linger          how long an idle tracer stays attached; zero detaches at once
         * @param maxTraceBytes   the bound of the trace while sessions are open, in bytes
         * @param idleRotateBytes an idle trace bigger than this, in bytes, detaches instead of lingering
         * @param watchEvery      the watchdog's period
         */
        public Policy {
            Objects.requireNonNull(linger, "linger");
            Objects.requireNonNull(watchEvery, "watchEvery");
            if (linger.isNegative()) {
                throw new IllegalArgumentException("linger must not be negative: " + linger);
            }
            if (maxTraceBytes <= 0 || idleRotateBytes <= 0) {
                throw new IllegalArgumentException("trace bounds must be positive");
            }
            if (watchEvery.isNegative() || watchEvery.isZero()) {
                throw new IllegalArgumentException("watchEvery must be positive: " + watchEvery);
            }
        }
    }

    /** One attached tracer and its sessions. */
    private final class Generation {
        final T tracer;
        final Policy policy;
        int refs; // guarded by lock
        boolean detached; // guarded by lock
        volatile String revocation;
        ScheduledFuture<?> watch; // guarded by lock

        Generation(T tracer, Policy policy) {
            this.tracer = tracer;
            this.policy = policy;
        }
    }

    private final String name;
    private final Attacher<S, T> attacher;
    private final Cleaner cleaner;
    private final Object lock = new Object();
    private volatile Generation current; // written under lock
    private ScheduledFuture<?> pendingDetach; // guarded by lock
    private ScheduledThreadPoolExecutor timer; // guarded by lock
    private volatile long attaches;

    /**
     * @param name     the provider's name, for messages and thread names
     * @param attacher attaches a tracer
     * @param cleaner  releases leases whose owner was abandoned
     */
    public SharedTracer(String name, Attacher<S, T> attacher, Cleaner cleaner) {
        this.name = Objects.requireNonNull(name, "name");
        this.attacher = Objects.requireNonNull(attacher, "attacher");
        this.cleaner = Objects.requireNonNull(cleaner, "cleaner");
    }

    /**
     * Takes a lease on the running tracer, attaching one if none runs (which may take up to the attacher's
     * timeout). A pending linger is cancelled.
     *
     * @param settings what an attach needs
     * @param policy   how the tracer is kept; the policy of the attach bounds its trace, the policy of the last
     *                 release decides the linger
     * @param owner    the object whose abandonment releases the lease (the session's recording); the lease must
     *                 be reachable only from it
     * @return the lease; close it when the session ends
     * @throws RuntimeException what the attacher threw
     */
    public Lease acquire(S settings, Policy policy, Object owner) {
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(owner, "owner");
        synchronized (lock) {
            cancelPendingDetach();
            Generation g = current;
            if (g != null && !g.tracer.isAlive()) {
                forget(g);
                g = null;
            }
            if (g == null) {
                T tracer = attacher.attach(settings);
                attaches++;
                g = new Generation(tracer, policy);
                current = g;
                Generation watched = g;
                g.watch = timer().scheduleWithFixedDelay(() -> watch(watched), policy.watchEvery().toNanos(),
                        policy.watchEvery().toNanos(), TimeUnit.NANOSECONDS);
            }
            g.refs++;
            return new Lease(g, policy, owner);
        }
    }

    /**
     * One session's hold on the shared tracer. {@link #close()} gives it back. Thread-safe.
     */
    public final class Lease implements AutoCloseable {
        private final Generation generation;
        private final Release release;
        private final Cleaner.Cleanable cleanable;

        private Lease(Generation generation, Policy policy, Object owner) {
            this.generation = generation;
            this.release = new Release(generation, policy);
            // the action must not reach the owner, or the owner would never become unreachable
            this.cleanable = cleaner.register(owner, release);
        }

        /** @return the tracer this lease holds (it may have died: check {@link Attachment#isAlive()}) */
        public T tracer() {
            return generation.tracer;
        }

        /**
         * @return why the tracer was taken away from the open sessions (its trace passed the bound), or
         *         {@code null} if it was not
         */
        public String revocation() {
            return generation.revocation;
        }

        /** Gives the lease back; the last one detaches the tracer (now or after the linger). Idempotent. */
        @Override
        public void close() {
            release.closed = true;
            cleanable.clean();
        }
    }

    /** The release of one lease, run once: by {@link Lease#close()} or by the cleaner. */
    private final class Release implements Runnable {
        private final Generation generation;
        private final Policy policy;
        private final String opener = Thread.currentThread().getName();
        private final long openedNanos = System.nanoTime();
        private volatile boolean closed;

        Release(Generation generation, Policy policy) {
            this.generation = generation;
            this.policy = policy;
        }

        @Override
        public void run() {
            if (!closed) {
                LOG.warn("iops: a {} session opened on thread {} was never closed; its tracer was released {} s "
                                + "later, when the session became unreachable. Close sessions (try-with-resources).",
                        name, opener, (System.nanoTime() - openedNanos) / 1_000_000_000L);
            }
            release(generation, policy);
        }
    }

    /** The last lease's own policy decides the linger: a session that did not ask for one detaches. */
    private void release(Generation g, Policy policy) {
        synchronized (lock) {
            g.refs--;
            if (g.refs > 0) {
                return;
            }
            Duration linger = policy.linger();
            boolean idleBig = g.tracer.traceBytes() > policy.idleRotateBytes();
            if (g != current || !g.tracer.isAlive()) {
                detach(g);
                return;
            }
            if (linger.isZero() || idleBig) {
                // Not while another provider's window is open: the kernel adds a child's I/O to ours when it is
                // reaped, so the tracer's own trace writes would land in that window.
                SelfIo.whenNoProcessCounter(() -> detachIfIdle(g));
                return;
            }
            pendingDetach = timer().schedule(this::detachIdle, linger.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    private void detachIfIdle(Generation g) {
        synchronized (lock) {
            if (g.refs <= 0) {
                detach(g);
            }
        }
    }

    /** The watchdog: forget a dead tracer, revoke one whose trace passed the bound while sessions are open. */
    private void watch(Generation g) {
        synchronized (lock) {
            if (g.detached) {
                return;
            }
            if (!g.tracer.isAlive()) {
                forget(g);
                return;
            }
            long bytes = g.tracer.traceBytes();
            if (g.refs > 0 && bytes > g.policy.maxTraceBytes()) {
                g.revocation = name + " was detached during the measured block: its trace reached " + bytes
                        + " bytes, over the bound of " + g.policy.maxTraceBytes() + " bytes, with " + g.refs
                        + " session(s) open. A session that is never closed keeps the tracer attached; close every "
                        + "session (try-with-resources), or raise the bound for longer blocks";
                LOG.warn("iops: {}", g.revocation);
                detach(g);
            }
        }
    }

    /** Makes a dead generation no longer current; detaches it now if no session holds it. */
    private void forget(Generation g) {
        if (current == g) {
            current = null;
        }
        if (g.refs <= 0) {
            detach(g);
        }
    }

    private void detach(Generation g) {
        if (current == g) {
            current = null;
        }
        if (g.detached) {
            return;
        }
        g.detached = true;
        if (g.watch != null) {
            g.watch.cancel(false);
        }
        g.tracer.detach();
    }

    /**
     * Detaches the tracer now if no session holds it (the linger's end; tests that check for leaks).
     *
     * @return true if no tracer is attached any more
     */
    public boolean detachIdle() {
        synchronized (lock) {
            cancelPendingDetach();
            Generation g = current;
            if (g != null && g.refs <= 0) {
                detach(g);
            }
            return current == null;
        }
    }

    /** @return true while a tracer is attached and alive; never blocks */
    public boolean isAttached() {
        Generation g = current;
        return g != null && g.tracer.isAlive();
    }

    /** @return the current tracer, or {@code null}; never blocks (tests and diagnostics) */
    public T current() {
        Generation g = current;
        return g == null ? null : g.tracer;
    }

    /** @return how many tracers this instance attached so far; never blocks */
    public long attaches() {
        return attaches;
    }

    private void cancelPendingDetach() {
        if (pendingDetach != null) {
            pendingDetach.cancel(false);
            pendingDetach = null;
        }
    }

    /** @return the timer of the linger and the watchdog; its one daemon thread exits when nothing is scheduled */
    private ScheduledThreadPoolExecutor timer() {
        if (timer == null) {
            timer = new ScheduledThreadPoolExecutor(1, r -> SelfIo.newOwnThread("iops-" + name + "-watch", r));
            timer.setRemoveOnCancelPolicy(true);
            timer.setKeepAliveTime(1, TimeUnit.SECONDS);
            timer.allowCoreThreadTimeOut(true);
        }
        return timer;
    }
}
