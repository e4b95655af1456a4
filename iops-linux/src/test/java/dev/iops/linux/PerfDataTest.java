package dev.iops.linux;

import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The perf.data reader on small files built here to the format's layout (the real-recording test is in
 * {@link PerfWindowTest}): perf writes each CPU's buffer in turn, so a thread that moved between CPUs can have its
 * exit before its entry in the file; the reader must sort within rounds, and count LOST records.
 */
class PerfDataTest {
    private static final long ID_ENTER = 101;
    private static final long ID_EXIT = 102;
    private static final long TYPE = (1 << 16) | (1 << 1) | (1 << 2) | (1 << 10); // IDENTIFIER|TID|TIME|RAW

    @TempDir
    Path dir;

    /** A perf.data with the two raw_syscalls attributes and the given records. */
    private Path file(byte[]... records) throws IOException {
        int attrSize = 144;
        int attrsAt = 104;
        int idsAt = attrsAt + 2 * attrSize;
        int dataAt = idsAt + 16;
        int dataSize = 0;
        for (byte[] r : records) {
            dataSize += r.length;
        }
        ByteBuffer b = ByteBuffer.allocate(dataAt + dataSize).order(ByteOrder.LITTLE_ENDIAN);
        b.put("PERFILE2".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        b.putLong(104).putLong(attrSize).putLong(attrsAt).putLong(2L * attrSize).putLong(dataAt).putLong(dataSize);
        for (int i = 0; i < 2; i++) {
            int at = attrsAt + i * attrSize;
            b.putInt(at, 2); // PERF_TYPE_TRACEPOINT
            b.putLong(at + 24, TYPE);
            b.putLong(at + attrSize - 16, idsAt + 8L * i);
            b.putLong(at + attrSize - 8, 8);
        }
        b.putLong(idsAt, ID_ENTER).putLong(idsAt + 8, ID_EXIT);
        b.position(dataAt);
        for (byte[] r : records) {
            b.put(r);
        }
        Path f = dir.resolve("t.data");
        Files.write(f, b.array());
        return f;
    }

    private static byte[] sample(long id, int tid, long time, long nr, long a0, long a1) {
        boolean enter = id == ID_ENTER;
        int raw = enter ? 64 : 24;
        int size = (8 + 8 + 8 + 8 + 4 + raw + 7) / 8 * 8;
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(9).putShort((short) 0).putShort((short) size); // PERF_RECORD_SAMPLE
        b.putLong(id).putInt(tid).putInt(tid).putLong(time).putInt(raw);
        int r = b.position();
        b.putLong(r + 8, nr).putLong(r + 16, a0);
        if (enter) {
            b.putLong(r + 24, a1);
        }
        return b.array();
    }

    private static byte[] record(int type, long... fields) {
        ByteBuffer b = ByteBuffer.allocate(8 + 8 * fields.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(type).putShort((short) 0).putShort((short) b.capacity());
        for (long f : fields) {
            b.putLong(f);
        }
        return b.array();
    }

    private static List<Op> read(Path f, long[] lost) throws IOException {
        List<Op> ops = new ArrayList<>();
        PerfWindow w = PerfWindow.offline(PerfSyscalls.X86_64, ops::add);
        try (FileChannel c = FileChannel.open(f)) {
            PerfData.Summary s = PerfData.read(c, w);
            lost[0] = s.lost();
        }
        return ops;
    }

    @Test
    void anExitWrittenBeforeItsEntryIsPairedAfterSortingTheRound() throws IOException {
        Path f = file(
                sample(ID_EXIT, 7, 2_000, 1, 4096, 0),         // CPU 1's buffer, written first
                sample(ID_ENTER, 7, 1_000, 1, 3, 0x7f00),      // CPU 0's buffer: the entry, earlier in time
                record(68),                                     // FINISHED_ROUND
                sample(ID_ENTER, 7, 3_000, 0, 3, 0x7f00),
                sample(ID_EXIT, 7, 3_500, 0, 0, 0));
        long[] lost = new long[1];
        assertThat(read(f, lost)).containsExactly(
                new Op(OpKind.WRITE, 4096, 7, TargetKind.UNKNOWN, null, -1, 1_000, false),
                new Op(OpKind.READ, 0, 7, TargetKind.UNKNOWN, null, -1, 500, false));
        assertThat(lost[0]).isZero();
    }

    @Test
    void lostRecordsAreCounted() throws IOException {
        Path f = file(record(2, ID_ENTER, 17), record(13, 5)); // PERF_RECORD_LOST (id, lost), LOST_SAMPLES (lost)
        long[] lost = new long[1];
        assertThat(read(f, lost)).isEmpty();
        assertThat(lost[0]).isEqualTo(22);
    }

    @Test
    void aFileThatIsNotPerfDataIsRefused() throws IOException {
        Path f = dir.resolve("x.data");
        Files.write(f, new byte[200]);
        assertThatThrownBy(() -> read(f, new long[1])).isInstanceOf(IOException.class)
                .hasMessageStartingWith("not a little-endian perf.data file");
    }

    @Test
    void aGrowingFileIsReadInSlicesEachFromWhereThePreviousEndedAndAPartialRecordWaitsForTheNext()
            throws IOException {
        byte[] firstEnter = sample(ID_ENTER, 7, 1_000, 1, 3, 0x7f00);
        byte[] firstExit = sample(ID_EXIT, 7, 1_500, 1, 4096, 0);
        byte[] secondEnter = sample(ID_ENTER, 8, 5_000, 0, 4, 0x7f00);
        byte[] secondExit = sample(ID_EXIT, 8, 5_200, 0, 100, 0);
        Path f = file(firstEnter, firstExit);
        long headerAndFirst = Files.size(f);
        // perf writes the data size into the header only when it ends: a live file says 0
        try (FileChannel c = FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            c.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 0), 48);
        }
        List<Op> ops = new ArrayList<>();
        PerfData.Slice one;
        try (FileChannel c = FileChannel.open(f)) {
            one = PerfData.readFrom(c, 0, PerfWindow.offline(PerfSyscalls.X86_64, ops::add));
        }
        assertThat(ops).containsExactly(new Op(OpKind.WRITE, 4096, 7, TargetKind.UNKNOWN, null, -1, 500, false));
        assertThat(one.end()).isEqualTo(headerAndFirst);
        // the next session's records, and half of a record perf is still writing
        byte[] half = java.util.Arrays.copyOf(secondEnter, 20);
        Files.write(f, concat(secondEnter, secondExit, half), java.nio.file.StandardOpenOption.APPEND);
        ops.clear();
        PerfData.Slice two;
        try (FileChannel c = FileChannel.open(f)) {
            two = PerfData.readFrom(c, one.end(), PerfWindow.offline(PerfSyscalls.X86_64, ops::add));
        }
        assertThat(ops).as("only the second slice's call").containsExactly(
                new Op(OpKind.READ, 100, 8, TargetKind.UNKNOWN, null, -1, 200, false));
        assertThat(two.summary().samples()).isEqualTo(2);
        assertThat(two.end()).as("the partial record is left for the next read")
                .isEqualTo(headerAndFirst + secondEnter.length + secondExit.length);
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
