package dev.iops.linux;

import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads the {@code raw_syscalls} samples of a {@code perf.data} file written by the provider's own
 * {@code perf record} command, in time order, without running {@code perf script} (which costs a process start
 * and a text round trip per session; measured in {@code StraceBenchmark}).
 *
 * <p>The format, from perf's {@code perf.data-file-format.txt} and {@code linux/perf_event.h}: a header
 * ({@code PERFILE2}, the attribute and data sections), one {@code perf_event_attr} per event (the command's
 * order: {@code sys_enter}, then {@code sys_exit}) with the ids of its samples, then records. Samples carry the fields their attribute's
 * {@code sample_type} names, in the kernel's fixed order, ending with the tracepoint's raw data: {@code long id}
 * at offset 8, then {@code args[6]} ({@code sys_enter}) or {@code long ret} ({@code sys_exit}) at offset 16. perf
 * writes each CPU's buffer in turn, so records are only ordered between {@code FINISHED_ROUND} markers: events are
 * sorted by time and released a round late, as {@code perf script} does. {@code LOST} and {@code LOST_SAMPLES}
 * records count what the kernel dropped.
 *
 * <p>Reads through a 1 MiB buffer, booked as the library's own I/O. Memory: the events of two rounds.
 * Not thread-safe; one use per instance.
 */
final class PerfData {
    /** Receives the events in time order. */
    interface Events {
        /**
         * A {@code sys_enter}.
         *
         * @param pid   process id
         * @param tid   thread id
         * @param nanos time of the event
         * @param nr    system call number
         * @param a0    first argument
         * @param a1    second argument
         * @param a2    third argument
         */
        void enter(long pid, long tid, long nanos, long nr, long a0, long a1, long a2);

        /**
         * A {@code sys_exit}.
         *
         * @param pid   process id
         * @param tid   thread id
         * @param nanos time of the event
         * @param nr    system call number
         * @param ret   signed return value
         */
        void exit(long pid, long tid, long nanos, long nr, long ret);
    }

    /** What a read found besides the events. */
    record Summary(long samples, long lost, long skipped) {
    }

    private static final long MAGIC = 0x32454c4946524550L; // "PERFILE2" read little-endian
    private static final int HEADER_BYTES = 104;
    private static final int PERF_TYPE_TRACEPOINT = 2;
    private static final int RECORD_LOST = 2;
    private static final int RECORD_SAMPLE = 9;
    private static final int RECORD_LOST_SAMPLES = 13;
    private static final int RECORD_FINISHED_ROUND = 68;
    private static final long SAMPLE_IP = 1;
    private static final long SAMPLE_TID = 1 << 1;
    private static final long SAMPLE_TIME = 1 << 2;
    private static final long SAMPLE_ADDR = 1 << 3;
    private static final long SAMPLE_READ = 1 << 4;
    private static final long SAMPLE_CALLCHAIN = 1 << 5;
    private static final long SAMPLE_ID = 1 << 6;
    private static final long SAMPLE_CPU = 1 << 7;
    private static final long SAMPLE_PERIOD = 1 << 8;
    private static final long SAMPLE_STREAM_ID = 1 << 9;
    private static final long SAMPLE_RAW = 1 << 10;
    private static final long SAMPLE_IDENTIFIER = 1 << 16;
    private static final int BUFFER = 1 << 20;

    /** One event waiting for its round to be released. */
    private static final class Event {
        final long time;
        final long pid;
        final long tid;
        final boolean enter;
        final long nr;
        final long a0;
        final long a1;
        final long a2;

        Event(long time, long pid, long tid, boolean enter, long nr, long a0, long a1, long a2) {
            this.time = time;
            this.pid = pid;
            this.tid = tid;
            this.enter = enter;
            this.nr = nr;
            this.a0 = a0;
            this.a1 = a1;
            this.a2 = a2;
        }
    }

    private final Events sink;
    private final List<Event> queued = new ArrayList<>();
    private long[] sampleTypes;
    private long[][] ids;
    private long nextFlush = Long.MIN_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private long samples;
    private long lost;
    private long skipped;

    private PerfData(Events sink) {
        this.sink = sink;
    }

    /**
     * Reads a whole file.
     *
     * @param file the perf.data file, open for reading
     * @param sink receives the events, in time order
     * @return counts of samples, lost events and records skipped
     * @throws IOException if the file cannot be read or is not a perf.data file of this layout
     */
    static Summary read(FileChannel file, Events sink) throws IOException {
        PerfData d = new PerfData(sink);
        d.readAll(file);
        return new Summary(d.samples, d.lost, d.skipped);
    }

