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
    /** What the simulated kernel counted on this thread: read operations. */
    private final AtomicLong kernelReads = new AtomicLong();

    private void installCountingMeter() {
        SelfIo.installMeter(() -> new SelfIo.Meter() {
            private final long start = kernelReads.get();

            @Override
            public boolean exact() {
                return true;
            }

            @Override
            public void close() {
                SelfIo.count(kernelReads.get() - start, 0, 0, 0);
            }
        });
    }

    @AfterEach
    void restore() {
        SelfIo.installMeter(SelfIo.Meter.Factory.NONE);
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
        assertThat(SelfIo.thread().readOps() - before).as("5 unbooked + 2 booked, each once").isEqualTo(7);
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
            assertThat(windowOpened - beforeStretch).as("booked before the inner window opened").isEqualTo(3);
            assertThat(atEnd - windowOpened).as("booked inside it: its snapshot and the rest").isEqualTo(5);
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
        SelfIo.installMeter(SelfIo.Meter.Factory.NONE);
        try (SelfIo.Registration counting = SelfIo.meterOwnWork(); SelfIo.OwnWork work = SelfIo.ownWork()) {
            bookedRead();
        }
        assertThat(SelfIo.thread().readOps() - before).as("an inexact meter neither books nor corrects").isEqualTo(2);
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
