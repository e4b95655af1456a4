package dev.iops.linux;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pure parts of the in-process reader on recorded kernel text (Linux 6.18's tracefs) and on hand-laid ring
 * buffers: tracepoint ids and field offsets, the online-CPU list, the attribute bytes, records that wrap around the
 * end of a buffer, and lost records.
 */
class TracepointFormatsTest {
    @Test
    void idsAreWholePositiveNumbers() throws IOException {
        assertThat(TracepointIds.parseId("443\n")).isEqualTo(443);
        assertThatThrownBy(() -> TracepointIds.parseId("")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TracepointIds.parseId("-1")).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> TracepointIds.parseId("0x1bb")).isInstanceOf(IOException.class);
    }

    @Test
    void onlineCpusAreRangesAndSingles() {
        assertThat(TracepointProfiler.parseCpus("0-1\n")).containsExactly(0, 1);
        assertThat(TracepointProfiler.parseCpus("0,2-4,7")).containsExactly(0, 2, 3, 4, 7);
        assertThatThrownBy(() -> TracepointProfiler.parseCpus("3-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TracepointProfiler.parseCpus("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void permissionIsRootOrPerfmonOrSysAdminOrAnOpenParanoidLevel() {
        String root = "Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n";
        String user = "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000000000\n";
        String perfmon = "Uid:\t1000\t1000\t1000\t1000\nCapEff:\t0000004000000000\n"; // bit 38
        assertThat(TracepointProfiler.permissionProblem(root, "2")).isNull();
        assertThat(TracepointProfiler.permissionProblem(perfmon, "2")).isNull();
        assertThat(TracepointProfiler.permissionProblem(user, "-1")).isNull();
        assertThat(TracepointProfiler.permissionProblem(user, "2\n")).contains("uid 1000")
                .contains("CAP_PERFMON").contains("perf_event_paranoid is 2");
        assertThat(TracepointProfiler.hasCapability(perfmon, 38)).isTrue();
        assertThat(TracepointProfiler.hasCapability(perfmon, 21)).isFalse();
    }

    @Test
    void attributesAskForTidTimeAndRawOnMonotonicTime() {
        ByteBuffer b = ByteBuffer.wrap(PerfEventAttr.tracepoint(442, true, 4096, true)).order(ByteOrder.nativeOrder());
        assertThat(b.getInt(0)).isEqualTo(2); // PERF_TYPE_TRACEPOINT
        assertThat(b.getInt(4)).isEqualTo(112);
        assertThat(b.getLong(8)).isEqualTo(442);
        assertThat(b.getLong(16)).isEqualTo(1);
        assertThat(b.getLong(24)).isEqualTo((1 << 1) | (1 << 2) | (1 << 10));
        assertThat(b.getLong(32)).isEqualTo((1 << 3) | (1 << 4)); // group read with lost counts
        // disabled, task records, watermark, sample_id_all, use_clockid
        assertThat(b.getLong(40)).isEqualTo(1L | (1L << 13) | (1L << 14) | (1L << 18) | (1L << 25));
        assertThat(b.getInt(48)).isEqualTo(4096);
        assertThat(b.getInt(92)).isEqualTo(1); // CLOCK_MONOTONIC
        ByteBuffer f = ByteBuffer.wrap(PerfEventAttr.tracepoint(781, false, 0, 1, false)).order(ByteOrder.nativeOrder());
        assertThat(f.getLong(40)).isEqualTo(1L << 25); // enabled with its leader, no watermark
        assertThat(f.getInt(48)).isEqualTo(1); // wakes at each record
        assertThat(f.getLong(32)).isZero();
    }

    /** A mapping: one metadata page and a data area of {@code dataBytes}, head and tail at {@code start}. */
    private static ByteBuffer mapping(int dataBytes, long start) {
        ByteBuffer m = ByteBuffer.allocateDirect(4096 + dataBytes).order(ByteOrder.nativeOrder());
        m.putLong(RingBuffer.DATA_OFFSET, 4096);
        m.putLong(RingBuffer.DATA_SIZE, dataBytes);
        m.putLong(RingBuffer.HEAD, start);
        m.putLong(RingBuffer.TAIL, start);
        return m;
    }

    /** Writes one sample record at position {@code pos} (wrapping) and returns the next position. */
    private static long sample(ByteBuffer m, int dataBytes, long pos, int pid, int tid, long time, long value) {
        ByteBuffer r = ByteBuffer.allocate(48).order(ByteOrder.nativeOrder());
        r.putInt(0, RingBuffer.RECORD_SAMPLE);
        r.putShort(6, (short) 48);
        r.putInt(8, pid);
        r.putInt(12, tid);
        r.putLong(16, time);
        r.putInt(24, 20); // raw size
        r.putShort(28, (short) 442); // common_type
        r.putLong(36, value);
        for (int i = 0; i < 48; i++) {
            m.put(4096 + (int) ((pos + i) % dataBytes), r.get(i));
        }
        return pos + 48;
    }

    @Test
    void aRecordThatWrapsAroundTheEndIsReadWholeAndTheSpaceIsGivenBack() {
        int size = 256;
        long start = 200; // the second record starts at 248: it wraps after 8 bytes
        ByteBuffer m = mapping(size, start);
        long p = sample(m, size, start, 10, 11, 1_000, 7);
        p = sample(m, size, p, 10, 12, 2_000, 8);
        m.putLong(RingBuffer.HEAD, p);
        RingBuffer ring = new RingBuffer(m, 4096);
        java.util.List<long[]> got = new java.util.ArrayList<>();
        long read = ring.drain(new RingBuffer.Records() {
            @Override
            public void sample(int pid, int tid, long nanos, ByteBuffer buf, int raw, int size) {
                got.add(new long[]{pid, tid, nanos, Short.toUnsignedInt(buf.getShort(raw)), buf.getLong(raw + 8)});
            }

            @Override
            public void lost(long records) {
                got.add(new long[]{-1, records});
            }
        });
        assertThat(read).isEqualTo(96);
        assertThat(got).containsExactly(new long[]{10, 11, 1_000, 442, 7}, new long[]{10, 12, 2_000, 442, 8});
        assertThat(m.getLong(RingBuffer.TAIL)).isEqualTo(p);
    }

    @Test
    void aLostRecordSaysHowMany() {
        ByteBuffer m = mapping(256, 0);
        m.putInt(4096, RingBuffer.RECORD_LOST);
        m.putShort(4096 + 6, (short) 24);
        m.putLong(4096 + 16, 5);
        m.putLong(RingBuffer.HEAD, 24);
        long[] lost = {0};
        new RingBuffer(m, 4096).drain(new RingBuffer.Records() {
            @Override
            public void sample(int pid, int tid, long nanos, ByteBuffer buf, int raw, int size) {
                throw new AssertionError("no sample here");
            }

            @Override
            public void lost(long records) {
                lost[0] += records;
            }
        });
        assertThat(lost[0]).isEqualTo(5);
    }

    @Test
    void aTaskCreationRecordNamesTheChildAndItsParent() {
        // PERF_RECORD_FORK: header, u32 pid, ppid, tid, ptid, u64 time, then the sample_id trailer (tid, time)
        ByteBuffer m = mapping(256, 0);
        m.putInt(4096, RingBuffer.RECORD_FORK);
        m.putShort(4096 + 6, (short) 48);
        m.putInt(4096 + 8, 7001).putInt(4096 + 12, 500).putInt(4096 + 16, 7002).putInt(4096 + 20, 501);
        m.putLong(4096 + 24, 123_456_789L);
        m.putInt(4096 + 32, 500).putInt(4096 + 36, 501).putLong(4096 + 40, 123_456_789L);
        m.putLong(RingBuffer.HEAD, 48);
        java.util.List<long[]> got = new java.util.ArrayList<>();
        new RingBuffer(m, 4096).drain(new RingBuffer.Records() {
            @Override
            public void sample(int pid, int tid, long nanos, ByteBuffer buf, int raw, int size) {
                throw new AssertionError("no sample here");
            }

            @Override
            public void lost(long records) {
                throw new AssertionError("no loss here");
            }

            @Override
            public void fork(int pid, int ppid, int tid, long nanos) {
                got.add(new long[]{pid, ppid, tid, nanos});
            }
        });
        assertThat(got).containsExactly(new long[]{7001, 500, 7002, 123_456_789L});
    }

    @Test
    void theLeaderAlsoAsksForTaskRecordsWithTheirTimes() {
        ByteBuffer leader = ByteBuffer.wrap(PerfEventAttr.tracepoint(3, true, 4096, true))
                .order(ByteOrder.nativeOrder());
        ByteBuffer other = ByteBuffer.wrap(PerfEventAttr.tracepoint(4, false, 0, true))
                .order(ByteOrder.nativeOrder());
        long flags = leader.getLong(PerfEventAttr.OFFSET_FLAGS);
        assertThat(flags & PerfEventAttr.FLAG_TASK).isNotZero();
        assertThat(flags & PerfEventAttr.FLAG_SAMPLE_ID_ALL).isNotZero();
        assertThat(other.getLong(PerfEventAttr.OFFSET_FLAGS) & PerfEventAttr.FLAG_TASK).isZero();
    }
}
