package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.UnreadableTraceException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fuzzes {@code Iops.analyze} with mutated perf.data headers and mutated strace lines: whatever the bytes, the
 * caller gets a report or an {@link UnreadableTraceException} of a reader (never the safety net's, which would
 * mean a reader let a runtime exception through), no raw bytes in a message or note, and each analysis allocates
 * less than {@link #MAX_ALLOCATED} bytes (memory bounded whatever a header claims; before, a header could ask for
 * 2 GiB). strace traces are also checked against a plain line-by-line reading of the same bytes: same operations,
 * same count of skipped lines.
 *
 * <p>Each run draws a new seed, printed in any failure; {@code -Diops.fuzz.seed=N} replays a run and
 * {@code -Diops.fuzz.mutations=N} sets how many files of each kind are made (10,000 by default).
 */
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AnalyzeFuzzTest {
    private static final long MAX_ALLOCATED = 32L << 20;
    private static final int MUTATIONS = Integer.getInteger("iops.fuzz.mutations", 10_000);
    private static final long SEED = Long.getLong("iops.fuzz.seed", System.nanoTime());
    private static final String SAFETY_NET = "iops could not read ";
    private static final long[] INTERESTING = {0, 1, -1, 8, 16, 64, 104, 127, 128, 144, 255, 4096, 65_535, 65_536,
        Integer.MAX_VALUE, Integer.MIN_VALUE, 1L << 31, 1L << 32, Long.MAX_VALUE, Long.MIN_VALUE, 0x7ffff000L};

    private static com.sun.management.ThreadMXBean threads;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsAllocationCounters() {
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        assumeTrue(bean instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter");
        threads = (com.sun.management.ThreadMXBean) bean;
        assumeTrue(threads.isThreadAllocatedMemorySupported(), "no per-thread allocation counter");
        threads.setThreadAllocatedMemoryEnabled(true);
        assumeTrue(PerfSyscalls.forArch(System.getProperty("os.arch")) != null, "no system call table here");
    }

    /** What one analysis gave: a report, or the exception, and the bytes it allocated. */
    private record Outcome(IopsReport report, UnreadableTraceException refused, long allocated) {
    }

    private Outcome analyze(Path f) throws IOException {
        long tid = Thread.currentThread().getId();
        long before = threads.getThreadAllocatedBytes(tid);
        IopsReport r = null;
        UnreadableTraceException refused = null;
        try {
            r = Iops.analyze(f);
        } catch (UnreadableTraceException e) {
            refused = e;
        }
        return new Outcome(r, refused, threads.getThreadAllocatedBytes(tid) - before);
    }

    /** The checks every outcome passes, whatever the format. */
    private static void checkOutcome(Outcome o, boolean binary) {
        assertThat(o.allocated()).as("bytes allocated by one analysis").isLessThan(MAX_ALLOCATED);
        if (o.refused() != null) {
            assertThat(o.refused().getMessage()).as("a reader's own refusal, not the safety net's")
                    .doesNotStartWith(SAFETY_NET);
            if (binary) {
                assertThat(o.refused().getMessage()).as("no raw bytes").matches("[\\x20-\\x7e]*");
            }
            return;
        }
        assertThat(String.join("\n", o.report().notes())).as("no raw bytes in the notes").matches("[\\x20-\\x7e\\n]*");
        assertThat(o.report().bytesRead()).isLessThanOrEqualTo(o.report().readOps() * PlausibleSizes.MAX_RW_COUNT);
        assertThat(o.report().bytesWritten()).isLessThanOrEqualTo(o.report().writeOps() * PlausibleSizes.MAX_RW_COUNT);
    }

    /**
     * Replaces the file's bytes in place: writing and then truncating to a longer-than-0 length, since truncating
     * to 0 makes ext4 flush the file at close (auto_da_alloc), 100 times slower.
     */
    private static void rewrite(FileChannel file, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            file.write(b, b.position());
        }
        file.truncate(bytes.length);
    }

    private static AssertionError replay(String what, long seed, int i, Throwable t) {
        return new AssertionError(what + " mutation " + i + " of seed " + seed + " failed; replay with "
                + "-Diops.fuzz.seed=" + seed + ": " + t, t);
    }

    // ---------------------------------------------------------------- perf.data headers

    private static List<byte[]> perfDataBases() throws Exception {
        List<byte[]> bases = new ArrayList<>();
        for (int variant = 0; variant < 4; variant++) {
            PerfDataBuilder b = new PerfDataBuilder();
            if (variant == 2) {
                b.event(PerfDataBuilder.EXIT, 102).event(PerfDataBuilder.ENTER, 101);
            } else {
                b.event(PerfDataBuilder.ENTER, 101).event(PerfDataBuilder.EXIT, 102);
            }
            if (variant == 3) {
                b.event("sched:sched_switch", 103);
            }
            if (variant == 1) {
                b.killed();
            }
            for (int i = 0; i < 20; i++) {
                b.write(101, 102, 7 + i % 3, 1_000L * (i + 1), 3, 1L << i);
                if (i % 7 == 6) {
                    b.round();
                }
            }
            b.record(PerfDataBuilder.header(2, 24).putLong(102).putLong(3).array()); // PERF_RECORD_LOST
            bases.add(b.build());
        }
        return bases;
    }

    /** Mutates mostly the header, attributes, ids and feature sections; now and then a record, or the length. */
    private static byte[] mutatePerfData(byte[] base, Random random) {
        ByteBuffer h = ByteBuffer.wrap(base).order(ByteOrder.LITTLE_ENDIAN);
        int dataAt = (int) h.getLong(40);
        long dataSize = h.getLong(48);
        int dataEnd = dataSize == 0 ? base.length : (int) (dataAt + dataSize);
        byte[] b = base.clone();
        ByteBuffer m = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int edits = 1 + random.nextInt(4);
        for (int e = 0; e < edits; e++) {
            int region = random.nextInt(10);
            int at;
            if (region < 6) {
                at = random.nextInt(dataAt); // header, ids, attributes
            } else if (region < 8 && dataEnd < b.length) {
                at = dataEnd + random.nextInt(b.length - dataEnd); // feature table, EVENT_DESC
            } else {
                at = dataAt + random.nextInt(Math.max(1, dataEnd - dataAt)); // a record
            }
            switch (random.nextInt(4)) {
                case 0 -> b[Math.min(at, b.length - 1)] = (byte) random.nextInt(256);
                case 1 -> {
                    int aligned = Math.min(at & ~7, b.length - 8);
                    m.putLong(aligned, interesting(random, b.length));
                }
                case 2 -> {
                    int aligned = Math.min(at & ~3, b.length - 4);
                    m.putInt(aligned, (int) interesting(random, b.length));
                }
                default -> {
                    int aligned = Math.min(at & ~1, b.length - 2);
                    m.putShort(aligned, (short) interesting(random, b.length));
                }
            }
        }
        int tail = random.nextInt(20);
        if (tail == 0) {
            return Arrays.copyOf(b, 8 + random.nextInt(b.length - 8)); // cut short
        }
        if (tail == 1) {
            byte[] longer = Arrays.copyOf(b, b.length + 1 + random.nextInt(512));
            for (int i = b.length; i < longer.length; i++) {
                longer[i] = (byte) random.nextInt(256);
            }
            return longer;
        }
        return b;
    }

    private static long interesting(Random random, int fileSize) {
        return switch (random.nextInt(4)) {
            case 0 -> INTERESTING[random.nextInt(INTERESTING.length)];
            case 1 -> fileSize + random.nextInt(33) - 16L;
            case 2 -> random.nextInt(fileSize + 1);
            default -> random.nextLong();
        };
    }

    @Test
    void mutatedPerfDataHeadersGiveAReportOrAnUnreadableTraceExceptionInBoundedMemory() throws Exception {
        List<byte[]> bases = perfDataBases();
        Random random = new Random(SEED);
        Path f = dir.resolve("fuzz.data");
        long start = System.nanoTime();
        int reports = 0;
        int refused = 0;
        long maxAllocated = 0;
        try (FileChannel out = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < MUTATIONS; i++) {
                byte[] bytes = mutatePerfData(bases.get(random.nextInt(bases.size())), random);
                try {
                    rewrite(out, bytes);
                    Outcome o = analyze(f);
                    checkOutcome(o, true);
                    maxAllocated = Math.max(maxAllocated, o.allocated());
                    if (o.report() != null) {
                        reports++;
                    } else {
                        refused++;
                    }
                } catch (Throwable t) {
                    throw replay("perf.data", SEED, i, t);
                }
            }
        }
        System.out.printf("perf.data fuzz: seed %d, %,d mutations in %,d ms: %,d reports, %,d refused; at most %,d B "
                        + "allocated by one analysis%n", SEED, MUTATIONS, (System.nanoTime() - start) / 1_000_000,
                reports, refused, maxAllocated);
        assertThat(reports).as("some mutations leave a readable file (seed " + SEED + ")").isPositive();
        assertThat(refused).as("some mutations damage the header (seed " + SEED + ")").isPositive();
    }

    // ---------------------------------------------------------------- strace lines

    private static List<byte[]> straceLines() throws Exception {
        List<byte[]> lines = new ArrayList<>();
        StraceLineParser parser = new StraceLineParser();
        for (String name : List.of("/strace/reference-6.1.txt", "/strace/ugly.txt")) {
            byte[] all = Files.readAllBytes(Path.of(AnalyzeFuzzTest.class.getResource(name).toURI()));
            int from = 0;
            for (int i = 0; i <= all.length; i++) {
                if (i == all.length || all[i] == '\n') {
                    if (i > from && parser.parse(all, from, i) != StraceLineParser.GARBAGE) {
                        lines.add(Arrays.copyOfRange(all, from, i)); // the fixtures' comments and broken lines: not
                    }
                    from = i + 1;
                }
            }
        }
        return lines;
    }

    private static final byte[] STRUCTURE = "\"\\()<>[]{},= -?.0123456789x\n\t".getBytes(StandardCharsets.US_ASCII);

    private static byte[] mutateLine(byte[] line, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(line.length + 64);
        out.writeBytes(line);
        byte[] b = out.toByteArray();
        int edits = random.nextInt(4);
        for (int e = 0; e < edits && b.length > 0; e++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] = STRUCTURE[random.nextInt(STRUCTURE.length)];
                case 1 -> b[at] = (byte) random.nextInt(256);
                case 2 -> b = splice(b, at, at + random.nextInt(Math.min(16, b.length - at) + 1), new byte[0]);
                case 3 -> b = splice(b, at, at, new byte[] {STRUCTURE[random.nextInt(STRUCTURE.length)]});
                case 4 -> b = splice(b, at, at, ("= " + INTERESTING[random.nextInt(INTERESTING.length)] + " ")
                        .getBytes(StandardCharsets.US_ASCII));
                default -> b = Arrays.copyOf(b, at); // cut
            }
        }
        return b;
    }

    private static byte[] splice(byte[] b, int from, int to, byte[] insert) {
        byte[] r = new byte[b.length - (to - from) + insert.length];
        System.arraycopy(b, 0, r, 0, from);
        System.arraycopy(insert, 0, r, from, insert.length);
        System.arraycopy(b, to, r, from + insert.length, b.length - to);
        return r;
    }

    /** Data as strace prints it, full of escapes, quotes, parentheses and brackets: long lines are cut from it. */
    private static byte[] dataPool(Random random) {
        byte[] alphabet = "ab\\\")(<>,= \\n".getBytes(StandardCharsets.US_ASCII);
        byte[] pool = new byte[1 << 16];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = alphabet[random.nextInt(alphabet.length)];
        }
        return pool;
    }

    /** A write of {@code size} bytes printed whole, as strace -s BIG prints it: cut from {@code pool} at random. */
    private static byte[] longLine(Random random, byte[] pool, int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size + 100);
        out.writeBytes("77 write(3</tmp/a b>, \"".getBytes(StandardCharsets.US_ASCII));
        for (int n = 0; n < size; ) {
            int from = random.nextInt(pool.length);
            int length = Math.min(size - n, pool.length - from);
            out.write(pool, from, length);
            n += length;
        }
        out.writeBytes(("\"..., " + size + ") = " + size + " <0.000100>").getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    /** The strace reading of the same bytes, line by line, without bounds: the figures analyze must give. */
    private record Expected(long reads, long writes, long bytesRead, long bytesWritten, long errors, long lines,
                            long garbage) {
    }

    private static Expected readLineByLine(byte[] file) {
        long[] t = new long[5];
        TraceWindow w = new TraceWindow(null, null, false, Set.of(), new PlausibleSizes(op -> {
            if (op.failed()) {
                t[4]++;
            } else if (op.kind() == OpKind.READ) {
                t[0]++;
                t[2] += op.bytes();
            } else {
                t[1]++;
                t[3] += op.bytes();
            }
        }));
        long lines = 0;
        int from = 0;
        for (int i = 0; i <= file.length; i++) {
            if (i == file.length ? i > from : file[i] == '\n') {
                w.accept(file, from, i);
                lines++;
                from = i + 1;
            }
        }
        return new Expected(t[0], t[1], t[2], t[3], t[4], lines, w.garbageLines());
    }

    @Test
    void mutatedStraceLinesGiveTheFiguresOfAPlainReadingOrAnUnreadableTraceException() throws Exception {
        List<byte[]> corpus = straceLines();
        Random random = new Random(SEED);
        byte[] pool = dataPool(random);
        Path f = dir.resolve("fuzz.strace");
        long start = System.nanoTime();
        int reports = 0;
        int refused = 0;
        int withLongLine = 0;
        long maxAllocated = 0;
        try (FileChannel out = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            for (int i = 0; i < MUTATIONS; i++) {
                ByteArrayOutputStream file = new ByteArrayOutputStream();
                int lines = 1 + random.nextInt(12);
                for (int k = 0; k < lines; k++) {
                    if (random.nextInt(2_000) == 0) {
                        file.writeBytes(longLine(random, pool,
                                SnapshotLines.BUFFER + random.nextInt(SnapshotLines.BUFFER)));
                        withLongLine++;
                    } else {
                        byte[] line = corpus.get(random.nextInt(corpus.size()));
                        file.writeBytes(random.nextInt(5) == 0 ? mutateLine(line, random) : line);
                    }
                    if (k < lines - 1 || random.nextInt(4) > 0) {
                        file.write('\n');
                    }
                }
                byte[] bytes = file.toByteArray();
                try {
                    rewrite(out, bytes);
                    Outcome o = analyze(f);
                    checkOutcome(o, false);
                    maxAllocated = Math.max(maxAllocated, o.allocated());
                    if (o.report() == null) {
                        refused++;
                        continue;
                    }
                    reports++;
                    IopsReport r = o.report();
                    if (!r.profiler().equals("strace")) {
                        continue;
                    }
                    Expected x = readLineByLine(bytes);
                    assertThat(new long[] {r.readOps(), r.writeOps(), r.bytesRead(), r.bytesWritten(),
                        r.detail().orElseThrow().errors()}).as(String.join("\n", r.notes()))
                            .containsExactly(x.reads(), x.writes(), x.bytesRead(), x.bytesWritten(), x.errors());
                    String skipped = "strace: " + String.format("%,d", x.garbage()) + " of "
                            + String.format("%,d", x.lines()) + " lines (";
                    if (x.garbage() > 0) {
                        assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith(skipped));
                    } else {
                        assertThat(r.notes()).noneSatisfy(n -> assertThat(n).contains("could not be read"));
                    }
                } catch (Throwable t) {
                    throw replay("strace", SEED, i, t);
                }
            }
        }
        System.out.printf("strace fuzz: seed %d, %,d mutations (%,d with a line over 1 MiB) in %,d ms: %,d reports, "
                        + "%,d refused; at most %,d B allocated by one analysis%n", SEED, MUTATIONS, withLongLine,
                (System.nanoTime() - start) / 1_000_000, reports, refused, maxAllocated);
        assertThat(reports).as("some mutations stay strace (seed " + SEED + ")").isPositive();
    }
}
