package dev.iops.macos;

import dev.iops.macos.FsUsageLine.Group;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The parser on the 146 real records of {@code ../shared/reference/fs_usage-lines.txt} (copied to
 * {@code src/test/resources/fs_usage/reference-lines.txt}). Expected counts and byte totals were taken from the
 * file with awk and python over its call and {@code B=} columns, not from this parser.
 */
class FsUsageParserTest {

    static List<String> referenceRecords() throws IOException {
        try (InputStream in = FsUsageParserTest.class.getResourceAsStream("/fs_usage/reference-lines.txt")) {
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>();
            for (String l : text.split("\n", -1)) {
                if (!l.startsWith("#") && !l.isBlank()) {
                    lines.add(l);
                }
            }
            return lines;
        }
    }

    private static FsUsageLine parse(String line) {
        byte[] b = (line + "\n").getBytes(StandardCharsets.UTF_8);
        return FsUsageParser.parse(b, 0, b.length);
    }

    private static List<FsUsageLine> parsed(Predicate<FsUsageLine> filter) throws IOException {
        List<FsUsageLine> out = new ArrayList<>();
        for (String l : referenceRecords()) {
            FsUsageLine p = parse(l);
            if (p != null && filter.test(p)) {
                out.add(p);
            }
        }
        return out;
    }

    @Test
    void classifiesEveryReferenceRecordIntoItsGroup() throws IOException {
        List<String> records = referenceRecords();
        assertThat(records).hasSize(146);
        Map<Group, Integer> counts = new EnumMap<>(Group.class);
        List<String> unparsed = new ArrayList<>();
        for (String l : records) {
            FsUsageLine p = parse(l);
            if (p == null) {
                unparsed.add(l.substring(0, 40));
            } else {
                counts.merge(p.group(), 1, Integer::sum);
            }
        }
        // The two lines their publishers cut before the process name: not attributable, so not records.
        assertThat(unparsed).containsExactly("14:48:07.350811  stat64  [  2]  /Users/t",
                "15:25:06.884820    WrData[A]       D=0x0");
        assertThat(counts).containsOnly(
                entry(Group.READ, 4),
                entry(Group.WRITE, 16),         // 13 write, 2 pwrite, 1 writev
                entry(Group.METADATA, 40),      // stat/lstat/fstat(at)64, getattrlist, readlink, rename, mkdir, truncate...
                entry(Group.DISK_READ, 23),     // 16 RdData, 4 RdMeta, 2 PgIn, 1 RdChunkCS
                entry(Group.DISK_WRITE, 24),    // 24 WrData + 1 PgOut, less the cut line
                entry(Group.OPEN, 16),
                entry(Group.CLOSE, 9),
                entry(Group.OTHER, 12));        // 3 lseek, 3 fcntl, 3 exit, 2 fsync, 1 mmap
    }

    @Test
    void readsTheBytesActuallyTransferredPerGroup() throws IOException {
        List<FsUsageLine> writes = parsed(p -> p.group() == Group.WRITE);
        assertThat(writes.stream().filter(p -> p.bytes() >= 0).count()).isEqualTo(15); // the narrow write has no B=
        assertThat(writes.stream().mapToLong(p -> Math.max(0, p.bytes())).sum()).isEqualTo(4_199_358L);
        List<FsUsageLine> reads = parsed(p -> p.group() == Group.READ);
        assertThat(reads).extracting(FsUsageLine::bytes).containsExactly(0xeaL, 0xa8L, 0x8L, 0x88L);
        List<FsUsageLine> diskWrites = parsed(p -> p.group() == Group.DISK_WRITE);
        assertThat(diskWrites.stream().mapToLong(p -> Math.max(0, p.bytes())).sum()).isEqualTo(3_236_222L);
        List<FsUsageLine> diskReads = parsed(p -> p.group() == Group.DISK_READ);
        assertThat(diskReads.stream().filter(p -> p.bytes() >= 0).count()).isEqualTo(21); // two are errors
        assertThat(diskReads.stream().mapToLong(p -> Math.max(0, p.bytes())).sum()).isEqualTo(747_680L);
        assertThat(parsed(p -> p.group() == Group.METADATA || p.group() == Group.OPEN || p.group() == Group.CLOSE))
                .allSatisfy(p -> assertThat(p.bytes()).as(p.call()).isEqualTo(-1));
    }

    @Test
    void parsesAWideWriteLineField_byField() {
        FsUsageLine p = parse("03:51:12.201059  write             F=3    B=0x400000                                                                                                                                                                          0.000967   probe.19050");
        assertThat(p).isEqualTo(new FsUsageLine(Group.WRITE, "write", (3 * 3600 + 51 * 60 + 12) * 1_000_000L + 201_059,
                3, 0x400000, 0, null, null, 967_000, "probe", 19050));
    }

