package dev.iops.spi;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A metered stretch of own work books everything its thread did, exactly once: what the code inside booked itself
 * is not booked again, and a counting window that opens inside the stretch (settle, read, resume) gets only the
 * part after its opening. The thread's counters are simulated: a meter that reads a number the test moves.
 */
class SelfIoOwnWorkTest {
    /** What the simulated kernel counted: read operations, per thread. */
    private final java.util.Map<Thread, AtomicLong> kernel = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicLong kernelReads = kernelOf(Thread.currentThread());

    private AtomicLong kernelOf(Thread t) {
        return kernel.computeIfAbsent(t, k -> new AtomicLong());
    }

    /** @return every thread's reads, as a process-wide counter has them */
    private long kernelTotal() {
        return kernel.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /**
     * Counters of the thread that opens them, readable from any thread; each reading is a read of the reading
     * thread that the kernel counts once it returned (so a reading never includes itself).
     */
    private void installCountingMeter() {
        SelfIo.installThreadCounters(() -> {
            AtomicLong mine = kernelOf(Thread.currentThread());
            return new SelfIo.ThreadCounters() {
                @Override
                public int read(long[] into) {
                    into[0] = mine.get();
                    kernelOf(Thread.currentThread()).incrementAndGet();
                    return 0;
                }

                @Override
                public void close() {
                }
            };
        });
    }

    @AfterEach
    void restore() {
        SelfIo.installThreadCounters(() -> null);
    }

    /** A read the library counts itself: the kernel sees it, and it is booked. */
    private void bookedRead() {
        kernelReads.incrementAndGet();
        SelfIo.count(1, 0, 0, 0);
    }

    @Test
    void aMeteredStretchBooksWhatItsCodeDidNotBookAndNothingTwice() {
        installCountingMeter();
        long before = SelfIo.thread().readOps();
        try (SelfIo.Registration counting = SelfIo.meterOwnWork()) {
            try (SelfIo.OwnWork work = SelfIo.ownWork()) {
                kernelReads.addAndGet(5); // class loading: nobody books it
                bookedRead();
                bookedRead();
            }
        }
        assertThat(SelfIo.thread().readOps() - before).as("5 unbooked + 2 booked, each once, + the meter's 2 reads")
                .isEqualTo(9);
    }

    /** A meter inside a metered stretch (jfr reading its recording while a session stops): each read booked once. */
    @Test
    void nestedMetersBookEveryReadOnce() {
        installCountingMeter();
        long kernelBefore = kernelReads.get();
        long before = SelfIo.thread().readOps();
        try (SelfIo.Registration counting = SelfIo.meterOwnWork()) {
            try (SelfIo.OwnWork work = SelfIo.ownWork()) {
                kernelReads.addAndGet(2);
                try (SelfIo.Meter inner = SelfIo.meter()) {
                    kernelReads.addAndGet(3);
                    bookedRead();
                }
                kernelReads.addAndGet(4);
                try (SelfIo.Meter inner = SelfIo.meter()) {
                    kernelReads.addAndGet(5);
                }
            }
        }
        assertThat(SelfIo.thread().readOps() - before).as("every read the thread made, meters' own reads too")
                .isEqualTo(kernelReads.get() - kernelBefore);
    }

    @Test
    void aCountingWindowOpeningInsideTheStretchGetsOnlyWhatFollowsItsOpening() {
        installCountingMeter();
        try (SelfIo.Registration outer = SelfIo.meterOwnWork()) {
            long windowOpened;
            long beforeStretch = SelfIo.thread().readOps();
            try (SelfIo.OwnWork work = SelfIo.ownWork()) {
                kernelReads.addAndGet(3); // before the inner window opens
                SelfIo.settleOwnWork();
                windowOpened = SelfIo.thread().readOps(); // the inner window's first reading of the ledger
                bookedRead(); // its own snapshot
                SelfIo.resumeOwnWork();
                kernelReads.addAndGet(4); // after it opened, still in the stretch
            }
            long atEnd = SelfIo.thread().readOps();
            assertThat(windowOpened - beforeStretch).as("booked before the inner window opened, with 2 meter reads")
                    .isEqualTo(5);
            assertThat(atEnd - windowOpened).as("booked inside it: its snapshot, the rest, 2 meter reads")
                    .isEqualTo(7);
        }
    }

    @Test
    void withoutACountingWindowNothingIsMeteredAndOnAPlatformThatCannotMeterNothingIsCorrected() {
        installCountingMeter();
        long before = SelfIo.thread().readOps();
        try (SelfIo.OwnWork work = SelfIo.ownWork()) {
            kernelReads.addAndGet(5);
            bookedRead();
        }
        assertThat(SelfIo.thread().readOps() - before).as("no counting window: only what was booked").isEqualTo(1);
        SelfIo.installThreadCounters(() -> null);
        try (SelfIo.Registration counting = SelfIo.meterOwnWork(); SelfIo.OwnWork work = SelfIo.ownWork()) {
            bookedRead();
        }
        assertThat(SelfIo.thread().readOps() - before).as("an inexact meter neither books nor corrects").isEqualTo(2);
    }

    /** One edge of a simulated process-wide window: the ledger, then the counters (its own read, booked). */
    private long[] processEdge() throws java.io.IOException {
        long[] edge = new long[2];
        SelfIo.Totals unplaced = SelfIo.atProcessEdge(() -> {
            edge[0] = SelfIo.process().readOps();
            edge[1] = kernelTotal();
            try (SelfIo.OwnCall call = SelfIo.ownCall()) {
                kernelReads.incrementAndGet();
                SelfIo.count(1, 0, 0, 0);
            }
        });
        assertThat(unplaced).isEqualTo(SelfIo.Totals.ZERO);
        return edge;
    }

    /**
     * A meter running on another thread across both edges of a process-wide window: what that thread did before the
     * window opened is booked before it, what it did inside is booked inside, what it did after is booked after.
     * Booked only when the meter closed, the window would subtract the thread's reads from before it opened, and not
     * those it did inside before its end.
     */
    @Test
    void aProcessWindowSubtractsExactlyTheOwnWorkOfOtherThreadsThatFellInsideIt() throws Exception {
        installCountingMeter();
        java.util.concurrent.SynchronousQueue<String> toMeter = new java.util.concurrent.SynchronousQueue<>();
        java.util.concurrent.SynchronousQueue<String> fromMeter = new java.util.concurrent.SynchronousQueue<>();
        Thread other = new Thread(() -> {
            AtomicLong mine = kernelOf(Thread.currentThread());
            try (SelfIo.Meter meter = SelfIo.meter()) {
                mine.addAndGet(3); // before the window
                fromMeter.put("before");
                toMeter.take();
                mine.addAndGet(4); // inside it
                fromMeter.put("inside");
                toMeter.take();
                mine.addAndGet(5); // after it
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.start();
        fromMeter.take();
        long[] begin = processEdge();
        toMeter.put("go");
        fromMeter.take();
        long[] end = processEdge();
        toMeter.put("go");
        other.join(10_000);
        long counted = end[1] - begin[1];
        long subtracted = end[0] - begin[0];
        assertThat(counted - subtracted).as("the window's figure: all of it is own work").isZero();
        assertThat(counted).as("4 reads of the other thread, 2 readings of its counters (after the opening, before "
                + "the end), the window's first read").isEqualTo(7);
    }

    /**
     * A perf window that opens while another thread is in a stretch of own work (a session stopping, which began
     * before any window read stretches) must know that thread's calls are the library's: the stretch is kept from
     * its start. Kept only while it runs when no window reads them.
     */
    @Test
    void aStretchBegunBeforeAnyWindowReadsStretchesIsKnownToOneOpeningWhileItRuns() {
        org.junit.jupiter.api.Assumptions.assumeTrue(SelfIo.osThreadId() >= 0, "needs /proc/thread-self (Linux)");
        long tid = SelfIo.osThreadId();
        long inside;
        try (SelfIo.OwnWork work = SelfIo.ownWork()) {
            inside = System.nanoTime();
            try (SelfIo.Registration window = SelfIo.readOwnWork()) {
                assertThat(SelfIo.isOwnWork(tid, inside)).as("while it runs").isTrue();
            }
        }
        try (SelfIo.Registration window = SelfIo.readOwnWork()) {
            assertThat(SelfIo.isOwnWork(tid, inside)).as("ended before this window opened: forgotten").isFalse();
        }
    }

    @Test
    void anOwnThreadIsKnownByItsOsIdWhileItRuns() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(java.nio.file.Path.of("/proc/thread-self")),
                "needs /proc/thread-self (Linux)");
        long[] tid = new long[1];
        boolean[] own = new boolean[1];
        Thread t = new Thread(SelfIo.ownThread(() -> {
            try {
                String link = java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")).toString();
                tid[0] = Long.parseLong(link.substring(link.lastIndexOf('/') + 1));
                own[0] = SelfIo.isOwnThread(tid[0]);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }));
        t.start();
        t.join(10_000);
        assertThat(own[0]).as("inside its run").isTrue();
        assertThat(SelfIo.isOwnThread(tid[0])).as("after its run, with no session open").isFalse();
    }
}
