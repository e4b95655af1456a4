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

    /** {@link #singleSize()} with its timeline: the 1000 writes all in the first of 50 slices. */
    static IopsReport singleSizeTimeline() {
        long[] writes = new long[50 * 14];
        writes[13] = 1000;
        long[] bytesWritten = new long[50];
        bytesWritten[0] = 4_096_000;
        return singleSize().withDetail(detail(TimeSizeGrid.ofKinds(Duration.ofNanos(246_914), 50, 14,
                new long[50 * 14], writes, new long[50], bytesWritten)));
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
     * 21 ([1 MiB, 2 MiB)); elapsed 250 ms; a 4 x 22 timeline of 62.5 ms slices whose cells are known: slice 0 the
     * two EOF reads and the 1-byte write, slice 1 the reads of 600 and 700 bytes and the write of 1000, slice 2 25
     * of the 4 KiB reads, slice 3 the other 5 with the 10 writes of 5000 bytes and the 3 writes of 1 MiB.
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
        long[] reads = new long[4 * sizes];
        long[] writes = new long[4 * sizes];
        reads[0 * sizes + 0] = 2;
        writes[0 * sizes + 1] = 1;
        reads[1 * sizes + 10] = 2;
        writes[1 * sizes + 10] = 1;
        reads[2 * sizes + 13] = 25;
        reads[3 * sizes + 13] = 5;
        writes[3 * sizes + 13] = 10;
        writes[3 * sizes + 21] = 3;
        long[] bytesRead = {0, 600 + 700, 25 * 4096, 5 * 4096};
        long[] bytesWritten = {1, 1000, 0, 10 * 5000 + 3L * 1024 * 1024};
        TimeSizeGrid grid = TimeSizeGrid.ofKinds(Duration.ofNanos(62_500_000), 4, sizes, reads, writes, bytesRead,
                bytesWritten);
        return withHistogram("strace", Scope.PROCESS, Duration.ofMillis(250), h).withDetail(detail(grid));
    }

    /**
     * The demo's workload over 50 slices of 200 µs: 40 writes of 4096 bytes in each of slices 0-24, 40 reads of
     * 4096 bytes in each of slices 25-49, and the read of 0 bytes at end of file in slice 49.
     */
    static IopsReport demoTimeline() {
        int sizes = 14;
        long[] reads = new long[50 * sizes];
        long[] writes = new long[50 * sizes];
        long[] bytesRead = new long[50];
        long[] bytesWritten = new long[50];
        SizeHistogram.Builder h = SizeHistogram.builder();
        for (int t = 0; t < 50; t++) {
            long[] cells = t < 25 ? writes : reads;
            cells[t * sizes + 13] = 40;
            (t < 25 ? bytesWritten : bytesRead)[t] = 40 * 4096L;
            for (int i = 0; i < 40; i++) {
                h.record(t < 25 ? OpKind.WRITE : OpKind.READ, 4096);
            }
        }
        reads[49 * sizes] = 1;
        h.record(OpKind.READ, 0);
        TimeSizeGrid grid = TimeSizeGrid.ofKinds(Duration.ofNanos(200_000), 50, sizes, reads, writes, bytesRead,
                bytesWritten);
        return withHistogram("strace", Scope.THREAD, Duration.ofMillis(10), h.build()).withDetail(detail(grid));
    }

    /**
     * Twenty sizes, 1 byte to 512 KiB (buckets 1-20), one size per slice of 1 ms: in slice i (0-19), i + 1 writes
     * of 2^i bytes and, in even slices only, one read of 2^i bytes.
     */
    static IopsReport twentySizes() {
        int sizes = 21;
        long[] reads = new long[20 * sizes];
        long[] writes = new long[20 * sizes];
        long[] bytesRead = new long[20];
        long[] bytesWritten = new long[20];
        SizeHistogram.Builder h = SizeHistogram.builder();
        for (int i = 0; i < 20; i++) {
            long size = 1L << i;
            writes[i * sizes + i + 1] = i + 1;
            bytesWritten[i] = (i + 1) * size;
            h.add(OpKind.WRITE, i + 1, i + 1, (i + 1) * size);
            if (i % 2 == 0) {
                reads[i * sizes + i + 1] = 1;
                bytesRead[i] = size;
                h.add(OpKind.READ, i + 1, 1, size);
            }
        }
        TimeSizeGrid grid = TimeSizeGrid.ofKinds(Duration.ofMillis(1), 20, sizes, reads, writes, bytesRead,
                bytesWritten);
        return withHistogram("strace", Scope.THREAD, Duration.ofMillis(20), h.build()).withDetail(detail(grid));
    }

    /** A per-operation profiler's report of a block that did no I/O, with an empty timeline. */
    static IopsReport empty() {
        TimeSizeGrid grid = TimeSizeGrid.ofKinds(Duration.ofNanos(17_000), 50, 0, new long[0], new long[0],
                new long[50], new long[50]);
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
