package dev.iops.linux;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The own-work ledger that keeps nested and concurrent perf sessions from counting each other's start and stop. */
class PerfOwnTimeTest {
    @Test
    void stretchesCoverOnlyTheirThreadAndTime() {
        PerfOwnTime own = new PerfOwnTime();
        own.recordingOpened();
        Runnable end = own.begin(7, 100);
        assertThat(own.isOwn(7, 100)).isTrue();
        assertThat(own.isOwn(7, Long.MAX_VALUE - 1)).as("still running").isTrue();
        assertThat(own.isOwn(8, 150)).as("another thread").isFalse();
        assertThat(own.isOwn(7, 99)).as("before").isFalse();
        end.run();
        assertThat(own.isOwn(7, System.nanoTime() + 1_000_000_000L)).as("after its end").isFalse();
    }

    @Test
    void anInnerSessionsStretchesAndProcessesOutliveItUntilTheOuterCloses() {
        PerfOwnTime own = new PerfOwnTime();
        own.recordingOpened(); // outer
        own.recordingOpened(); // inner
        own.begin(7, 100).run();
        own.process(4242);
        own.recordingClosed(); // inner closes before the outer decodes its window
        assertThat(own.isOwn(7, 100)).isTrue();
        assertThat(own.isOwnProcess(4242)).isTrue();
        own.recordingClosed();
        assertThat(own.isOwn(7, 100)).isFalse();
        assertThat(own.isOwnProcess(4242)).isFalse();
        assertThat(own.size()).isZero();
    }
}