    @Test
    void ignoresTheBogusPwriteOffsetAndKeepsTheByteCount() {
        FsUsageLine p = parse("03:51:19.005219  pwrite            F=3    B=0x8        O=0x0800000000                                                                                                                                                         0.000007   probe.19206");
        assertThat(p.group()).isEqualTo(Group.WRITE);
        assertThat(p.bytes()).isEqualTo(8);
        assertThat(p.fd()).isEqualTo(3);
        assertThat(p.path()).isNull();
    }

    @Test
    void keepsDiskLinesApartWithDeviceAndPath() {
        FsUsageLine p = parse("03:51:12.203502    WrData[AT1]     D=0x00a41d8f  B=0x100000 /dev/disk3s5  /private/tmp/se286f1.UzbspX/P2-write-large-state/target                                                                                             0.001032 W probe.19050");
        assertThat(p.group()).isEqualTo(Group.DISK_WRITE);
        assertThat(p.isDisk()).isTrue();
        assertThat(p.bytes()).isEqualTo(0x100000);
        assertThat(p.device()).isEqualTo("/dev/disk3s5");
        assertThat(p.path()).isEqualTo("/private/tmp/se286f1.UzbspX/P2-write-large-state/target");
        assertThat(p.threadId()).isEqualTo(19050);

        FsUsageLine error = parse("20:47:45.256908    RdData[S]       D=0x00000001  [ 16]    /dev/sophos1                                                                                                                                                        5.001018 W SophosScanDLegac.3530");
        assertThat(error.errno()).isEqualTo(16);
        assertThat(error.bytes()).isEqualTo(-1);
        assertThat(error.device()).isEqualTo("/dev/sophos1");
        assertThat(error.path()).isNull();
        assertThat(error.elapsedNanos()).isEqualTo(5_001_018_000L);
    }

    @Test
    void readsErrnoFlagsAndDirectoryDescriptorPrefixes() {
        FsUsageLine open = parse("03:50:39.633046  open                   [  2] (_WC_T__________)  /private/tmp/se286f1.UzbspX/P4-fail-open-state/missing-dir/leaf                                                                                              0.000024   probe.15823");
        assertThat(open.group()).isEqualTo(Group.OPEN);
        assertThat(open.errno()).isEqualTo(2);
        assertThat(open.fd()).isEqualTo(-1);
        assertThat(open.path()).isEqualTo("/private/tmp/se286f1.UzbspX/P4-fail-open-state/missing-dir/leaf");

        FsUsageLine mkdir = parse("03:50:49.079980  mkdir                  [ 17]           /private/tmp/se286f1.UzbspX/P4-fail-mkdir-state/subdir                                                                                                                0.000004   probe.17031");
        assertThat(mkdir.errno()).isEqualTo(17);
        assertThat(mkdir.group()).isEqualTo(Group.METADATA);

        FsUsageLine at = parse("23:52:52.781431  fstatat64              [  2]           [-2]/private/tmp/test123.txt                                                                                                                                          0.001226   touch.3523509");
        assertThat(at.errno()).isEqualTo(2);
        assertThat(at.path()).isEqualTo("[-2]/private/tmp/test123.txt");

        FsUsageLine mkdirat = parse("14:48:08.148395  mkdirat  [-2]//Users/test  0.000064  DirectoryTools.5135");
        assertThat(mkdirat.errno()).isZero();
        assertThat(mkdirat.path()).isEqualTo("[-2]//Users/test");
    }

    @Test
    void takesTheThreadIdAfterTheLastDotOfNamesWithDotsBlanksAndParentheses() throws IOException {
        assertThat(parse("17:43:09.341576  lstat64                                /some/path                          0.000005   Code Helper (Plugin).1415537"))
                .extracting(FsUsageLine::process, FsUsageLine::threadId, FsUsageLine::path)
                .containsExactly("Code Helper (Plugin)", 1415537L, "/some/path");
        assertThat(parse("23:52:51.346567  lstat64                [  2]           private/tmp/LittleSnitchDebugLogs                                                                                                                                     0.000025   at.obdev.littlesnitch.networkex.3515250"))
                .extracting(FsUsageLine::process, FsUsageLine::threadId)
                .containsExactly("at.obdev.littlesnitch.networkex", 3515250L);
        // Two threads of one process in the josh-terrill group.
        assertThat(parsed(p -> p.process().equals("GenerativeExperiencesSafetyInfer")))
                .extracting(FsUsageLine::threadId).containsOnly(11988643L, 12349812L);
        // Every wide record has a thread id; narrow ones (HH:MM:SS) have none, even "perl5.28".
        for (FsUsageLine p : parsed(p -> true)) {
            boolean narrow = p.timeOfDayMicros() % 1_000_000 == 0 && p.threadId() < 0;
            assertThat(p.threadId() >= 0 || narrow).as(p.toString()).isTrue();
        }
        assertThat(parsed(p -> p.process().startsWith("perl5"))).extracting(FsUsageLine::process, FsUsageLine::threadId)
                .containsOnly(org.assertj.core.groups.Tuple.tuple("perl5.28", -1L));
    }

