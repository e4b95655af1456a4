package dev.iops.linux;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Reads one perf ring buffer: the mapping of an event's descriptor, a metadata page ({@code struct
 * perf_event_mmap_page}) followed by a power-of-two data area that the kernel fills with records. The kernel
 * advances {@code data_head} after writing; the reader reads up to it (an acquire read, so the records' bytes are
 * seen) and then hands the space back by writing {@code data_tail} (a release write, so the kernel does not
 * overwrite what is still being read). A record that wraps around the end of the area is copied whole first.
 *
 * <p>Records of samples with {@code PERF_SAMPLE_TID | PERF_SAMPLE_TIME | PERF_SAMPLE_RAW} (the only kind opened
 * here) are {@code header, u32 pid, u32 tid, u64 time, u32 size, raw[size]}; {@code PERF_RECORD_LOST} is
 * {@code header, u64 id, u64 lost}; {@code PERF_RECORD_FORK} is {@code header, u32 pid, ppid, tid, ptid, u64 time}.
 * Other record types are skipped by their size.
 *
 * <p>Works on any direct {@link ByteBuffer} laid out like the mapping, so it is tested without the kernel.
 * Not thread-safe: one reader at a time.
 */
final class RingBuffer {
    /** What the records hold. */
    interface Records {
        /**
         * One sample. The raw bytes are valid only during the call.
         *
         * @param pid    process id (thread group)
         * @param tid    thread id
         * @param nanos  time on the event's clock
         * @param buf    holds the raw record
         * @param raw    where the raw record starts in {@code buf}
         * @param size   its length in bytes
         */
        void sample(int pid, int tid, long nanos, ByteBuffer buf, int raw, int size);

        /**
         * The kernel could not write records: its buffer was full.
         *
         * @param records how many were dropped
         */
        void lost(long records);

        /**
         * A task was created ({@code PERF_RECORD_FORK}, written by an event opened with {@code task} set, before the
         * new task can run). Ids as the event's pid namespace sees them.
         *
         * @param pid   the new task's process
         * @param ppid  its parent's process
         * @param tid   the new task
         * @param nanos when, on the event's clock
         */
        default void fork(int pid, int ppid, int tid, long nanos) {
        }
    }

    static final int RECORD_LOST = 2;
    static final int RECORD_FORK = 7;
    static final int RECORD_SAMPLE = 9;
    static final int HEAD = 1024;
    static final int TAIL = 1032;
    static final int DATA_OFFSET = 1040;
    static final int DATA_SIZE = 1048;
    private static final VarHandle LONGS = MethodHandles.byteBufferViewVarHandle(long[].class,
            ByteOrder.nativeOrder());

    private final ByteBuffer map;
    private final int dataOffset;
    private final int dataSize;
    private final ByteBuffer scratch;
    private long tail;

    /**
     * @param map      the whole mapping, native order
     * @param pageSize the page size: where the data starts when the metadata does not say (kernels before 4.1)
     */
    RingBuffer(ByteBuffer map, int pageSize) {
        this.map = map.order(ByteOrder.nativeOrder());
        long offset = map.getLong(DATA_OFFSET);
        long size = map.getLong(DATA_SIZE);
        this.dataOffset = offset == 0 ? pageSize : (int) offset;
        this.dataSize = size == 0 ? map.capacity() - pageSize : (int) size;
        if (Integer.bitCount(dataSize) != 1 || dataOffset + dataSize > map.capacity()) {
            throw new IllegalArgumentException("not a ring buffer mapping: data " + dataSize + " B at " + dataOffset
                    + " in " + map.capacity() + " B");
        }
        this.scratch = ByteBuffer.allocate(1 << 16).order(ByteOrder.nativeOrder());
        this.tail = (long) LONGS.getAcquire(map, TAIL);
    }

    /** @return bytes of the data area */
    int capacity() {
        return dataSize;
    }

    /**
     * Reads every record written so far and gives the space back.
     *
     * @param to receives them, in the order they were written
     * @return bytes read
     */
    long drain(Records to) {
        long head = (long) LONGS.getAcquire(map, HEAD);
        long start = tail;
        long p = tail;
        int mask = dataSize - 1;
        while (p < head) {
            int at = (int) (p & mask);
            int size = Short.toUnsignedInt(map.getShort(dataOffset + at + 6));
            if (size < 8 || p + size > head) {
                break; // a torn header cannot happen with a well-behaved kernel; stop rather than read garbage
            }
            ByteBuffer buf;
            int base;
            if (at + size <= dataSize) {
                buf = map;
                base = dataOffset + at;
            } else {
                int first = dataSize - at;
                for (int i = 0; i < first; i++) {
                    scratch.put(i, map.get(dataOffset + at + i));
                }
                for (int i = first; i < size; i++) {
                    scratch.put(i, map.get(dataOffset + i - first));
                }
                buf = scratch;
                base = 0;
            }
            int type = buf.getInt(base);
            if (type == RECORD_SAMPLE && size >= 28) {
                int rawSize = buf.getInt(base + 24);
                if (28 + rawSize <= size) {
                    to.sample(buf.getInt(base + 8), buf.getInt(base + 12), buf.getLong(base + 16), buf, base + 28,
                            rawSize);
                }
            } else if (type == RECORD_LOST && size >= 24) {
                to.lost(buf.getLong(base + 16));
            } else if (type == RECORD_FORK && size >= 32) {
                to.fork(buf.getInt(base + 8), buf.getInt(base + 12), buf.getInt(base + 16), buf.getLong(base + 24));
            }
            p += size;
        }
        tail = p;
        LONGS.setRelease(map, TAIL, p);
        return p - start;
    }
}