    /** What a read of a growing file found, and where the next read starts. */
    record Slice(Summary summary, long end) {
    }

    /**
     * Reads the records a running {@code perf record} has written since an earlier read: from {@code from} (or the
     * start of the data section) to the last whole record in the file now. perf writes the header's data size only
     * when it ends, so the file's size says where the data ends.
     *
     * @param file the perf.data file perf is writing, open for reading
     * @param from where the previous slice ended, or 0 for the first
     * @param sink receives the slice's events, in time order
     * @return counts of the slice, and where the next slice starts
     * @throws IOException if the file cannot be read or is not a perf.data file of this layout
     */
    static Slice readFrom(FileChannel file, long from, Events sink) throws IOException {
        PerfData d = new PerfData(sink);
        long start = Math.max(from, d.readHeader(file).offset());
        long end = d.readData(file, start, Math.max(0, file.size() - start));
        d.flush(Long.MAX_VALUE);
        return new Slice(new Summary(d.samples, d.lost, d.skipped), end);
    }

    private void readAll(FileChannel file) throws IOException {
        DataSection data = readHeader(file);
        readData(file, data.offset(), data.size());
        flush(Long.MAX_VALUE);
    }

    /** Where the records are; the size is the header's, which perf writes only when it ends (0 before). */
    private record DataSection(long offset, long size) {
    }

    /** Reads the header and the attributes; returns where the data section is. */
    private DataSection readHeader(FileChannel file) throws IOException {
        ByteBuffer h = readAt(file, 0, HEADER_BYTES);
        if (h.getLong(0) != MAGIC) {
            throw new IOException("not a little-endian perf.data file (magic " + Long.toHexString(h.getLong(0)) + ")");
        }
        long attrSize = h.getLong(16);
        long attrsOffset = h.getLong(24);
        long attrsSize = h.getLong(32);
        long dataOffset = h.getLong(40);
        long dataSize = h.getLong(48);
        if (attrSize < 64 + 16 || attrsSize % attrSize != 0) {
            throw new IOException("perf.data attribute section of unexpected size " + attrsSize + "/" + attrSize);
        }
        int count = (int) (attrsSize / attrSize);
        ByteBuffer attrs = readAt(file, attrsOffset, (int) attrsSize);
        sampleTypes = new long[count];
        ids = new long[count][];
        for (int i = 0; i < count; i++) {
            int at = (int) (i * attrSize);
            if (i < 2 && attrs.getInt(at) != PERF_TYPE_TRACEPOINT) {
                throw new IOException("perf.data event " + i + " is not a tracepoint; expected raw_syscalls:sys_enter "
                        + "and raw_syscalls:sys_exit as the first two events");
            }
            sampleTypes[i] = attrs.getLong(at + 24);
            long idsOffset = attrs.getLong((int) (at + attrSize - 16));
            long idsSize = attrs.getLong((int) (at + attrSize - 8));
            ByteBuffer idList = readAt(file, idsOffset, (int) idsSize);
            ids[i] = new long[(int) (idsSize / 8)];
            for (int k = 0; k < ids[i].length; k++) {
                ids[i][k] = idList.getLong(k * 8);
            }
        }
        if (count < 2) {
            throw new IOException("perf.data has " + count + " event(s); expected sys_enter and sys_exit");
        }
        return new DataSection(dataOffset, dataSize);
    }

