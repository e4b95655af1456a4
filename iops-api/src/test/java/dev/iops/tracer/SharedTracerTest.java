package dev.iops.tracer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.Cleaner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shared tracer's reference counting and its failures, with a fake attach: races as unit tests. */
@Timeout(30)
class SharedTracerTest {
    private static final Cleaner CLEANER = Cleaner.create();
    private static final Duration WATCH = Duration.ofMillis(10);
    private static final SharedTracer.Policy NO_LINGER = policy(Duration.ZERO, Long.MAX_VALUE);

    private static SharedTracer.Policy policy(Duration linger, long maxTraceBytes) {
        return new SharedTracer.Policy(linger, maxTraceBytes, Long.MAX_VALUE, WATCH);
    }

    /** A tracer that only records what happened to it; at most one may be alive at a time. */
    static final class Fake implements SharedTracer.Attachment {
        final int serial;
        final Duration detachTakes;
        volatile boolean alive = true;
        volatile boolean detached;
        final AtomicLong bytes = new AtomicLong();
        final AtomicInteger detaches = new AtomicInteger();

        Fake(int serial, Duration detachTakes) {
            this.serial = serial;
            this.detachTakes = detachTakes;
        }

        @Override
        public boolean isAlive() {
            return alive;
        }

        @Override
        public long traceBytes() {
            return bytes.get();
        }

        @Override
        public void detach() {
            detaches.incrementAndGet();
            if (!detachTakes.isZero()) {
                sleep(detachTakes);
            }
            alive = false;
            detached = true;
        }
    }

    /** Attaches fakes and remembers them; counts attaches that overlapped a live one. */
    static final class Attacher implements SharedTracer.Attacher<String, Fake> {
        final List<Fake> made = new ArrayList<>();
        final AtomicInteger overlaps = new AtomicInteger();
        final Duration detachTakes;

        Attacher(Duration detachTakes) {
            this.detachTakes = detachTakes;
        }

        @Override
        public synchronized Fake attach(String settings) {
            for (Fake f : made) {
                if (f.alive) {
                    overlaps.incrementAndGet();
                }
            }
            Fake f = new Fake(made.size(), detachTakes);
            made.add(f);
            return f;
        }

        synchronized Fake last() {
            return made.get(made.size() - 1);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitTrue(BooleanSupplier condition, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("timed out waiting until " + what).isNegative();
            System.gc();
            sleep(Duration.ofMillis(5));
        }
    }

    @Test
    void nestedSessionsShareOneAttachAndTheLastCloseDetaches() {
        Attacher attacher = new Attacher(Duration.ZERO);
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", attacher, CLEANER);
        Object outerOwner = new Object();
        Object innerOwner = new Object();
        SharedTracer<String, Fake>.Lease outer = shared.acquire("s", NO_LINGER, outerOwner);
        SharedTracer<String, Fake>.Lease inner = shared.acquire("s", NO_LINGER, innerOwner);
        assertThat(shared.attaches()).isEqualTo(1);
        assertThat(inner.tracer()).isSameAs(outer.tracer());
        inner.close();
        assertThat(outer.tracer().detached).as("detached while the outer session is open").isFalse();
        assertThat(shared.isAttached()).isTrue();
        outer.close();
        outer.close(); // idempotent: not a second release
        assertThat(outer.tracer().detaches).hasValue(1);
        assertThat(shared.isAttached()).isFalse();
        assertThat(shared.current()).isNull();
    }

