package dev.iops.jupyter;

import dev.iops.Figure;
import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.SizeHistogram;
import dev.iops.StorageBytes;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportSumTest {

    private static IopsReport part(long writes, long ms, String note) {
        return IopsReport.of("procfs", Scope.THREAD, Duration.ofMillis(ms), 1, writes, 10, writes * 4096)
                .withStorage(new StorageBytes(0, writes * 4096)).withNote(note);
    }

    @Test
    void addsCountsBytesStorageAndElapsedTimeOfEveryInvocation() {
        IopsReport sum = ReportSum.of(List.of(part(3, 10, "a"), part(5, 30, "a"), part(0, 2, "b")));
        assertThat(sum.readOps()).isEqualTo(3);
        assertThat(sum.writeOps()).isEqualTo(8);
        assertThat(sum.bytesRead()).isEqualTo(30);
        assertThat(sum.bytesWritten()).isEqualTo(8 * 4096);
        assertThat(sum.storage()).contains(new StorageBytes(0, 8 * 4096));
        assertThat(sum.elapsed()).isEqualTo(Duration.ofMillis(42));
        assertThat(sum.notes()).containsExactly("a", "b");
    }

    @Test
    void oneInvocationIsItsOwnReportDetailIncluded() {
        IopsReport one = part(3, 10, "a");
        assertThat(ReportSum.of(List.of(one))).isSameAs(one);
    }

    @Test
    void aFigureOneInvocationCouldNotCountIsUnknownInTheSum() {
        IopsReport bytesOnly = new IopsReport("procfs", Scope.THREAD, Duration.ofMillis(1), 0, 0, 10, 20,
                EnumSet.of(Figure.BYTES_READ, Figure.BYTES_WRITTEN), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of());
        IopsReport sum = ReportSum.of(List.of(part(3, 10, "a"), bytesOnly));
        assertThat(sum.isMeasured(Figure.WRITE_OPS)).isFalse();
        assertThat(sum.figure(Figure.WRITE_OPS)).isEmpty();
        assertThat(sum.bytesWritten()).isEqualTo(3 * 4096 + 20);
        assertThat(sum.storage()).isEmpty();
    }

    @Test
    void mergesHistogramsBucketByBucket() {
        SizeHistogram h1 = SizeHistogram.builder().record(OpKind.WRITE, 4096).record(OpKind.WRITE, 4096).build();
        SizeHistogram h2 = SizeHistogram.builder().record(OpKind.WRITE, 4096).record(OpKind.READ, 10).build();
        IopsReport sum = ReportSum.of(List.of(part(2, 1, "a").withHistogram(h1), part(2, 1, "a").withHistogram(h2)));
        SizeHistogram h = sum.histogram().orElseThrow();
        assertThat(h.bucket(SizeHistogram.bucketIndex(4096)).writeOps()).isEqualTo(3);
        assertThat(h.bucket(SizeHistogram.bucketIndex(10)).readOps()).isEqualTo(1);
    }

    @Test
    void refusesToAddReportsOfDifferentProfilers() {
        IopsReport other = IopsReport.of("jfr", Scope.THREAD, Duration.ZERO, 0, 0, 0, 0);
        assertThatThrownBy(() -> ReportSum.of(List.of(part(1, 1, "a"), other)))
                .hasMessage("cannot add a report of jfr/THREAD to one of procfs/THREAD");
    }
}
