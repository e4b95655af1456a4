package dev.iops.internal;

import dev.iops.IoTotals;
import dev.iops.OpDetail;
import dev.iops.OpKind;
import dev.iops.SizeHistogram;
import dev.iops.TargetKind;
import dev.iops.TimeSizeGrid;
import dev.iops.spi.Op;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AggregatorTest {
    private static Op op(OpKind kind, long bytes, TargetKind target, String path, long offset, long duration) {
        return new Op(kind, bytes, 1, target, path, offset, duration, false);
    }

    @Test
    void countsOperationsBytesAndSizesExactly() {
        Aggregator a = new Aggregator();
        a.window(1_000_000);
        for (int i = 0; i < 1000; i++) {
            a.accept(op(OpKind.WRITE, 4096, TargetKind.FILE, "/tmp/a", i * 1000L, 2000));
        }
        a.accept(op(OpKind.READ, 0, TargetKind.FILE, "/tmp/a", 999_999, 500));
        assertThat(a.totals()).isEqualTo(new IoTotals(1, 1000, 0, 4_096_000));
        SizeHistogram h = a.histogram();
        assertThat(h.bucket(13).writeOps()).isEqualTo(1000);
        assertThat(h.bucket(13).writeBytes()).isEqualTo(4_096_000);
        assertThat(h.bucket(0).readOps()).isEqualTo(1);
        assertThat(h.totalOps()).isEqualTo(1001);
    }

    @Test
    void failedCallsAreErrorsNotOperations() {
        Aggregator a = new Aggregator();
        a.accept(new Op(OpKind.READ, 0, 1, TargetKind.PIPE, "pipe:[1]", -1, -1, true));
        a.accept(op(OpKind.READ, 10, TargetKind.PIPE, "pipe:[1]", -1, -1));
        OpDetail d = a.detail();
        assertThat(d.errors()).isEqualTo(1);
        assertThat(a.totals().readOps()).isEqualTo(1);
        assertThat(d.byTarget()).containsOnlyKeys(TargetKind.PIPE);
        assertThat(d.latency()).isEmpty();
        assertThat(d.timeline()).isEmpty();
    }

    @Test
    void splitsTotalsByTargetAndRanksPaths() {
        Aggregator a = new Aggregator();
        for (int i = 0; i < 3; i++) {
            a.accept(op(OpKind.WRITE, 100, TargetKind.FILE, "/busy", -1, -1));
        }
        a.accept(op(OpKind.READ, 5000, TargetKind.SOCKET, "socket:[9]", -1, -1));
        a.accept(op(OpKind.WRITE, 18, TargetKind.TTY, "/dev/pts/0", -1, -1));
        OpDetail d = a.detail();
        assertThat(d.byTarget().get(TargetKind.FILE)).isEqualTo(new IoTotals(0, 3, 0, 300));
        assertThat(d.byTarget().get(TargetKind.SOCKET)).isEqualTo(new IoTotals(1, 0, 5000, 0));
        assertThat(d.topPaths()).extracting(p -> p.path()).containsExactly("/busy", "socket:[9]", "/dev/pts/0");
        assertThat(d.distinctPaths()).isEqualTo(3);
    }

    @Test
    void keepsMemoryBoundedWithManyPaths() {
        Aggregator a = new Aggregator();
        int n = OpDetail.MAX_TRACKED_PATHS + 100;
        for (int i = 0; i < n; i++) {
            a.accept(op(OpKind.WRITE, 1, TargetKind.FILE, "/f" + i, -1, -1));
        }
        OpDetail d = a.detail();
        assertThat(d.distinctPaths()).isEqualTo(OpDetail.MAX_TRACKED_PATHS);
        assertThat(d.untrackedPaths().writeOps()).isEqualTo(100);
        assertThat(d.topPaths()).hasSize(OpDetail.MAX_TOP_PATHS);
        assertThat(a.totals().writeOps()).isEqualTo(n);
    }

    @Test
    void ranksCallSitesAndIgnoresOperationsWithoutOne() {
        Aggregator a = new Aggregator();
        for (int i = 0; i < 3; i++) {
            a.accept(new Op(OpKind.WRITE, 10, 1, TargetKind.FILE, "/a", -1, -1, false, "com.example.A.write:7"));
        }
        a.accept(new Op(OpKind.READ, 99, 1, TargetKind.FILE, "/a", -1, -1, false, "com.example.B.read:9"));
        a.accept(op(OpKind.READ, 5, TargetKind.FILE, "/a", -1, -1));
        OpDetail d = a.detail();
        assertThat(d.topSites()).extracting(s -> s.site()).containsExactly("com.example.A.write:7", "com.example.B.read:9");
        assertThat(d.topSites().get(0).totals()).isEqualTo(new IoTotals(0, 3, 0, 30));
        assertThat(new Aggregator().detail().topSites()).isEmpty();
    }

    @Test
    void timelineSpreadsOperationsOverTheWindow() {
        Aggregator a = new Aggregator();
        a.window(50_000);
        a.accept(op(OpKind.WRITE, 4096, TargetKind.FILE, null, 0, -1));       // first slice
        a.accept(op(OpKind.WRITE, 4096, TargetKind.FILE, null, 49_999, -1));  // last slice
        a.accept(op(OpKind.READ, 1, TargetKind.FILE, null, 10_000_000, -1));  // after the window: clamped to last
        TimeSizeGrid g = a.detail().timeline().orElseThrow();
        assertThat(g.timeBins()).isEqualTo(Aggregator.TIME_BINS);
        assertThat(g.sizeBuckets()).isEqualTo(14);
        assertThat(g.binWidth().toNanos()).isEqualTo(1000);
        assertThat(g.ops(0, 13)).isEqualTo(1);
        assertThat(g.ops(Aggregator.TIME_BINS - 1, 13)).isEqualTo(1);
        assertThat(g.ops(Aggregator.TIME_BINS - 1, 1)).isEqualTo(1);
        assertThat(g.totalOps()).isEqualTo(3);
    }

    @Test
    void timelineKeepsReadsAndWritesApartWithTheirBytesPerSlice() {
        Aggregator a = new Aggregator();
        a.window(50_000);
        a.accept(op(OpKind.WRITE, 4096, TargetKind.FILE, null, 0, -1));
        a.accept(op(OpKind.WRITE, 5000, TargetKind.FILE, null, 999, -1));     // same slice, same bucket
        a.accept(op(OpKind.READ, 4096, TargetKind.FILE, null, 500, -1));      // same cell, other kind
        a.accept(op(OpKind.READ, 100, TargetKind.FILE, null, 2_500, -1));     // slice 2
        TimeSizeGrid g = a.detail().timeline().orElseThrow();

        assertThat(g.hasKinds()).isTrue();
        assertThat(g.ops(0, 13)).isEqualTo(3);
        assertThat(g.readOps(0, 13)).isEqualTo(1);
        assertThat(g.writeOps(0, 13)).isEqualTo(2);
        assertThat(g.readOps(2, 7)).isEqualTo(1);
        assertThat(g.writeOps(2, 7)).isZero();
        assertThat(g.bytesWritten(0)).isEqualTo(9096);
        assertThat(g.bytesRead(0)).isEqualTo(4096);
        assertThat(g.bytesRead(2)).isEqualTo(100);
        assertThat(g.bytesWritten(2)).isZero();
        assertThat(g.bytesRead(1)).isZero();
    }

    @Test
    void aGridBuiltWithoutKindsSaysSoInsteadOfGuessing() {
        TimeSizeGrid g = new TimeSizeGrid(java.time.Duration.ofMillis(1), 1, 1, new long[] {4});

        assertThat(g.hasKinds()).isFalse();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> g.readOps(0, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("this grid counts reads and writes together (it was built with new TimeSizeGrid(binWidth,"
                        + " timeBins, sizeBuckets, ops)); check hasKinds() first, or build it with TimeSizeGrid.ofKinds");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TimeSizeGrid.ofKinds(java.time.Duration.ofMillis(1),
                        2, 1, new long[] {1, 0}, new long[] {0, 1}, new long[] {5}, new long[] {0, 7}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expected 2 byte counts per kind, got 1 and 2");
    }

    @Test
    void latencyIsSummarisedPerKind() {
        Aggregator a = new Aggregator();
        for (int i = 1; i <= 100; i++) {
            a.accept(op(OpKind.READ, 1, TargetKind.FILE, null, -1, i * 1000L));
        }
        OpDetail d = a.detail();
        assertThat(d.latency()).containsOnlyKeys(OpKind.READ);
        assertThat(d.latency().get(OpKind.READ).count()).isEqualTo(100);
        assertThat(d.latency().get(OpKind.READ).max().toNanos()).isEqualTo(100_000);
        assertThat(d.latency().get(OpKind.READ).p50().toNanos()).isBetween(48_000L, 52_000L);
    }
}
