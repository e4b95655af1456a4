package dev.iops.tracer;

import dev.iops.spi.SelfIo;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The format-independent window: markers, thread filter, split-call pairing, own paths and processes. */
class MarkerWindowTest {
    private static final String BEGIN = "/nonexistent/x/7-begin";
    private static final String END = "/nonexistent/x/8-end";

    private static void marker(MarkerWindow<?> w, long tid, long nanos, String path) {
        byte[] b = ("xx" + path + "yy").getBytes(StandardCharsets.UTF_8);
        w.marker(tid, nanos, b, 2, b.length - 2);
    }

    @Test
    void countsOnlyBetweenItsOwnMarkersAndIgnoresOtherSessionsMarkers() {
        MarkerWindow<String> w = new MarkerWindow<>(BEGIN, END, false, Set.of());
        assertThat(w.counts(1)).as("before the begin marker").isFalse();
        marker(w, 1, 100, END); // another order: an end before our begin is not ours to act on
        assertThat(w.ended()).isFalse();
        marker(w, 1, 100, "/nonexistent/x/5-begin");
        assertThat(w.begun()).as("another session's begin").isFalse();
        marker(w, 3, 1_000, BEGIN);
        assertThat(w.begun()).isTrue();
        assertThat(w.windowTid()).isEqualTo(3);
        assertThat(w.counts(1)).isTrue();
        assertThat(w.counts(3)).isTrue();
        marker(w, 3, 2_000, END);
        assertThat(w.ended()).isTrue();
        assertThat(w.counts(3)).as("after the end marker").isFalse();
    }

    @Test
    void inThreadModeCountsOnlyTheThreadThatOpenedTheWindow() {
        MarkerWindow<String> w = new MarkerWindow<>(BEGIN, END, true, Set.of());
        marker(w, 42, 0, BEGIN);
        assertThat(w.counts(42)).isTrue();
        assertThat(w.counts(43)).isFalse();
    }

    @Test
    void pairsSplitCallsPerThreadAndForgetsAnExitWithoutItsEntry() {
        MarkerWindow<String> w = new MarkerWindow<>(null, null, false, Set.of());
        assertThat(w.begun()).as("no begin marker: open from the first line").isTrue();
        w.entry(1, "read on 1");
        w.entry(2, "write on 2");
        assertThat(w.pendingCalls()).isEqualTo(2);
        assertThat(w.exit(2)).isEqualTo("write on 2");
        assertThat(w.exit(1)).isEqualTo("read on 1");
        assertThat(w.exit(1)).as("already paired").isNull();
        assertThat(w.exit(9)).as("its entry came before the trace was read").isNull();
        assertThat(w.pendingCalls()).isZero();
    }

    @Test
    void offsetsAreFromTheBeginMarkerUnwrappedAtMidnightAndNeverNegative() {
        MarkerWindow<String> w = new MarkerWindow<>(BEGIN, END, false, Set.of());
        assertThat(w.offsetNanos(5)).as("no begin time yet").isEqualTo(-1);
        long beforeMidnight = 86_399_999_000_000L; // -tt: 23:59:59.999
        marker(w, 1, beforeMidnight, BEGIN);
        assertThat(w.offsetNanos(beforeMidnight + 500)).isEqualTo(500);
        assertThat(w.offsetNanos(2_000_000L)).as("00:00:00.002, next day").isEqualTo(3_000_000L);
        assertThat(w.offsetNanos(beforeMidnight - 10)).as("a call in flight when the window opened").isZero();
        assertThat(w.offsetNanos(-1)).isEqualTo(-1);
    }

    @Test
    void excludesGivenPathsTheLibrarysOwnPathsAndItsOwnProcesses() {
        Path own = Path.of("/tmp/iops-own-" + ProcessHandle.current().pid() + "/rec.jfr");
        MarkerWindow<String> w = new MarkerWindow<>(null, null, false, Set.of("/tmp/trace"));
        assertThat(w.excludes("/tmp/trace")).isTrue();
        assertThat(w.excludes(own.toString())).isFalse();
        assertThat(w.excludes(null)).isFalse();
        long child = 4_000_000_001L; // above any real pid_max
        assertThat(w.counts(child)).isTrue();
        try (SelfIo.Registration dir = SelfIo.ownPath(own.getParent());
             SelfIo.Registration proc = SelfIo.ownProcess(child)) {
            assertThat(w.excludes(own.toString())).as("below an own directory").isTrue();
            assertThat(w.counts(child)).as("an own child's operations").isFalse();
        }
        assertThat(w.excludes(own.toString())).isFalse();
        assertThat(w.counts(child)).isTrue();
    }

    @Test
    void dropsAThreadsOperationsBetweenOwnWorkMarksAndOnlyThatThreads() {
        String own = "/nonexistent/x/own-begin";
        String done = "/nonexistent/x/own-end";
        MarkerWindow<String> w = new MarkerWindow<>(BEGIN, END, false, Set.of(), own, done);
        marker(w, 3, 1_000, BEGIN);
        marker(w, 5, 1_100, done); // the end of a stretch that began before this window was read: no effect
        assertThat(w.counts(5)).isTrue();
        marker(w, 4, 1_200, own);
        assertThat(w.counts(4)).as("inside own work").isFalse();
        assertThat(w.counts(3)).as("another thread meanwhile").isTrue();
        marker(w, 4, 1_300, own); // nested: a stretch inside a stretch
        marker(w, 4, 1_400, done);
        assertThat(w.counts(4)).as("still inside the outer stretch").isFalse();
        marker(w, 4, 1_500, done);
        assertThat(w.counts(4)).as("after the stretch").isTrue();
        assertThat(w.begun()).as("own-work marks are not the window's markers").isTrue();
        assertThat(w.ended()).isFalse();
    }
}
