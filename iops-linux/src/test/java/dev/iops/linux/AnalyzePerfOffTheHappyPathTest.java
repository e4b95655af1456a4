package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.UnreadableTraceException;
import dev.iops.spi.RecordingResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code Iops.analyze} on perf.data files and {@code perf script} text that are unusual or damaged: never silently
 * wrong, never a raw runtime exception, memory bounded whatever a header claims. Each test is a case a tester
 * found (issue #19, item 6). perf.data files are built here to the format's layout ({@link PerfDataBuilder}) or
 * made from the real recording in {@code perf/python-workload.data}.
 */
@Timeout(60)
class AnalyzePerfOffTheHappyPathTest {
    private static final long ENTER_ID = 101;
    private static final long EXIT_ID = 102;
    private static final String ARCH_NOTE = "perf-data: system call numbers read as ";

    @TempDir
    Path dir;

    private long writeNr;

    @BeforeEach
    void needsASyscallTable() {
        PerfSyscalls table = PerfSyscalls.forArch(System.getProperty("os.arch"));
        assumeTrue(table != null, "no system call table for this architecture");
        writeNr = table == PerfSyscalls.X86_64 ? 1 : 64;
    }

    /** {@code count} writes of 8 B on thread 7, a round marker after every 10. */
    private PerfDataBuilder writes(PerfDataBuilder b, int count) {
        for (int i = 0; i < count; i++) {
            b.write(ENTER_ID, EXIT_ID, 7, 1_000L * (i + 1), 3, 8);
            if (i % 10 == 9) {
                b.round();
            }
        }
        return b;
    }

    private static PerfDataBuilder enterThenExit() {
        return new PerfDataBuilder().event(PerfDataBuilder.ENTER, ENTER_ID).event(PerfDataBuilder.EXIT, EXIT_ID);
    }

    private Path file(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    private static Path fixture() throws Exception {
        return Path.of(AnalyzePerfOffTheHappyPathTest.class.getResource("/perf/python-workload.data").toURI());
    }

    @Test
    void aFileOfAPerfRecordThatWasKilledIsReadToItsEndWithANote() throws IOException {
        // perf writes the data size into the header only when it ends: a killed perf record leaves 0
        Path f = file("killed.data", writes(enterThenExit().killed(), 25).build());
        IopsReport r = Iops.analyze(f);
        assertThat(r.writeOps()).as(String.join("\n", r.notes())).isEqualTo(25);
        assertThat(r.bytesWritten()).isEqualTo(200);
        assertThat(r.notes()).contains(
                "perf-data: the header says 0 B of records (perf record did not finish: it was killed, or is still "
                        + "running); the records up to the file's end were read",
                "perf-data: the file names no events (perf record did not finish, or the file was cut): its first two "
                        + "were taken as raw_syscalls:sys_enter and raw_syscalls:sys_exit, told apart by their sizes");
    }

    @Test
    void theRealRecordingKilledHalfwayGivesItsFirstHalfAndSaysARecordWasCut() throws Exception {
        byte[] whole = Files.readAllBytes(fixture());
        ByteBuffer h = ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN);
        long dataAt = h.getLong(40);
        long dataSize = h.getLong(48);
        IopsReport full = Iops.analyze(fixture());
        assertThat(full.notes()).hasSize(2).anySatisfy(n -> assertThat(n).startsWith(ARCH_NOTE));
        // as perf left it when killed: data size 0, no feature sections, and the last record half written
        byte[] killed = Arrays.copyOf(whole, (int) (dataAt + dataSize / 2));
        ByteBuffer k = ByteBuffer.wrap(killed).order(ByteOrder.LITTLE_ENDIAN);
        k.putLong(48, 0);
        Arrays.fill(killed, 72, 104, (byte) 0);
        IopsReport r = Iops.analyze(file("half.data", killed));
        assertThat(r.writeOps()).isPositive().isLessThan(full.writeOps());
        assertThat(r.readOps()).isPositive().isLessThanOrEqualTo(full.readOps());
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).matches("perf-data: the last [0-9,]+ B of records are a "
                + "record cut short and were not read"));
        // the same file with every record whole: the full figures
        ByteBuffer.wrap(whole).order(ByteOrder.LITTLE_ENDIAN).putLong(48, 0);
        Arrays.fill(whole, 72, 104, (byte) 0);
        byte[] wholeKilled = Arrays.copyOf(whole, (int) (dataAt + dataSize));
        IopsReport all = Iops.analyze(file("killed.data", wholeKilled));
        assertThat(all.writeOps()).isEqualTo(full.writeOps());
        assertThat(all.bytesWritten()).isEqualTo(full.bytesWritten());
        assertThat(all.readOps()).isEqualTo(full.readOps());
        assertThat(all.bytesRead()).isEqualTo(full.bytesRead());
    }

    @Test
    void eventsRecordedExitFirstAreFoundByTheirNames() throws IOException {
        // perf record -e raw_syscalls:sys_exit -e raw_syscalls:sys_enter
        PerfDataBuilder b = new PerfDataBuilder().event(PerfDataBuilder.EXIT, EXIT_ID)
                .event(PerfDataBuilder.ENTER, ENTER_ID);
        IopsReport r = Iops.analyze(file("reversed.data", writes(b, 30).build()));
        assertThat(r.writeOps()).isEqualTo(30);
        assertThat(r.bytesWritten()).isEqualTo(240);
        assertThat(r.notes()).hasSize(2);
    }

    @Test
    void eventsRecordedExitFirstByAKilledPerfAreToldApartByTheirSizes() throws IOException {
        PerfDataBuilder b = new PerfDataBuilder().event(PerfDataBuilder.EXIT, EXIT_ID)
                .event(PerfDataBuilder.ENTER, ENTER_ID).killed();
        IopsReport r = Iops.analyze(file("reversed-killed.data", writes(b, 30).build()));
        assertThat(r.writeOps()).isEqualTo(30);
    }

    @Test
    void aFileOfOtherEventsIsRefusedWithTheirNames() throws IOException {
        PerfDataBuilder b = new PerfDataBuilder().event("sched:sched_switch", ENTER_ID)
                .event("sched:sched_wakeup", EXIT_ID);
        Path f = file("sched.data", writes(b, 3).build());
        assertThatThrownBy(() -> Iops.analyze(f)).isInstanceOf(UnreadableTraceException.class)
                .hasMessage(f + " is a perf.data file iops cannot read: it has no raw_syscalls:sys_enter events (its "
                        + "events: sched:sched_switch, sched:sched_wakeup). Record with perf record -e "
                        + "raw_syscalls:sys_enter -e raw_syscalls:sys_exit.");
    }

    @Test
    void otherEventsBesideTheSystemCallsAreSkippedWithANote() throws IOException {
        PerfDataBuilder b = enterThenExit().event("sched:sched_switch", 103);
        writes(b, 5).record(PerfDataBuilder.sample(103, 7, 99_000, 64, 0, 0));
        IopsReport r = Iops.analyze(file("three.data", b.build()));
        assertThat(r.writeOps()).isEqualTo(5);
        assertThat(r.notes()).contains("perf-data: 1 sample was skipped: of other events, or without the fields of "
                + "a system call event");
    }

    @Test
    void aHeaderClaimingGigabytesOfAttributesIsRefusedBeforeAnythingIsAllocated() throws IOException {
        byte[] bytes = writes(enterThenExit(), 3).build();
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(16, Integer.MAX_VALUE)
                .putLong(32, Integer.MAX_VALUE); // attr_size, attrs.size: one attribute of 2 GiB (was OutOfMemoryError)
        Path f = file("huge-attrs.data", bytes);
        assertThatThrownBy(() -> Iops.analyze(f)).isInstanceOf(UnreadableTraceException.class)
                .hasMessage(f + " is a perf.data file iops cannot read: perf.data attribute section of unexpected size "
                        + "2147483647/2147483647 at 120 in a file of " + bytes.length + " B. Record it again, or "
                        + "check that it was copied whole.");
    }

    @Test
    void aHeaderWithNegativeSizesIsRefused() throws IOException {
        byte[] bytes = writes(enterThenExit(), 3).build();
        PerfDataBuilder.Layout l = enterThenExit().layout();
        // the first event's ids section: -8 B (was NegativeArraySizeException)
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(l.attrsAt() + PerfDataBuilder.ATTR_SIZE + 8, -8);
        Path f = file("negative.data", bytes);
        assertThatThrownBy(() -> Iops.analyze(f)).isInstanceOf(UnreadableTraceException.class)
                .hasMessageContaining("the sample ids of perf.data event 0 (-8 B at 104) are not inside the file");
        byte[] data = writes(enterThenExit(), 3).build();
        ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).putLong(48, -1); // data.size
        Path g = file("negative-data.data", data);
        assertThatThrownBy(() -> Iops.analyze(g)).isInstanceOf(UnreadableTraceException.class)
                .hasMessageContaining("its data section (-1 B at 408) is not inside the file");
    }

    @Test
    void aFileShorterThanAHeaderIsRefused() throws IOException {
        Path f = file("short.data", "PERFILE2 and then nothing".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> Iops.analyze(f)).isInstanceOf(UnreadableTraceException.class)
                .hasMessage(f + " is a perf.data file iops cannot read: it is 25 B long, shorter than a perf.data "
                        + "header (104 B). Record it again, or check that it was copied whole.");
    }

    @Test
    void aDamagedRecordEndsTheReadingWithANoteOfWhatWasNotRead() throws IOException {
        PerfDataBuilder b = writes(enterThenExit(), 10);
        b.record(new byte[64]); // a record of size 0
        writes(b, 10);
        byte[] bytes = b.build();
        IopsReport r = Iops.analyze(file("damaged.data", bytes));
        assertThat(r.writeOps()).isEqualTo(10);
        PerfDataBuilder.Layout l = b.layout();
        long damagedAt = l.dataAt() + (l.dataSize() - 64) / 2;
        assertThat(r.notes()).contains("perf-data: the records are damaged at byte " + String.format("%,d", damagedAt)
                + " (a record of 0 B): the last " + String.format("%,d", l.dataAt() + l.dataSize() - damagedAt)
                + " B were not read");
    }

    @Test
    void aFileCutShorterThanItsHeaderSaysIsReadToItsEndWithANote() throws IOException {
        PerfDataBuilder b = writes(enterThenExit(), 20);
        PerfDataBuilder.Layout l = b.layout();
        byte[] cut = Arrays.copyOf(b.build(), l.dataAt() + l.dataSize() / 2);
        IopsReport r = Iops.analyze(file("cut.data", cut));
        assertThat(r.writeOps()).isEqualTo(10);
        assertThat(r.notes()).contains("perf-data: the header says " + String.format("%,d", l.dataSize())
                + " B of records, but the file ends after " + String.format("%,d", l.dataSize() / 2) + " B of them "
                + "(it was cut): those were read");
    }

    @Test
    void aFailedCallIsAnErrorInPerfDataAndPerfScript() throws IOException {
        PerfDataBuilder b = enterThenExit();
        b.enter(ENTER_ID, 7, 1_000, writeNr, 3).exit(EXIT_ID, 7, 1_100, writeNr, -5);
        IopsReport r = Iops.analyze(file("eio.data", b.build()));
        assertThat(r.detail().orElseThrow().errors()).isEqualTo(1);
        Path script = dir.resolve("eio.txt");
        Files.writeString(script, " 4242/4242   388.855484490: raw_syscalls:sys_enter: NR " + writeNr
                + " (3, 5595dd34f210, 8, 0, 7f438bf0bc68, 73)\n"
                + " 4242/4242   388.855487566:  raw_syscalls:sys_exit: NR " + writeNr + " = -5\n");
        assertThat(Iops.analyze(script).detail().orElseThrow().errors()).isEqualTo(1);
    }

    @Test
    void aSizeNoSystemCallCanHaveIsNotCountedButNoted() throws IOException {
        PerfDataBuilder b = writes(enterThenExit(), 2);
        b.enter(ENTER_ID, 7, 90_000, writeNr, 3).exit(EXIT_ID, 7, 90_100, writeNr, Long.MAX_VALUE - 5);
        b.enter(ENTER_ID, 7, 91_000, writeNr, 3).exit(EXIT_ID, 7, 91_100, writeNr, Long.MAX_VALUE - 5);
        IopsReport r = Iops.analyze(file("huge.data", b.build()));
        assertThat(r.writeOps()).isEqualTo(2);
        assertThat(r.bytesWritten()).isEqualTo(16);
        assertThat(r.notes()).contains("perf-data: 2 operations were not counted: each claims more than 2,147,479,552 "
                + "B, the most one Linux system call moves; the trace is damaged");
    }

    @Test
    void aPerfDataFileThatGrowsWhileItIsReadIsReadUpToItsSizeAtTheStart() throws IOException {
        Path f = file("growing.data", writes(enterThenExit().killed(), 1000).build());
        long size = Files.size(f);
        PerfDataBuilder more = writes(new PerfDataBuilder().killed(), 10);
        byte[] records = Arrays.copyOfRange(more.build(), more.layout().dataAt(), more.build().length);
        long[] ops = {0};
        RecordingResult result = new PerfDataTraceFormat().parse(f, op -> {
            ops[0]++;
            if (ops[0] < 10_000) { // a reader that follows the file stops there (17 MB)
                try {
                    Files.write(f, records, StandardOpenOption.APPEND); // perf is still writing
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        assertThat(ops[0]).isEqualTo(1000);
        assertThat(result.notes()).contains("perf-data: read up to " + String.format("%,d", size) + " B, the file's "
                + "size when the reading began; it grew while it was read, to " + String.format("%,d", Files.size(f))
                + " B: the rest was not read");
    }

    @Test
    void perfScriptTextGrowingWhileReadIsReadUpToItsSizeAtTheStart() throws IOException {
        Path f = dir.resolve("growing.txt");
        String call = " 4242/4242   388.855484490: raw_syscalls:sys_enter: NR " + writeNr + " (3, 5595dd34f210, 8, 0, "
                + "7f438bf0bc68, 73)\n 4242/4242   388.855487566:  raw_syscalls:sys_exit: NR " + writeNr + " = 8\n";
        Files.writeString(f, call.repeat(500));
        long size = Files.size(f);
        long[] ops = {0};
        RecordingResult result = new PerfScriptTraceFormat().parse(f, op -> {
            ops[0]++;
            if (ops[0] < 100_000) { // a reader that follows the file stops there (17 MB), not at the disk's end
                try {
                    Files.writeString(f, call, StandardOpenOption.APPEND);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        });
        assertThat(ops[0]).isEqualTo(500);
        assertThat(result.notes()).contains("perf-script: read up to " + String.format("%,d", size) + " B, the file's "
                + "size when the reading began; it grew while it was read, to " + String.format("%,d", Files.size(f))
                + " B: the rest was not read");
    }

    @Test
    void perfScriptTextWithRandomBytesAfterItAndNoLastNewlineIsNoted() throws IOException {
        Path f = dir.resolve("noisy.txt");
        String call = " 4242/4242   388.855484490: raw_syscalls:sys_enter: NR " + writeNr + " (3, 5595dd34f210, 8, 0, "
                + "7f438bf0bc68, 73)\n 4242/4242   388.855487566:  raw_syscalls:sys_exit: NR " + writeNr + " = 8\n";
        Files.writeString(f, call.repeat(3));
        byte[] noise = new byte[5_000];
        new Random(5).nextBytes(noise);
        noise[noise.length - 1] = 'x';
        Files.write(f, noise, StandardOpenOption.APPEND);
        IopsReport r = Iops.analyze(f);
        assertThat(r.writeOps()).isEqualTo(3);
        long lines = 1;
        for (byte b : noise) {
            lines += b == '\n' ? 1 : 0;
        }
        long skipped = lines;
        assertThat(r.notes()).contains("perf-script: " + skipped + " of " + (6 + skipped) + " lines (5,000 B) were not "
                + "raw_syscalls events and were skipped (the first is line 7, at byte " + call.length() * 3
                + "; the last has no newline: the file may have been cut there)");
        assertThat(String.join("\n", r.notes())).matches("[\\x20-\\x7e\\n]*");
    }

    @Test
    void perfScriptTextWhoseLastLineHasNoNewlineIsReadAndNoted() throws IOException {
        Path f = dir.resolve("last.txt");
        String last = " 4242/4242   388.855487566:  raw_syscalls:sys_exit: NR " + writeNr + " = 8";
        Files.writeString(f, " 4242/4242   388.855484490: raw_syscalls:sys_enter: NR " + writeNr + " (3, "
                + "5595dd34f210, 8, 0, 7f438bf0bc68, 73)\n" + last);
        IopsReport r = Iops.analyze(f);
        assertThat(r.writeOps()).isEqualTo(1);
        assertThat(r.notes()).contains("perf-script: the last line (" + last.length() + " B) has no newline: it was "
                + "read as it is; if the file was cut there, its call may be cut too");
    }
}
