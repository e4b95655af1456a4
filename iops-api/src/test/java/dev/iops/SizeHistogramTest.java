package dev.iops;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizeHistogramTest {
    @Test
    void bucketsArePowersOfTwoWithZeroAlone() {
        assertThat(SizeHistogram.bucketIndex(0)).isZero();
        assertThat(SizeHistogram.bucketIndex(1)).isEqualTo(1);
        assertThat(SizeHistogram.bucketIndex(2)).isEqualTo(2);
        assertThat(SizeHistogram.bucketIndex(3)).isEqualTo(2);
        assertThat(SizeHistogram.bucketIndex(4095)).isEqualTo(12);
        assertThat(SizeHistogram.bucketIndex(4096)).isEqualTo(13);
        assertThat(SizeHistogram.bucketIndex(8191)).isEqualTo(13);
        assertThat(SizeHistogram.bucketIndex(Long.MAX_VALUE)).isEqualTo(63);
        assertThat(SizeHistogram.lowerBoundBytes(13)).isEqualTo(4096);
        assertThat(SizeHistogram.upperBoundBytes(13)).isEqualTo(8192);
        assertThat(SizeHistogram.lowerBoundBytes(0)).isZero();
        assertThat(SizeHistogram.upperBoundBytes(0)).isEqualTo(1);
    }

    @Test
    void everySizeFallsInsideItsBucketBounds() {
        for (long b : new long[]{0, 1, 2, 3, 7, 8, 1023, 1024, 1025, 65536, 1L << 40, (1L << 62) + 5}) {
            int i = SizeHistogram.bucketIndex(b);
            assertThat(b).isGreaterThanOrEqualTo(SizeHistogram.lowerBoundBytes(i)).isLessThan(SizeHistogram.upperBoundBytes(i));
        }
    }

    @Test
    void rejectsNegativeSizes() {
        assertThatThrownBy(() -> SizeHistogram.bucketIndex(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("operation size must be >= 0 bytes, got -1");
    }

    @Test
    void listsBucketsUpToTheLargestSeenIncludingEmptyOnes() {
        SizeHistogram h = SizeHistogram.builder().record(OpKind.WRITE, 4096).record(OpKind.READ, 0).build();
        assertThat(h.buckets()).hasSize(14);
        assertThat(h.buckets().get(13)).isEqualTo(new SizeHistogram.Bucket(13, 0, 1, 0, 4096));
        assertThat(h.buckets().get(0)).isEqualTo(new SizeHistogram.Bucket(0, 1, 0, 0, 0));
        assertThat(h.buckets().get(5).totalOps()).isZero();
    }

    @Test
    void staysTheSameSizeWhateverTheNumberOfOperations() {
        SizeHistogram.Builder b = SizeHistogram.builder();
        for (int i = 0; i < 1_000_000; i++) {
            b.record(OpKind.WRITE, 4096);
        }
        SizeHistogram h = b.build();
        assertThat(h.buckets()).hasSize(14);
        assertThat(h.writeOps()).isEqualTo(1_000_000);
        assertThat(h.bytesWritten()).isEqualTo(4_096_000_000L);
    }

    @Test
    void mergesBucketByBucket() {
        SizeHistogram a = SizeHistogram.builder().record(OpKind.WRITE, 100).record(OpKind.READ, 5).build();
        SizeHistogram b = SizeHistogram.builder().record(OpKind.WRITE, 120).record(OpKind.READ, 1 << 20).build();
        SizeHistogram m = a.merge(b);
        assertThat(m.bucket(7)).isEqualTo(new SizeHistogram.Bucket(7, 0, 2, 0, 220));
        assertThat(m.bucket(3)).isEqualTo(new SizeHistogram.Bucket(3, 1, 0, 5, 0));
        assertThat(m.bucket(21).readOps()).isEqualTo(1);
        assertThat(m.totalOps()).isEqualTo(4);
        assertThat(a.merge(SizeHistogram.empty())).isEqualTo(a);
        assertThat(SizeHistogram.empty().isEmpty()).isTrue();
    }
}
