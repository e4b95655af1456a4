package dev.iops.linux;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The kernel filter's pid clause, from the ids a start sees (pure: no kernel). */
class OwnTidsTest {
    @Test
    void keepsTheListedThreadsAndEveryIdFromTheNextOne() {
        OwnTids t = OwnTids.of(new int[]{5120, 5000, 5001}, 6000, 4_194_304);
        assertThat(t.and("id == 0 || id == 1")).isEqualTo("(id == 0 || id == 1) && (common_pid == 5120 || "
                + "common_pid == 5000 || common_pid == 5001 || (common_pid >= 6000))");
        assertThat(t.test(5000)).isTrue();
        assertThat(t.test(6000)).isTrue();
        assertThat(t.test(70_000)).isTrue();
        assertThat(t.test(5002)).as("another process, running before the start").isFalse();
        assertThat(t.test(5999)).isFalse();
        assertThat(t.test(300)).isFalse();
    }

    @Test
    void aThreadListedAfterTheNextIdWasReadIsCoveredByTheRange() {
        OwnTids t = OwnTids.of(new int[]{100, 6001}, 6000, 4_194_304);
        assertThat(t.and("id == 0")).isEqualTo("(id == 0) && (common_pid == 100 || (common_pid >= 6000))");
    }

    @Test
    void noClauseWhenIdsMayWrapInsideTheBlock() {
        assertThat(OwnTids.of(new int[]{31_000}, 31_001, 32_768)).isSameAs(OwnTids.NONE); // 1767 left: < 2048
        assertThat(OwnTids.of(new int[]{20_000}, 20_001, 32_768)).isNotSameAs(OwnTids.NONE); // 12767 left of 32768
        assertThat(OwnTids.of(new int[]{30_000}, 30_001, 32_768)).isNotSameAs(OwnTids.NONE); // 2767 left
        assertThat(OwnTids.of(new int[]{4_000_000}, 4_000_001, 4_194_304)).isSameAs(OwnTids.NONE);
        assertThat(OwnTids.of(new int[]{5}, 0, 4_194_304)).as("next id unknown").isSameAs(OwnTids.NONE);
        assertThat(OwnTids.of(new int[0], 100, 4_194_304)).isSameAs(OwnTids.NONE);
        assertThat(OwnTids.of(new int[]{5}, 6, 0)).as("pid_max unknown").isSameAs(OwnTids.NONE);
        assertThat(OwnTids.NONE.and("id == 0")).isEqualTo("id == 0");
        assertThat(OwnTids.NONE.test(1)).isTrue();
    }

    @Test
    void manyThreadsFallBackToEveryIdFromTheLowestAndTheFilterFitsTheKernelsPage() {
        int[] tids = new int[500];
        for (int i = 0; i < tids.length; i++) {
            tids[i] = 1000 + 3 * i;
        }
        OwnTids t = OwnTids.of(tids, 9000, 4_194_304);
        assertThat(t.and("id == 0")).isEqualTo("(id == 0) && ((common_pid >= 1000))");
        assertThat(t.test(999)).isFalse();
        assertThat(t.test(1001)).isTrue();
    }

    @Test
    void theLongestClauseFitsAPageWithTheSyscallFilter() {
        int[] tids = new int[OwnTids.MAX_CLAUSE / 25];
        for (int i = 0; i < tids.length; i++) {
            tids[i] = 4_000_000 + i;
        }
        String syscalls = PerfSyscalls.forArch("amd64").filter();
        String filter = OwnTids.of(tids, 4_000_100, 4_194_304 * 2L).and(syscalls);
        assertThat(filter).contains("common_pid == 4000000");
        assertThat(filter.length()).isLessThan(4095);
    }

    @Test
    void procSysFilesAreReadWhole() throws Exception {
        // Files.readString reads a /proc/sys file of size 0 one byte first, and such a file ends after that byte
        for (String f : new String[]{"/proc/sys/kernel/pid_max", "/proc/sys/kernel/ns_last_pid"}) {
            java.nio.file.Path p = java.nio.file.Path.of(f);
            org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(p), f);
            String whole = java.nio.file.Files.readAllLines(p).get(0);
            assertThat(whole.length()).isGreaterThan(1);
            if (f.endsWith("pid_max")) {
                assertThat(TracepointProfiler.read(f)).isEqualTo(whole + "\n");
            }
        }
        OwnTids mine = OwnTids.ofThisProcess(-1, Long.parseLong(TracepointProfiler.read("/proc/sys/kernel/pid_max")
                .trim()));
        long pid = ProcessHandle.current().pid();
        assertThat(mine.test((int) pid)).as(mine.and("")).isTrue();
    }

    @Test
    void aThreadStartedInTheBlockWithAnIdTheFilterDropsIsCountedAsUncovered() {
        // ids wrapped: the stream sees the fork record (that event has no pid clause) and the window must fail
        TracepointIds ids = new TracepointIds(10, 11, "test");
        OwnTids filter = OwnTids.of(new int[]{500}, 6000, 4_194_304);
        TracepointStream stream = new TracepointStream(ids, 500, 1, 1000, filter);
        stream.from(0);
        stream.records.fork(500, 500, 7000, 1); // a thread of ours with a high id: kept by the filter
        stream.records.fork(7001, 500, 7001, 2); // a child process of ours
        stream.pass();
        assertThat(stream.uncovered()).isZero();
        stream.records.fork(500, 500, 301, 3); // a thread whose id wrapped around pid_max: below the bound
        stream.records.fork(302, 42, 302, 4); // another process's child: not ours, not counted
        stream.records.fork(303, 7001, 303, 5); // a child of our child, wrapped too
        stream.pass();
        assertThat(stream.uncovered()).isEqualTo(2);
        assertThat(TracepointProfiler.uncovered(1)).contains("wrapped").contains("pid_max");
    }

    @Test
    void onceIdsWrappedTheProcessesRunningAboveTheNextIdAreExcluded() {
        // pid_max 32768, ids wrapped: next is 10496, two `yes` loops started before the wrap run as 30521 and 30522
        OwnTids t = OwnTids.of(new int[]{9000}, 10_496, 32_768, new int[]{30_522, 42, 30_521, 10_000});
        assertThat(t.and("id == 1")).isEqualTo("(id == 1) && (common_pid == 9000 || (common_pid >= 10496 && "
                + "common_pid != 30521 && common_pid != 30522))");
        assertThat(t.test(30_521)).isFalse();
        assertThat(t.test(30_522)).isFalse();
        assertThat(t.test(10_497)).as("a process started in the block").isTrue();
        assertThat(t.test(10_000)).as("below next: dropped by the range").isFalse();
        assertThat(t.test(9000)).isTrue();
        int[] many = new int[200];
        for (int i = 0; i < many.length; i++) {
            many[i] = 20_000 + i;
        }
        String filter = OwnTids.of(new int[]{9000}, 10_496, 32_768, many).and(PerfSyscalls.forArch("amd64").filter());
        assertThat(filter).contains("common_pid != 20047").doesNotContain("common_pid != 20048");
        assertThat(filter.length()).isLessThan(4095);
    }
}