    /** Reads the records in {@code [offset, offset + size)}; returns the offset after the last whole record. */
    private long readData(FileChannel file, long offset, long size) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(BUFFER).order(ByteOrder.LITTLE_ENDIAN);
        buf.flip();
        long position = offset;
        long end = offset + size;
        while (true) {
            if (buf.remaining() < 8 || buf.remaining() < (buf.getShort(buf.position() + 6) & 0xffff)) {
                if (position >= end) {
                    return position - buf.remaining(); // a partial record left is one perf is still writing
                }
                buf.compact();
                buf.limit((int) Math.min(buf.capacity(), buf.position() + (end - position)));
                int n = file.read(buf, position);
                SelfIo.count(1, Math.max(0, n), 0, 0);
                if (n <= 0) {
                    throw new IOException("perf.data ends inside its data section");
                }
                position += n;
                buf.flip();
                continue;
            }
            int start = buf.position();
            int type = buf.getInt(start);
            int recordSize = buf.getShort(start + 6) & 0xffff;
            if (recordSize < 8) {
                throw new IOException("perf.data record of size " + recordSize + " at " + (position - buf.remaining()));
            }
            switch (type) {
                case RECORD_SAMPLE -> sample(buf, start + 8, start + recordSize);
                case RECORD_LOST -> lost += buf.getLong(start + 16);
                case RECORD_LOST_SAMPLES -> lost += buf.getLong(start + 8);
                case RECORD_FINISHED_ROUND -> {
                    flush(nextFlush);
                    nextFlush = maxTime;
                }
                default -> {
                    // mmap, comm, fork, exit, thread and cpu maps: nothing to count
                }
            }
            buf.position(start + recordSize);
        }
    }

    private void sample(ByteBuffer b, int at, int end) {
        // perf gives every event the same id position: first (IDENTIFIER) or after IP, TID, TIME and ADDR (ID)
        long first = sampleTypes[0];
        int idAt;
        if ((first & SAMPLE_IDENTIFIER) != 0) {
            idAt = at;
        } else if ((first & SAMPLE_ID) != 0) {
            idAt = at + 8 * (Long.bitCount(first & (SAMPLE_IP | SAMPLE_TID | SAMPLE_TIME | SAMPLE_ADDR)));
        } else {
            skipped++;
            return;
        }
        int attr = attrOf(b.getLong(idAt));
        if (attr < 0) {
            skipped++;
            return;
        }
        long type = sampleTypes[attr];
        if ((type & (SAMPLE_TID | SAMPLE_TIME | SAMPLE_RAW)) != (SAMPLE_TID | SAMPLE_TIME | SAMPLE_RAW)
                || (type & SAMPLE_READ) != 0 || attr > 1) {
            skipped++;
            return;
        }
        int p = at;
        p += (type & SAMPLE_IDENTIFIER) != 0 ? 8 : 0;
        p += (type & SAMPLE_IP) != 0 ? 8 : 0;
        long pid = b.getInt(p) & 0xffffffffL;
        long tid = b.getInt(p + 4) & 0xffffffffL;
        p += 8;
        long time = b.getLong(p);
        p += 8;
        p += (type & SAMPLE_ADDR) != 0 ? 8 : 0;
        p += (type & SAMPLE_ID) != 0 ? 8 : 0;
        p += (type & SAMPLE_STREAM_ID) != 0 ? 8 : 0;
        p += (type & SAMPLE_CPU) != 0 ? 8 : 0;
        p += (type & SAMPLE_PERIOD) != 0 ? 8 : 0;
        if ((type & SAMPLE_CALLCHAIN) != 0) {
            p += 8 + 8 * (int) b.getLong(p);
        }
        int rawSize = b.getInt(p);
        int raw = p + 4;
        boolean enter = attr == 0;
        if (raw + rawSize > end || rawSize < (enter ? 64 : 24)) {
            skipped++;
            return;
        }
        samples++;
        long nr = b.getLong(raw + 8);
        Event e = enter
                ? new Event(time, pid, tid, true, nr, b.getLong(raw + 16), b.getLong(raw + 24), b.getLong(raw + 32))
                : new Event(time, pid, tid, false, nr, b.getLong(raw + 16), 0, 0);
        queued.add(e);
        maxTime = Math.max(maxTime, time);
    }

    private int attrOf(long id) {
        for (int i = 0; i < ids.length; i++) {
            for (long known : ids[i]) {
                if (known == id) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Gives every queued event up to {@code limit}, in time order (stable: file order among equal times). */
    private void flush(long limit) {
        if (queued.isEmpty() || limit == Long.MIN_VALUE) {
            return;
        }
        queued.sort(Comparator.comparingLong(e -> e.time));
        int n = 0;
        while (n < queued.size() && queued.get(n).time <= limit) {
            Event e = queued.get(n++);
            if (e.enter) {
                sink.enter(e.pid, e.tid, e.time, e.nr, e.a0, e.a1, e.a2);
            } else {
                sink.exit(e.pid, e.tid, e.time, e.nr, e.a0);
            }
        }
        queued.subList(0, n).clear();
    }

    private static ByteBuffer readAt(FileChannel file, long offset, int size) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            int n = file.read(b, offset + b.position());
            SelfIo.count(1, Math.max(0, n), 0, 0);
            if (n < 0) {
                throw new IOException("perf.data ends at " + (offset + b.position()) + ", inside its header");
            }
        }
        return b.flip().order(ByteOrder.LITTLE_ENDIAN);
    }
}
