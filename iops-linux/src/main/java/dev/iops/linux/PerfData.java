package dev.iops.linux;

import dev.iops.Units;
import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the {@code raw_syscalls} samples of a {@code perf.data} file written by the provider's own
 * {@code perf record} command, in time order, without running {@code perf script} (which costs a process start
 * and a text round trip per session; measured in {@code StraceBenchmark}).
 *
 * <p>The format, from perf's {@code perf.data-file-format.txt} and {@code linux/perf_event.h}: a header
 * ({@code PERFILE2}, the attribute and data sections), one {@code perf_event_attr} per event (the command's
 * order: the provider's is {@code sys_enter}, then {@code sys_exit}) with the ids of its samples, then records, then
 * feature sections (the events' names among them). Samples carry the fields their attribute's
 * {@code sample_type} names, in the kernel's fixed order, ending with the tracepoint's raw data: {@code long id}
 * at offset 8, then {@code args[6]} ({@code sys_enter}) or {@code long ret} ({@code sys_exit}) at offset 16. perf
 * writes each CPU's buffer in turn, so records are only ordered between {@code FINISHED_ROUND} markers: events are
 * sorted by time and released a round late, as {@code perf script} does. {@code LOST} and {@code LOST_SAMPLES}
 * records count what the kernel dropped.
 *
 * <p>Reads through a 1 MiB buffer, booked as the library's own I/O. Memory: the events of two rounds.
 * Not thread-safe; one use per instance.
 *
 * <p>A file recorded elsewhere ({@link #readOffline}) is never read silently wrong: every size in its header is
 * checked against the file before anything is allocated (memory stays bounded whatever the header claims); the two
 * events are found by their names ({@code EVENT_DESC}), in any order, or in a file perf did not finish (no names,
 * data size 0) by their sizes; the records are read up to the file's size when the reading began; a damaged record
 * ends the reading, and at most {@link #MAX_QUEUED} events wait for their round. Notes say what was skipped.
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

    /**
     * The file is not a perf.data file this reader can read: its header is damaged or of another kind. The message
     * says what is wrong, {@link #advice()} what to do; neither quotes the file's bytes.
     */
    static final class DamagedException extends IOException {
        private static final long serialVersionUID = 1L;
        private final String advice;

        DamagedException(String message, String advice) {
            super(message);
            this.advice = advice;
        }

        /** @return what to do about it, one sentence */
        String advice() {
            return advice;
        }
    }

    /** The most events queued before the oldest half is released, in a file recorded elsewhere. */
    static final int MAX_QUEUED = 1 << 17;
    private static final String RECORD_AGAIN = "Record it again, or check that it was copied whole";
    private static final String RECORD_WITH_SYSCALLS = "Record with perf record -e raw_syscalls:sys_enter -e "
            + "raw_syscalls:sys_exit";
    private static final String ENTER_NAME = "raw_syscalls:sys_enter";
    private static final String EXIT_NAME = "raw_syscalls:sys_exit";
    private static final int OLD_HEADER_BYTES = 72; // perf.data files from before feature sections
    private static final int FEATURES_AT = 72;
    private static final int FEATURE_EVENT_DESC = 12;
    private static final int MIN_ATTR_SIZE = 64 + 16; // PERF_ATTR_SIZE_VER0 and the ids section
    private static final int MAX_ATTR_SIZE = 4096;
    private static final int MAX_ATTRS_BYTES = 1 << 20;
    private static final int MAX_IDS = 1 << 18;
    private static final int MAX_EVENT_DESC_BYTES = 1 << 20;
    private static final int RECORD_COMPRESSED = 81;
    private static final int ENTER_RAW = 64;
    private static final int EXIT_RAW = 24;

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
    private static final int MAX_RECORD = 1 << 16;

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
    private final boolean offline;
    private final List<Event> queued = new ArrayList<>();
    private long[] sampleTypes;
    private int[] attrTypes;
    private long[][] ids;
    private Map<Long, Integer> attrById;
    private int enterAttr = 0;
    private int exitAttr = 1;
    private boolean rolesBySize;
    private long nextFlush = Long.MIN_VALUE;
    private long maxTime = Long.MIN_VALUE;
    private long releasedTime = Long.MIN_VALUE;
    private long samples;
    private long lost;
    private long skipped;
    private long late;
    private long compressed;
    private long damagedAt = -1;
    private int damagedSize;

    private PerfData(Events sink, boolean offline) {
        this.sink = sink;
        this.offline = offline;
    }

    /**
     * Reads a whole file recorded elsewhere, as {@link #readOffline} does, without its notes.
     *
     * @param file the perf.data file, open for reading
     * @param sink receives the events, in time order
     * @return counts of samples, lost events and samples skipped
     * @throws IOException if the file cannot be read or its header is not of a perf.data file this reader reads
     */
    static Summary read(FileChannel file, Events sink) throws IOException {
        return readOffline(file, sink, "perf-data", new ArrayList<>());
    }

    /**
     * Reads a whole file recorded elsewhere, as the class comment says: up to its size now, never failing on
     * damage after the header (the notes say what was skipped and why).
     *
     * @param file   the perf.data file, open for reading
     * @param sink   receives the events, in time order
     * @param format the format's name, which starts every note
     * @param notes  receives what was skipped and why
     * @return counts of samples, lost events and samples skipped
     * @throws DamagedException if the header is damaged or not of a file this reader can read
     * @throws IOException      if the file cannot be read
     */
    static Summary readOffline(FileChannel file, Events sink, String format, List<String> notes) throws IOException {
        PerfData d = new PerfData(sink, true);
        long size = file.size(); // the snapshot: what perf appends from now on is not read
        Header h = d.readHeader(file, size);
        List<String> names = d.eventNames(file, size, h, format, notes);
        d.findRoles(names, format, notes);
        long start = h.dataOffset();
        long end;
        if (h.dataSize() == 0) {
            end = size;
            notes.add(format + ": the header says 0 B of records (perf record did not finish: it was killed, or is "
                    + "still running); the records up to the file's end were read");
        } else if (h.dataSize() > size - start) {
            end = size;
            notes.add(format + ": the header says " + Units.count(h.dataSize()) + " B of records, but the "
                    + "file ends after " + Units.count(size - start) + " B of them (it was cut): those were "
                    + "read");
        } else {
            end = start + h.dataSize();
        }
        long readTo = d.readData(file, start, end - start);
        d.flush(Long.MAX_VALUE);
        d.offlineNotes(format, readTo, end, notes);
        long sizeAtEnd = file.size();
        if (h.dataSize() == 0 && sizeAtEnd > size) {
            notes.add(format + ": read up to " + Units.count(size) + " B, the file's size when the reading "
                    + "began; it grew while it was read, to " + Units.count(sizeAtEnd) + " B: the rest was "
                    + "not read");
        }
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
        PerfData d = new PerfData(sink, false);
        long size = file.size();
        long start = Math.max(from, d.readHeader(file, size).dataOffset());
        long end = d.readData(file, start, Math.max(0, file.size() - start));
        d.flush(Long.MAX_VALUE);
        return new Slice(new Summary(d.samples, d.lost, d.skipped), end);
    }

    /**
     * What the header says: where the records are (the size is the header's, which perf writes only when it ends:
     * 0 before), how long it is and which feature sections follow the records.
     */
    private record Header(long headerSize, long dataOffset, long dataSize, ByteBuffer bytes) {
    }

    /**
     * Reads the header and the attributes, checking every size and offset against the file before anything is
     * allocated; returns where the data section is.
     */
    private Header readHeader(FileChannel file, long fileSize) throws IOException {
        if (fileSize < HEADER_BYTES) {
            throw new DamagedException("it is " + fileSize + " B long, shorter than a perf.data header ("
                    + HEADER_BYTES + " B)", RECORD_AGAIN);
        }
        ByteBuffer h = readAt(file, 0, HEADER_BYTES);
        if (h.getLong(0) != MAGIC) {
            throw new DamagedException("not a little-endian perf.data file (magic " + Long.toHexString(h.getLong(0))
                    + ")", "Read it with perf script on the machine that recorded it, and analyze that text");
        }
        long headerSize = h.getLong(8);
        if (headerSize != HEADER_BYTES && headerSize != OLD_HEADER_BYTES) {
            throw new DamagedException("its header says it is " + headerSize + " B long, not " + HEADER_BYTES
                    + (headerSize == 16 ? " (perf record wrote it to a pipe, with -o -)" : ""),
                    headerSize == 16 ? "Record to a file with perf record -o FILE, or analyze the text of perf script"
                            : RECORD_AGAIN);
        }
        long attrSize = h.getLong(16);
        long attrsOffset = h.getLong(24);
        long attrsSize = h.getLong(32);
        long dataOffset = h.getLong(40);
        long dataSize = h.getLong(48);
        if (attrSize < MIN_ATTR_SIZE || attrSize > MAX_ATTR_SIZE || attrsSize <= 0 || attrsSize > MAX_ATTRS_BYTES
                || attrsSize % attrSize != 0 || !inFile(attrsOffset, attrsSize, fileSize)) {
            throw new DamagedException("perf.data attribute section of unexpected size " + attrsSize + "/" + attrSize
                    + " at " + attrsOffset + " in a file of " + fileSize + " B", RECORD_AGAIN);
        }
        if (dataOffset < HEADER_BYTES || dataSize < 0 || (offline && dataOffset > fileSize)) {
            throw new DamagedException("its data section (" + dataSize + " B at " + dataOffset + ") is not inside "
                    + "the file (" + fileSize + " B)", RECORD_AGAIN);
        }
        int count = (int) (attrsSize / attrSize);
        ByteBuffer attrs = readAt(file, attrsOffset, (int) attrsSize);
        sampleTypes = new long[count];
        attrTypes = new int[count];
        ids = new long[count][];
        long totalIds = 0;
        for (int i = 0; i < count; i++) {
            int at = (int) (i * attrSize);
            attrTypes[i] = attrs.getInt(at);
            if (!offline && i < 2 && attrTypes[i] != PERF_TYPE_TRACEPOINT) {
                throw notTracepoints(i);
            }
            sampleTypes[i] = attrs.getLong(at + 24);
            long idsOffset = attrs.getLong((int) (at + attrSize - 16));
            long idsSize = attrs.getLong((int) (at + attrSize - 8));
            totalIds += idsSize / 8;
            if (idsSize < 0 || idsSize % 8 != 0 || totalIds > MAX_IDS || !inFile(idsOffset, idsSize, fileSize)) {
                throw new DamagedException("the sample ids of perf.data event " + i + " (" + idsSize + " B at "
                        + idsOffset + ") are not inside the file (" + fileSize + " B), or more than " + MAX_IDS,
                        RECORD_AGAIN);
            }
            ByteBuffer idList = readAt(file, idsOffset, (int) idsSize);
            ids[i] = new long[(int) (idsSize / 8)];
            for (int k = 0; k < ids[i].length; k++) {
                ids[i][k] = idList.getLong(k * 8);
            }
        }
        if (totalIds > 64) {
            attrById = new HashMap<>();
            for (int i = ids.length - 1; i >= 0; i--) {
                for (long id : ids[i]) {
                    attrById.put(id, i); // the first event that has the id wins, as in the linear search
                }
            }
        }
        if (count < 2 && !offline) {
            throw new DamagedException("perf.data has " + count + " event(s); expected sys_enter and sys_exit",
                    RECORD_WITH_SYSCALLS);
        }
        return new Header(headerSize, dataOffset, dataSize, h);
    }

    private static DamagedException notTracepoints(int i) {
        return new DamagedException("perf.data event " + i + " is not a tracepoint; expected raw_syscalls:sys_enter "
                + "and raw_syscalls:sys_exit as the first two events", RECORD_WITH_SYSCALLS);
    }

    /** Whether {@code [offset, offset + size)} lies inside a file of {@code fileSize} bytes, without overflow. */
    private static boolean inFile(long offset, long size, long fileSize) {
        return offset >= 0 && size >= 0 && offset <= fileSize && size <= fileSize - offset;
    }

    /**
     * The events' names from the {@code EVENT_DESC} feature section, in the attributes' order, or {@code null}
     * when the file has none (perf record did not finish) or it does not fit the attributes.
     */
    private List<String> eventNames(FileChannel file, long fileSize, Header h, String format, List<String> notes)
            throws IOException {
        ByteBuffer header = h.bytes();
        if (h.headerSize() != HEADER_BYTES || h.dataSize() == 0 || h.dataSize() > fileSize - h.dataOffset()
                || (header.get(FEATURES_AT + FEATURE_EVENT_DESC / 8) & (1 << (FEATURE_EVENT_DESC % 8))) == 0) {
            return null;
        }
        int before = 0; // feature sections are listed in the order of their bits
        for (int bit = 0; bit < FEATURE_EVENT_DESC; bit++) {
            before += (header.get(FEATURES_AT + bit / 8) >> (bit % 8)) & 1;
        }
        long entry = h.dataOffset() + h.dataSize() + 16L * before;
        if (!inFile(entry, 16, fileSize)) {
            return damagedNames(format, notes);
        }
        ByteBuffer section = readAt(file, entry, 16);
        long offset = section.getLong(0);
        long size = section.getLong(8);
        if (size < 8 || size > MAX_EVENT_DESC_BYTES || !inFile(offset, size, fileSize)) {
            return damagedNames(format, notes);
        }
        ByteBuffer d = readAt(file, offset, (int) size);
        long nr = d.getInt(0) & 0xffffffffL;
        long attrSize = d.getInt(4) & 0xffffffffL;
        if (nr != ids.length || attrSize < 64 || attrSize > MAX_ATTR_SIZE) {
            return damagedNames(format, notes);
        }
        List<String> names = new ArrayList<>();
        long p = 8;
        for (int i = 0; i < nr; i++) {
            p += attrSize;
            if (p + 8 > size) {
                return damagedNames(format, notes);
            }
            long nrIds = d.getInt((int) p) & 0xffffffffL;
            long length = d.getInt((int) p + 4) & 0xffffffffL;
            p += 8;
            if (length > size - p) {
                return damagedNames(format, notes);
            }
            StringBuilder name = new StringBuilder();
            for (int k = 0; k < length && d.get((int) (p + k)) != 0 && name.length() < 64; k++) {
                int c = d.get((int) (p + k)) & 0xff;
                name.append(c > ' ' && c < 0x7f ? (char) c : '?'); // never a raw byte in a message
            }
            names.add(name.toString());
            p += length;
            if (nrIds > (size - p) / 8) {
                return damagedNames(format, notes);
            }
            p += 8 * nrIds;
        }
        return names;
    }

    private static List<String> damagedNames(String format, List<String> notes) {
        notes.add(format + ": the file's section of event names (EVENT_DESC) is damaged: events are told apart by "
                + "their sizes instead");
        return null;
    }

    /** Which attributes are sys_enter and sys_exit: by name, or (no names) the first two, by their sizes. */
    private void findRoles(List<String> names, String format, List<String> notes) throws DamagedException {
        if (names != null) {
            enterAttr = names.indexOf(ENTER_NAME);
            exitAttr = names.indexOf(EXIT_NAME);
            if (enterAttr < 0 || exitAttr < 0 || attrTypes[enterAttr] != PERF_TYPE_TRACEPOINT
                    || attrTypes[exitAttr] != PERF_TYPE_TRACEPOINT) {
                throw new DamagedException("it has no " + (enterAttr < 0 ? ENTER_NAME : EXIT_NAME) + " events (its "
                        + "events: " + String.join(", ", names) + ")", RECORD_WITH_SYSCALLS);
            }
            return;
        }
        if (ids.length < 2) {
            throw new DamagedException("it has " + ids.length + " event and no event names; expected "
                    + ENTER_NAME + " and " + EXIT_NAME, RECORD_WITH_SYSCALLS);
        }
        for (int i = 0; i < 2; i++) {
            if (attrTypes[i] != PERF_TYPE_TRACEPOINT) {
                throw notTracepoints(i);
            }
        }
        enterAttr = -1;
        exitAttr = -1;
        rolesBySize = true;
        notes.add(format + ": the file names no events (perf record did not finish, or the file was cut): its first "
                + "two were taken as " + ENTER_NAME + " and " + EXIT_NAME + ", told apart by their sizes");
    }

    /** The notes of what an offline read skipped. */
    private void offlineNotes(String format, long readTo, long end, List<String> notes) {
        if (damagedAt >= 0) {
            notes.add(format + ": the records are damaged at byte " + Units.count(damagedAt) + " (a record of "
                    + damagedSize + " B): the last " + Units.count(end - damagedAt) + " B were not read");
        } else if (readTo < end) {
            notes.add(format + ": the last " + Units.count(end - readTo) + " B of records are a record cut "
                    + "short and were not read");
        }
        if (skipped > 0) {
            notes.add(format + ": " + Units.count(skipped) + (skipped == 1 ? " sample was" : " samples were")
                    + " skipped: of other events, or without the fields of a system call event");
        }
        if (compressed > 0) {
            notes.add(format + ": " + Units.count(compressed) + (compressed == 1 ? " compressed record"
                    : " compressed records") + " (perf record -z) not read: record without -z");
        }
        if (late > 0) {
            notes.add(format + ": " + Units.count(late) + " events came after later ones had been released "
                    + "(more than " + Units.count(MAX_QUEUED) + " events waited for one round): calls split "
                    + "across that point may be missed");
        }
    }

    /**
     * Reads the records in {@code [offset, offset + size)}; returns the offset after the last whole record. A
     * record too short to be one ends the reading: with an {@link IOException} live, with a note offline.
     */
    private long readData(FileChannel file, long offset, long size) throws IOException {
        // offline, a small file gets a small buffer; never smaller than the largest record (64 KiB)
        int capacity = offline ? (int) Math.min(BUFFER, Math.max(MAX_RECORD, size)) : BUFFER;
        ByteBuffer buf = ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
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
                    if (offline) {
                        buf.flip();
                        return position - buf.remaining(); // the file was cut while read: the notes say so
                    }
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
                long at = position - buf.remaining();
                if (offline) {
                    damagedAt = at;
                    damagedSize = recordSize;
                    return at;
                }
                throw new IOException("perf.data record of size " + recordSize + " at " + at);
            }
            switch (type) {
                case RECORD_SAMPLE -> sample(buf, start + 8, start + recordSize);
                case RECORD_LOST -> lost = addLost(lost, recordSize >= 24 ? buf.getLong(start + 16) : 0);
                case RECORD_LOST_SAMPLES -> lost = addLost(lost, recordSize >= 16 ? buf.getLong(start + 8) : 0);
                case RECORD_FINISHED_ROUND -> {
                    flush(nextFlush);
                    nextFlush = maxTime;
                }
                case RECORD_COMPRESSED -> compressed++;
                default -> {
                    // mmap, comm, fork, exit, thread and cpu maps: nothing to count
                }
            }
            buf.position(start + recordSize);
        }
    }

    /** Adds a count of lost events; a damaged count (negative as a {@code long}) is not added. */
    private static long addLost(long total, long more) {
        return more <= 0 ? total : more > Long.MAX_VALUE - total ? Long.MAX_VALUE : total + more;
    }

    /** Decodes a sample of {@code b[at, end)}; every field is checked to lie inside the record. */
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
        if (idAt + 8 > end) {
            skipped++;
            return;
        }
        int attr = attrOf(b.getLong(idAt));
        if (attr < 0 || (attr != enterAttr && attr != exitAttr && !(rolesBySize && enterAttr < 0 && attr < 2))) {
            skipped++;
            return;
        }
        long type = sampleTypes[attr];
        if ((type & (SAMPLE_TID | SAMPLE_TIME | SAMPLE_RAW)) != (SAMPLE_TID | SAMPLE_TIME | SAMPLE_RAW)
                || (type & SAMPLE_READ) != 0) {
            skipped++;
            return;
        }
        int p = at;
        p += (type & SAMPLE_IDENTIFIER) != 0 ? 8 : 0;
        p += (type & SAMPLE_IP) != 0 ? 8 : 0;
        if (p + 16 > end) {
            skipped++;
            return;
        }
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
            if (p + 8 > end) {
                skipped++;
                return;
            }
            long frames = b.getLong(p);
            if (frames < 0 || frames > (end - p - 8) / 8) {
                skipped++;
                return;
            }
            p += 8 + 8 * (int) frames;
        }
        if (p + 4 > end) {
            skipped++;
            return;
        }
        int rawSize = b.getInt(p);
        int raw = p + 4;
        if (rolesBySize && enterAttr < 0) {
            // the first sample of either event says which is which: only sys_enter carries six arguments
            if (rawSize >= ENTER_RAW && rawSize <= end - raw) {
                enterAttr = attr;
                exitAttr = 1 - attr;
            } else if (rawSize >= EXIT_RAW && rawSize <= end - raw) {
                exitAttr = attr;
                enterAttr = 1 - attr;
            }
        }
        boolean enter = attr == enterAttr;
        if (rawSize < (enter ? ENTER_RAW : EXIT_RAW) || rawSize > end - raw) {
            skipped++;
            return;
        }
        samples++;
        long nr = b.getLong(raw + 8);
        Event e = enter
                ? new Event(time, pid, tid, true, nr, b.getLong(raw + 16), b.getLong(raw + 24), b.getLong(raw + 32))
                : new Event(time, pid, tid, false, nr, b.getLong(raw + 16), 0, 0);
        if (time < releasedTime) {
            late++;
        }
        queued.add(e);
        maxTime = Math.max(maxTime, time);
        if (offline && queued.size() > MAX_QUEUED) {
            releaseOldestHalf();
        }
    }

    /** Too many events wait for their round: releases the older half, as perf's ordered events do. */
    private void releaseOldestHalf() {
        queued.sort(Comparator.comparingLong(e -> e.time));
        List<Event> oldest = queued.subList(0, queued.size() / 2);
        for (Event e : oldest) {
            give(e);
        }
        oldest.clear();
    }

    private void give(Event e) {
        releasedTime = Math.max(releasedTime, e.time);
        if (e.enter) {
            sink.enter(e.pid, e.tid, e.time, e.nr, e.a0, e.a1, e.a2);
        } else {
            sink.exit(e.pid, e.tid, e.time, e.nr, e.a0);
        }
    }

    private int attrOf(long id) {
        if (attrById != null) {
            Integer attr = attrById.get(id);
            return attr == null ? -1 : attr;
        }
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
            give(queued.get(n++));
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
