package dev.iops.linux;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds small perf.data files to the layout of perf's {@code perf.data-file-format.txt}: the header, the sample
 * ids, one {@code perf_file_attr} per event (a 128 B {@code perf_event_attr} and its ids section), the records
 * and, for a file {@code perf record} finished, the feature section table with {@code EVENT_DESC} (the events'
 * names). A file whose {@code perf record} was killed has a data size of 0 and no feature sections.
 * Samples carry {@code IDENTIFIER | TID | TIME | RAW}, the raw data of {@code raw_syscalls} as the kernel writes it.
 */
final class PerfDataBuilder {
    static final int ATTR_SIZE = 128;
    static final long SAMPLE_TYPE = (1 << 16) | (1 << 1) | (1 << 2) | (1 << 10); // IDENTIFIER|TID|TIME|RAW
    static final String ENTER = "raw_syscalls:sys_enter";
    static final String EXIT = "raw_syscalls:sys_exit";

    private final List<String> names = new ArrayList<>();
    private final List<Long> ids = new ArrayList<>();
    private final ByteArrayOutputStream records = new ByteArrayOutputStream();
    private boolean finished = true;

    /** Adds an event (a tracepoint) with one sample id, in perf record's {@code -e} order. */
    PerfDataBuilder event(String name, long id) {
        names.add(name);
        ids.add(id);
        return this;
    }

    /** The file of a killed perf record: data size 0, no feature sections. */
    PerfDataBuilder killed() {
        finished = false;
        return this;
    }

    PerfDataBuilder record(byte[] r) {
        records.writeBytes(r);
        return this;
    }

    /** A sys_enter sample of event {@code id}: system call {@code nr} on descriptor {@code fd}. */
    PerfDataBuilder enter(long id, int tid, long time, long nr, long fd) {
        return record(sample(id, tid, time, 64, nr, fd));
    }

    /** A sys_exit sample of event {@code id}: system call {@code nr} returned {@code ret}. */
    PerfDataBuilder exit(long id, int tid, long time, long nr, long ret) {
        return record(sample(id, tid, time, 24, nr, ret));
    }

    /** One write(fd, ..., bytes) = bytes, as an enter and an exit sample. */
    PerfDataBuilder write(long enterId, long exitId, int tid, long time, long fd, long bytes) {
        return enter(enterId, tid, time, 1, fd).exit(exitId, tid, time + 100, 1, bytes);
    }

    /** PERF_RECORD_FINISHED_ROUND. */
    PerfDataBuilder round() {
        return record(header(68, 8).array());
    }

    static byte[] sample(long id, int tid, long time, int raw, long nr, long first) {
        int size = (8 + 8 + 8 + 8 + 4 + raw + 7) / 8 * 8;
        ByteBuffer b = header(9, size); // PERF_RECORD_SAMPLE
        b.putLong(id).putInt(tid).putInt(tid).putLong(time).putInt(raw);
        int r = b.position();
        b.putShort(r, (short) 1); // common_type: the tracepoint's id
        b.putLong(r + 8, nr).putLong(r + 16, first);
        return b.array();
    }

    static ByteBuffer header(int type, int size) {
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putShort((short) 0).putShort((short) size);
        return b;
    }

    /** Offsets of the parts of the file {@link #build()} makes. */
    record Layout(int idsAt, int attrsAt, int dataAt, int dataSize, int featuresAt) {
    }

    Layout layout() {
        int n = names.size();
        int idsAt = 104;
        int attrsAt = idsAt + 8 * n;
        int dataAt = attrsAt + n * (ATTR_SIZE + 16);
        int dataSize = records.size();
        return new Layout(idsAt, attrsAt, dataAt, dataSize, dataAt + dataSize);
    }

    byte[] build() {
        int n = names.size();
        Layout l = layout();
        ByteArrayOutputStream desc = new ByteArrayOutputStream();
        ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(n).putInt(ATTR_SIZE);
        desc.writeBytes(head.array());
        for (int i = 0; i < n; i++) {
            desc.writeBytes(attr().array());
            byte[] name = names.get(i).getBytes(StandardCharsets.US_ASCII);
            int length = (name.length + 1 + 63) / 64 * 64; // NUL-terminated, padded to 64 as perf does
            ByteBuffer e = ByteBuffer.allocate(8 + length + 8).order(ByteOrder.LITTLE_ENDIAN);
            e.putInt(1).putInt(length).put(name).position(8 + length);
            e.putLong(ids.get(i));
            desc.writeBytes(e.array());
        }
        int tableAt = l.featuresAt();
        int descAt = tableAt + 16;
        int total = finished ? descAt + desc.size() : l.featuresAt();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put("PERFILE2".getBytes(StandardCharsets.US_ASCII));
        b.putLong(104).putLong(ATTR_SIZE + 16).putLong(l.attrsAt()).putLong((long) n * (ATTR_SIZE + 16))
                .putLong(l.dataAt()).putLong(finished ? l.dataSize() : 0);
        if (finished) {
            b.put(72 + 1, (byte) (1 << 4)); // adds_features: bit 12, EVENT_DESC
        }
        for (int i = 0; i < n; i++) {
            b.putLong(l.idsAt() + 8 * i, ids.get(i));
            int at = l.attrsAt() + i * (ATTR_SIZE + 16);
            b.put(at, attr().array());
            b.putLong(at + ATTR_SIZE, l.idsAt() + 8L * i).putLong(at + ATTR_SIZE + 8, 8);
        }
        b.put(l.dataAt(), records.toByteArray());
        if (finished) {
            b.putLong(tableAt, descAt).putLong(tableAt + 8, desc.size());
            b.put(descAt, desc.toByteArray());
        }
        return b.array();
    }

    private static ByteBuffer attr() {
        ByteBuffer a = ByteBuffer.allocate(ATTR_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        a.putInt(0, 2).putInt(4, ATTR_SIZE).putLong(24, SAMPLE_TYPE); // PERF_TYPE_TRACEPOINT
        return a;
    }
}