    @Test
    void attachRacingDetachNeverRunsTwoTracersAtOnce() throws Exception {
        Attacher attacher = new Attacher(Duration.ofMillis(2)); // a detach that takes time, like SIGTERM and wait
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", attacher, CLEANER);
        int threads = 4;
        int rounds = 50;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                done.add(pool.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < rounds; i++) {
                        Object owner = new Object();
                        try (SharedTracer<String, Fake>.Lease lease = shared.acquire("s", NO_LINGER, owner)) {
                            assertThat(lease.tracer().isAlive()).isTrue();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(attacher.overlaps).as("attaches while another tracer was still alive").hasValue(0);
        assertThat(shared.attaches()).as("detach and attach were exercised").isGreaterThan(threads);
        assertThat(attacher.made).allSatisfy(f -> assertThat(f.detaches).hasValue(1));
        assertThat(shared.isAttached()).isFalse();
    }

    @Test
    void anAbandonedSessionIsReleasedByTheCleaner() {
        Attacher attacher = new Attacher(Duration.ZERO);
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", attacher, CLEANER);
        shared.acquire("s", NO_LINGER, new Object()); // lease and owner dropped: a session never closed
        Fake tracer = attacher.last();
        assertThat(tracer.detached).isFalse();
        awaitTrue(() -> tracer.detached, Duration.ofSeconds(20), "the cleaner released the abandoned lease");
        assertThat(tracer.detaches).hasValue(1);
        assertThat(shared.isAttached()).isFalse();
    }

    @Test
    void aTracerThatDiesWithSessionsOpenIsReplacedAndDetachedWhenItsLastSessionCloses() {
        Attacher attacher = new Attacher(Duration.ZERO);
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", attacher, CLEANER);
        Object owner1 = new Object();
        Object owner2 = new Object();
        SharedTracer<String, Fake>.Lease first = shared.acquire("s", NO_LINGER, owner1);
        first.tracer().alive = false; // killed
        assertThat(shared.isAttached()).isFalse();
        SharedTracer<String, Fake>.Lease second = shared.acquire("s", NO_LINGER, owner2);
        assertThat(shared.attaches()).isEqualTo(2);
        assertThat(second.tracer()).isNotSameAs(first.tracer());
        assertThat(first.tracer().detached).as("its session still reads what it captured").isFalse();
        first.close();
        assertThat(first.tracer().detached).isTrue();
        assertThat(second.tracer().detached).isFalse();
        second.close();
        assertThat(second.tracer().detached).isTrue();
    }

    @Test
    void aDeadTracerWithoutSessionsIsDetachedByTheWatchdog() {
        Attacher attacher = new Attacher(Duration.ZERO);
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", attacher, CLEANER);
        Object owner = new Object();
        SharedTracer<String, Fake>.Lease lease = shared.acquire("s", policy(Duration.ofHours(1), Long.MAX_VALUE),
                owner);
        lease.close(); // lingers for an hour
        Fake tracer = lease.tracer();
        tracer.alive = false;
        awaitTrue(() -> tracer.detaches.get() == 1, Duration.ofSeconds(10), "the watchdog cleaned the dead tracer");
        assertThat(shared.current()).isNull();
    }

    @Test
    void aTraceOverItsBoundWhileASessionIsOpenIsDetachedAndTheSessionRevoked() {
        Attacher attacher = new Attacher(Duration.ZERO);
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", attacher, CLEANER);
        Object owner = new Object();
        SharedTracer<String, Fake>.Lease lease = shared.acquire("s", policy(Duration.ZERO, 1000), owner);
        lease.tracer().bytes.set(1000);
        sleep(Duration.ofMillis(50));
        assertThat(lease.revocation()).as("at the bound, not over it").isNull();
        lease.tracer().bytes.set(1001);
        awaitTrue(() -> lease.revocation() != null, Duration.ofSeconds(10), "the watchdog revoked the lease");
        assertThat(lease.revocation()).isEqualTo("fake was detached during the measured block: its trace reached "
                + "1001 bytes, over the bound of 1000 bytes, with 1 session(s) open. A session that is never closed "
                + "keeps the tracer attached; close every session (try-with-resources), or raise the bound for "
                + "longer blocks");
        // the watchdog sets the revocation, then detaches: wait for the detach, bounded
        awaitTrue(() -> lease.tracer().detached, Duration.ofSeconds(10), "the watchdog detached the tracer");
        assertThat(shared.isAttached()).isFalse();
        Object next = new Object();
        try (SharedTracer<String, Fake>.Lease fresh = shared.acquire("s", NO_LINGER, next)) {
            assertThat(fresh.tracer()).isNotSameAs(lease.tracer());
            assertThat(fresh.revocation()).isNull();
        }
        lease.close();
        assertThat(lease.tracer().detaches).as("revoked tracers are detached once").hasValue(1);
    }

    @Test
    void lingersOnlyWhenAskedAndThenDetachesOnItsOwn() {
        Attacher attacher = new Attacher(Duration.ZERO);
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", attacher, CLEANER);
        Object o1 = new Object();
        shared.acquire("s", NO_LINGER, o1).close();
        assertThat(attacher.last().detached).as("default: detached at the last session's end").isTrue();

        // An hour's linger first, so that no pause of this thread (a loaded machine) can end it before the checks;
        // the last lease's own policy, 300 ms, then decides when the tracer detaches.
        SharedTracer.Policy longLinger = policy(Duration.ofHours(1), Long.MAX_VALUE);
        SharedTracer.Policy linger = policy(Duration.ofMillis(300), Long.MAX_VALUE);
        Object o2 = new Object();
        shared.acquire("s", longLinger, o2).close();
        Fake lingering = attacher.last();
        assertThat(lingering.detached).isFalse();
        Object o3 = new Object();
        try (SharedTracer<String, Fake>.Lease reuse = shared.acquire("s", linger, o3)) {
            assertThat(reuse.tracer()).as("reused while lingering").isSameAs(lingering);
        }
        assertThat(shared.attaches()).isEqualTo(2);
        awaitTrue(() -> lingering.detached, Duration.ofSeconds(30), "the linger ended");
        assertThat(shared.isAttached()).isFalse();
    }

    @Test
    void isAttachedAnswersWhileAnotherThreadIsStillAttaching() throws Exception {
        CountDownLatch attaching = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", s -> {
            attaching.countDown();
            try {
                assertThat(letGo.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new Fake(0, Duration.ZERO);
        }, CLEANER);
        Object owner = new Object();
        Thread slow = new Thread(() -> shared.acquire("s", NO_LINGER, owner).close());
        slow.start();
        assertThat(attaching.await(10, TimeUnit.SECONDS)).isTrue();
        // The attach cannot end before letGo (or its own 10 s wait): answering at all before then shows these
        // calls did not wait for it; the bound is half of that wait, so a loaded machine's pause cannot fail it.
        long t0 = System.nanoTime();
        assertThat(shared.isAttached()).isFalse();
        assertThat(shared.attaches()).isZero();
        assertThat(shared.current()).isNull();
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("did not wait for the attach")
                .isLessThan(Duration.ofSeconds(5));
        assertThat(slow.isAlive()).as("the attach is still waiting for letGo").isTrue();
        letGo.countDown();
        slow.join(10_000);
        assertThat(slow.isAlive()).isFalse();
    }

    @Test
    void aFailedAttachTakesNothingAndTheNextSessionAttaches() {
        AtomicInteger calls = new AtomicInteger();
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", s -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("attach refused");
            }
            return new Fake(1, Duration.ZERO);
        }, CLEANER);
        Object owner = new Object();
        assertThatThrownBy(() -> shared.acquire("s", NO_LINGER, owner)).hasMessage("attach refused");
        assertThat(shared.attaches()).isZero();
        assertThat(shared.isAttached()).isFalse();
        try (SharedTracer<String, Fake>.Lease lease = shared.acquire("s", NO_LINGER, owner)) {
            assertThat(lease.tracer().isAlive()).isTrue();
        }
        assertThat(shared.attaches()).isEqualTo(1);
    }

    @Test
    void theLastSessionsOwnPolicyDecidesTheLinger() {
        Attacher attacher = new Attacher(Duration.ZERO);
        SharedTracer<String, Fake> shared = new SharedTracer<>("fake", attacher, CLEANER);
        Object o1 = new Object();
        shared.acquire("s", policy(Duration.ofHours(1), Long.MAX_VALUE), o1).close();
        Fake tracer = attacher.last();
        assertThat(tracer.detached).as("the first session asked for a linger").isFalse();
        Object o2 = new Object();
        shared.acquire("s", NO_LINGER, o2).close();
        assertThat(tracer.detached).as("the last session did not").isTrue();
        assertThat(shared.attaches()).isEqualTo(1);
    }
}
