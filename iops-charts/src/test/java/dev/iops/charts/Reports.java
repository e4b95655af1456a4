package dev.iops.charts;

import dev.iops.IoTotals;
import dev.iops.IopsReport;
import dev.iops.OpDetail;
import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.SizeHistogram;
import dev.iops.TimeSizeGrid;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reports with known contents, built the way a per-operation profiler's session builds them. */
final class Reports {
    private Reports() {
    }

    /** The seed's blank case: 1000 writes of 4096 bytes, nothing else, in 12,345,678 ns. */
    static IopsReport singleSize() {
        SizeHistogram.Builder b = SizeHistogram.builder();
        for (int i = 0; i < 1000; i++) {
            b.record(OpKind.WRITE, 4096);
        }
        return withHistogram("strace", Scope.THREAD, Duration.ofNanos(12_345_678), b.build());
    }

    /**
     * The demo's workload as a tracer sees it: 1000 writes of 4096 bytes, 1000 reads of 4096 bytes and the read
     * of 0 bytes that meets end of file, in 6.03 ms.
     */
    static IopsReport demoWorkload() {
        SizeHistogram.Builder b = SizeHistogram.builder();
        for (int i = 0; i < 1000; i++) {
            b.record(OpKind.WRITE, 4096);
            b.record(OpKind.READ, 4096);
        }
        b.record(OpKind.READ, 0);
        return withHistogram("strace", Scope.THREAD, Duration.ofNanos(6_030_000), b.build());
    }

    /**
     * Reads and writes of several sizes: bucket 0 (EOF reads), 1 (1 byte), 10 ([512, 1024)), 13 ([4 KiB, 8 KiB)),
     * 21 ([1 MiB, 2 MiB)); elapsed 250 ms; a 4 x 22 timeline whose cells are known.
     */
    static IopsReport mixed() {
        SizeHistogram h = SizeHistogram.builder()
                .record(OpKind.READ, 0).record(OpKind.READ, 0)
                .record(OpKind.WRITE, 1)
                .record(OpKind.READ, 600).record(OpKind.READ, 700).record(OpKind.WRITE, 1000)
                .add(OpKind.READ, 13, 30, 30 * 4096L).add(OpKind.WRITE, 13, 10, 10 * 5000L)
                .add(OpKind.WRITE, 21, 3, 3L * 1024 * 1024)
                .build();
        int sizes = 22;
        long[] cells = new long[4 * sizes];
        cells[0 * sizes + 0] = 2;
        cells[0 * sizes + 1] = 1;
        cells[1 * sizes + 10] = 3;
        cells[2 * sizes + 13] = 25;
        cells[3 * sizes + 13] = 15;
        cells[3 * sizes + 21] = 3;
        TimeSizeGrid grid = new TimeSizeGrid(Duration.ofNanos(62_500_000), 4, sizes, cells);
        return withHistogram("strace", Scope.PROCESS, Duration.ofMillis(250), h).withDetail(detail(grid));
    }

    /** A per-operation profiler's report of a block that did no I/O, with an empty timeline. */
    static IopsReport empty() {
        TimeSizeGrid grid = new TimeSizeGrid(Duration.ofNanos(17_000), 50, 0, new long[0]);
        return withHistogram("strace", Scope.THREAD, Duration.ofNanos(850_000), SizeHistogram.empty())
                .withDetail(detail(grid));
    }

    /** What a count-only profiler reports: totals, no histogram, no detail. */
    static IopsReport countOnly() {
        return IopsReport.of("procfs", Scope.PROCESS, Duration.ofMillis(3), 5, 7, 500, 700);
    }

    static IopsReport withHistogram(String profiler, Scope scope, Duration elapsed, SizeHistogram h) {
        return IopsReport.of(profiler, scope, elapsed, h.readOps(), h.writeOps(), h.bytesRead(), h.bytesWritten())
                .withHistogram(h);
    }

    static OpDetail detail(TimeSizeGrid grid) {
        return new OpDetail(Map.of(), List.of(), 0, IoTotals.ZERO, Map.of(), 0, Optional.of(grid));
    }
}
