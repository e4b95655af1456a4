package dev.iops;

import dev.iops.spi.Slowdown;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a source that stops the block is set against the block's elapsed time in the report. */
class SlowdownNoteTest {
    private static final String TAIL = "; the elapsed time, IOPS and throughput include it. A lower bound: ptrace "
            + "stops the block's other system calls too, and the cost per call varies with the machine's load "
            + "(without naming it, iops picks a source that does not slow the block)";

    @Test
    void saysTheCallsTheCostPerCallAndTheirProductOfTheElapsedTime() {
        assertThat(IopsSession.slowdownNote(new Slowdown("strace", 1000, Duration.ofNanos(45_000)),
                Duration.ofNanos(52_100_000))).isEqualTo("strace slowed this block: 1000 traced calls × ~45.0 µs each "
                + "≈ 45.00 ms of 52.10 ms elapsed (cost per call measured at attach)" + TAIL);
    }

    @Test
    void neverShowsMoreThanTheElapsedTimeAndSaysWhenTheProductExceedsIt() {
        assertThat(IopsSession.slowdownNote(new Slowdown("strace", 1000, Duration.ofNanos(60_000)),
                Duration.ofNanos(52_100_000))).isEqualTo("strace slowed this block: 1000 traced calls × ~60.0 µs each "
                + "≈ 52.10 ms of 52.10 ms elapsed (cost per call measured at attach; the product, 60.00 ms, exceeds the "
                + "elapsed time: nearly all of it was strace's)" + TAIL);
    }

    @Test
    void anUnmeasuredCostIsSaidNotHidden() {
        Slowdown unknown = new Slowdown("strace", 7, Duration.ZERO);
        assertThat(unknown.isCostKnown()).isFalse();
        assertThat(unknown.estimate()).isZero();
        assertThat(IopsSession.slowdownNote(unknown, Duration.ofNanos(2_000_000))).isEqualTo("strace slowed this "
                + "block: it stopped 7 traced calls of 2.00 ms elapsed, at a cost per call that could not be measured "
                + "at attach (tens of µs is usual)" + TAIL);
    }

    @Test
    void rejectsNegativeFigures() {
        assertThatThrownBy(() -> new Slowdown("strace", -1, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Slowdown("strace", 1, Duration.ofNanos(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