    @Test
    void keepsPathsWithBlanksUtf8AndLeftCuts() {
        FsUsageLine weird = parse("03:52:04.620027  open              F=3        (_WC_T__________)  /private/tmp/se286f1.UzbspX/wei rd-ステート/state/sentinel-start                                                                                         0.000109   probe.23456");
        assertThat(weird.path()).isEqualTo("/private/tmp/se286f1.UzbspX/wei rd-ステート/state/sentinel-start");
        assertThat(weird.fd()).isEqualTo(3);
        FsUsageLine spaced = parse("08:56:33.611290  getattrlist                            /Library/Application Support/org.pqrs/tmp/user           0.000143   mds.46788");
        assertThat(spaced.path()).isEqualTo("/Library/Application Support/org.pqrs/tmp/user");
        FsUsageLine narrow = parse("10:55:32  stat64            es/4 TB Utility/.Spotlight-V100/Store-V2/069E7AE9-4CA8-4342-AF0A-EE472A279FC4    0.000007   mds_stores  ");
        assertThat(narrow.path()).isEqualTo("es/4 TB Utility/.Spotlight-V100/Store-V2/069E7AE9-4CA8-4342-AF0A-EE472A279FC4");
        assertThat(narrow.process()).isEqualTo("mds_stores");
        // A path cut in the middle of a multi-byte character still parses (the broken byte becomes U+FFFD).
        byte[] cut = "03:52:04.620027  stat64                                 \u00b9/x                0.000109   probe.1".getBytes(StandardCharsets.UTF_8);
        int at = new String(cut, StandardCharsets.ISO_8859_1).indexOf('/') - 2;
        cut[at] = ' ';
        assertThat(FsUsageParser.parse(cut, 0, cut.length).path()).isEqualTo("\ufffd/x");
    }

    @Test
    void neverThrowsOnGarbageTruncatedOrSplitLines() throws IOException {
        int records = 0;
        for (String line : referenceRecords()) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            for (int len = 0; len <= b.length; len++) {
                FsUsageParser.parse(b, 0, len); // every prefix: a line cut anywhere
                FsUsageParser.parse(b, len, b.length - len); // every suffix: the second half of a split record
            }
            records++;
        }
        assertThat(records).isEqualTo(146);
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            byte[] junk = new byte[random.nextInt(300)];
            random.nextBytes(junk);
            byte[] head = "12:00:00.000000  write  F=".getBytes(StandardCharsets.US_ASCII);
            if (junk.length > head.length && random.nextBoolean()) {
                System.arraycopy(head, 0, junk, 0, head.length);
            }
            FsUsageParser.parse(junk, 0, junk.length);
        }
        assertThat(FsUsageParser.parse(null, 0, 0)).isNull();
        assertThat(FsUsageParser.parse(new byte[3], 2, 5)).isNull();
        assertThat(parse("")).isNull();
        assertThat(parse("fs_usage: buffer overrun, events generated too quickly")).isNull();
        // Out-of-range fields are not read as numbers: the data line then has no byte count (the window flags it).
        assertThat(parse("12:00:00.000000  write             F=99999999999999999999  B=0xffffffffffffffffff   0.000001   x.1"))
                .extracting(FsUsageLine::fd, FsUsageLine::bytes).containsExactly(-1, -1L);
        assertThat(parse("12:00:00.000000  write             F=3    B=0xfffffffffffffffff                     0.000001   x.1")
                .bytes()).isEqualTo(-1); // 17 hex digits: not a byte count
        // The first half of a record split by an odd byte in a file name: no elapsed time and name, not a record.
        assertThat(parse("03:52:04.620027  open              F=3        (_WC_T__________)  /private/tmp/odd")).isNull();
    }

    @Test
    void recognisesTheOverrunWarning() {
        assertThat(FsUsageParser.isOverrun("fs_usage: buffer overrun, events generated too quickly")).isTrue();
        assertThat(FsUsageParser.isOverrun("03:51:17.581892  stat64   /tmp/x   0.000011   probe.19206")).isFalse();
    }
}
