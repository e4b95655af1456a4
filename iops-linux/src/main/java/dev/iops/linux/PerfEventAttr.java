package dev.iops.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code struct perf_event_attr} of one tracepoint event, as bytes in the machine's order (from
 * {@code include/uapi/linux/perf_event.h}): type {@code PERF_TYPE_TRACEPOINT}, the tracepoint's id as config, a
 * sample for every hit ({@code sample_period} 1) carrying the thread ({@code pid}, {@code tid}), the time on
 * {@code CLOCK_MONOTONIC} (the clock of {@link System#nanoTime()}) and the tracepoint's raw record. Pure.
 */
final class PerfEventAttr {
    /** {@code PERF_ATTR_SIZE_VER5}: every field used here, known to kernels since 4.1. */
    static final int SIZE = 112;
    static final int PERF_TYPE_TRACEPOINT = 2;
    static final long SAMPLE_TID = 1L << 1;
    static final long SAMPLE_TIME = 1L << 2;
    static final long SAMPLE_RAW = 1L << 10;
    /** {@code PERF_FORMAT_GROUP | PERF_FORMAT_LOST} (Linux 6.0+): one read gives each event's samples and losses. */
    static final long READ_GROUP_LOST = (1L << 3) | (1L << 4);
    static final long FLAG_DISABLED = 1L;
    static final long FLAG_TASK = 1L << 13;
    static final long FLAG_WATERMARK = 1L << 14;
    static final long FLAG_SAMPLE_ID_ALL = 1L << 18;
    static final long FLAG_USE_CLOCKID = 1L << 25;
    static final int CLOCK_MONOTONIC = 1;
    static final int OFFSET_FLAGS = 40;
    static final int OFFSET_WAKEUP = 48;
    static final int OFFSET_CLOCKID = 92;

    private PerfEventAttr() {
    }

    /**
     * @param tracepointId   the id from tracefs ({@code events/<group>/<name>/id})
     * @param leader         true for a group's leader: opened disabled (the others follow it), wakes a reader
     *                       once {@code wakeupBytes} wait in its ring buffer, and records task creations
     * @param wakeupBytes    the leader's wake-up watermark in bytes; ignored for others
     * @param countLost      true to ask the kernel to count each event's lost samples ({@link #READ_GROUP_LOST})
     * @return the attribute bytes
     */
    static byte[] tracepoint(int tracepointId, boolean leader, int wakeupBytes, boolean countLost) {
        byte[] attr = tracepoint(tracepointId, leader, leader ? wakeupBytes : 0, 0, countLost);
        if (leader) {
            // task: the kernel writes a record of every task created on this CPU while the event is enabled,
            // before the task runs (how children started in the window are known), with no tracepoint of its own
            ByteBuffer b = ByteBuffer.wrap(attr).order(ByteOrder.nativeOrder());
            b.putLong(OFFSET_FLAGS, b.getLong(OFFSET_FLAGS) | FLAG_TASK | FLAG_SAMPLE_ID_ALL);
        }
        return attr;
    }

    /**
     * @param tracepointId the id from tracefs
     * @param disabled     opened disabled (a group's leader; the others follow it)
     * @param wakeupBytes  wake a reader once this many bytes wait in the buffer; 0 for none
     * @param wakeupEvents wake a reader after this many records (when {@code wakeupBytes} is 0); 0 for none
     * @param countLost    true to ask the kernel to count each event's lost samples
     * @return the attribute bytes
     */
    static byte[] tracepoint(int tracepointId, boolean disabled, int wakeupBytes, int wakeupEvents,
                             boolean countLost) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.nativeOrder());
        b.putInt(0, PERF_TYPE_TRACEPOINT);
        b.putInt(4, SIZE);
        b.putLong(8, tracepointId);
        b.putLong(16, 1); // sample_period: every hit
        b.putLong(24, SAMPLE_TID | SAMPLE_TIME | SAMPLE_RAW);
        b.putLong(32, countLost ? READ_GROUP_LOST : 0);
        long flags = FLAG_USE_CLOCKID;
        if (disabled) {
            flags |= FLAG_DISABLED;
        }
        if (wakeupBytes > 0) {
            flags |= FLAG_WATERMARK;
            b.putInt(OFFSET_WAKEUP, wakeupBytes);
        } else if (wakeupEvents > 0) {
            b.putInt(OFFSET_WAKEUP, wakeupEvents);
        }
        b.putLong(OFFSET_FLAGS, flags);
        b.putInt(OFFSET_CLOCKID, CLOCK_MONOTONIC);
        return b.array();
    }
}
