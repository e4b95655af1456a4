package dev.iops;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class IopsReportTest {
    private static IopsReport bytesOnly() {
        return new IopsReport("oshi", Scope.PROCESS, Duration.ofSeconds(2), 0, 0, 2048, 4096,
                EnumSet.of(Figure.BYTES_READ, Figure.BYTES_WRITTEN), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of("bytes only"));
    }

    @Test
    void rejectsNegativeCounts() {
        assertThatThrownBy(() -> IopsReport.of("p", Scope.PROCESS, Duration.ZERO, -1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("readOps must be >= 0, got -1");
        assertThatThrownBy(() -> IopsReport.of("p", Scope.PROCESS, Duration.ZERO, 0, 0, 0, -5))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("bytesWritten must be >= 0, got -5");
        assertThatThrownBy(() -> IopsReport.of("p", Scope.PROCESS, Duration.ofNanos(-1), 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsAValueForAnUnmeasuredFigure() {
        assertThatThrownBy(() -> new IopsReport("p", Scope.PROCESS, Duration.ZERO, 7, 0, 0, 0,
                EnumSet.noneOf(Figure.class), Optional.empty(), Optional.empty(), Optional.empty(), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("readOps is 7 but not marked as measured");
    }

    @Test
    void computesRatesOverTheElapsedTime() {
        IopsReport r = IopsReport.of("p", Scope.THREAD, Duration.ofMillis(500), 100, 300, 1024, 3072);
        assertThat(r.totalOps()).isEqualTo(400);
        assertThat(r.totalBytes()).isEqualTo(4096);
        assertThat(r.iops()).isCloseTo(800.0, within(1e-9));
        assertThat(r.readIops()).isCloseTo(200.0, within(1e-9));
        assertThat(r.writeIops()).isCloseTo(600.0, within(1e-9));
        assertThat(r.throughput()).isCloseTo(8192.0, within(1e-9));
        assertThat(r.readThroughput()).isCloseTo(2048.0, within(1e-9));
    }

    @Test
    void zeroElapsedGivesZeroOrInfiniteRatesNeverNaN() {
        IopsReport none = IopsReport.of("p", Scope.THREAD, Duration.ZERO, 0, 0, 0, 0);
        assertThat(none.iops()).isZero();
        IopsReport some = IopsReport.of("p", Scope.THREAD, Duration.ZERO, 1, 0, 0, 0);
        assertThat(some.iops()).isInfinite();
    }

    @Test
    void unmeasuredFiguresAreNeverASilentZero() {
        IopsReport r = bytesOnly();
        assertThat(r.isMeasured(Figure.READ_OPS)).isFalse();
        assertThat(r.figure(Figure.READ_OPS)).isEqualTo(OptionalLong.empty());
        assertThat(r.figure(Figure.BYTES_WRITTEN)).isEqualTo(OptionalLong.of(4096));
        assertThatThrownBy(r::readOps).isInstanceOf(IllegalStateException.class)
                .hasMessage("readOps was not measured: profiler 'oshi' cannot count it "
                        + "(check isMeasured(Figure.READ_OPS) or use figure(Figure.READ_OPS))");
        assertThatThrownBy(r::iops).isInstanceOf(IllegalStateException.class);
        assertThat(r.throughput()).isCloseTo(3072.0, within(1e-9));
        assertThat(r.toText()).contains("operations                n/a            n/a            n/a");
    }

    @Test
    void copiesAreIndependentAndNotesAccumulate() {
        IopsReport r = IopsReport.of("p", Scope.PROCESS, Duration.ofMillis(1), 1, 1, 1, 1);
        IopsReport n = r.withNote("first").withNote("second");
        assertThat(r.notes()).isEmpty();
        assertThat(n.notes()).containsExactly("first", "second");
        assertThat(n.withStorage(new StorageBytes(0, 4096)).storage()).contains(new StorageBytes(0, 4096));
    }
}
