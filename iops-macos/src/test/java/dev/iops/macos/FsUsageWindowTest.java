package dev.iops.macos;

import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The window logic on a recorded line sequence ({@code src/test/resources/fs_usage/window-process.txt}): a
 * session thread 4242001 writes 3 x 4 KiB between the markers, a worker thread 4242002 writes 512 bytes and fails
 * one read, the library's thread 4242003 reads 32 KiB of its own trace file (opened before the window), and disk
 * lines of this process
 * and of {@code mds_stores} arrive in between.
 */
class FsUsageWindowTest {
    private static final long SESSION = 4242001;
    private static final long WORKER = 4242002;

    private static List<String> lines(String resource) throws IOException {
        try (InputStream in = FsUsageWindowTest.class.getResourceAsStream(resource)) {
            List<String> out = new ArrayList<>();
            for (String l : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!l.startsWith("#")) {
                    out.add(l);
                }
            }
            return out;
        }
    }

    private static final String TRACE = "/private/var/folders/xy/T/iops-fs_usage-1.trace";

    private static FsUsageWindow.Summary run(List<String> lines, Scope scope, Set<String> ownPaths, List<Op> ops) {
        FsUsageWindow w = new FsUsageWindow("iops-mark-7f3a-b", "iops-mark-7f3a-e", scope, ownPaths, Set.of(),
                ops::add);
        for (String l : lines) {
            byte[] b = l.getBytes(StandardCharsets.UTF_8);
            w.line(b, 0, b.length);
            if (w.done()) {
                break;
            }
        }
        return w.summary();
    }

    @Test
    void processScopeCountsEveryThreadBetweenTheMarkersButNotTheLibrarysTraceReads() throws IOException {
        List<Op> ops = new ArrayList<>();
        FsUsageWindow.Summary s = run(lines("/fs_usage/window-process.txt"), Scope.PROCESS, Set.of(TRACE), ops);
        assertThat(s.begun()).isTrue();
        assertThat(s.ended()).isTrue();
        assertThat(s.sessionThread()).isEqualTo(SESSION);
        // the write before the begin marker (16 B) and the one after the end marker (64 B) are outside
        assertThat(ops).extracting(Op::kind, Op::bytes, Op::threadId, Op::failed).containsExactly(
                org.assertj.core.groups.Tuple.tuple(OpKind.WRITE, 4096L, SESSION, false),
                org.assertj.core.groups.Tuple.tuple(OpKind.WRITE, 4096L, SESSION, false),
                org.assertj.core.groups.Tuple.tuple(OpKind.WRITE, 4096L, SESSION, false),
                org.assertj.core.groups.Tuple.tuple(OpKind.WRITE, 512L, WORKER, false),
                org.assertj.core.groups.Tuple.tuple(OpKind.READ, 0L, WORKER, true));
        assertThat(s.operations()).isEqualTo(5);
        // the file opened before the block keeps its path; the one opened inside too
        assertThat(ops).extracting(Op::path).containsExactly("/Users/me/data/target", "/Users/me/data/target",
                "/Users/me/data/target", "/Users/me/data/other", "/Users/me/data/other");
        assertThat(ops).extracting(Op::target).containsOnly(TargetKind.FILE);
        // 10:00:00.002000 completion - 20 us elapsed - 10:00:00.001000 marker = 980 us into the window
        assertThat(ops.get(0).offsetNanos()).isEqualTo(980_000L);
        assertThat(ops.get(0).durationNanos()).isEqualTo(20_000L);
    }

    @Test
    void diskLinesAreStorageBytesNeverOperations() throws IOException {
        List<Op> ops = new ArrayList<>();
        FsUsageWindow.Summary s = run(lines("/fs_usage/window-process.txt"), Scope.PROCESS, Set.of(TRACE), ops);
        assertThat(s.storageWriteBytes()).isEqualTo(0x3000);
        assertThat(s.storageReadBytes()).isZero();     // the RdData was mds_stores', not ours
        assertThat(s.otherDiskLines()).isEqualTo(1);
        assertThat(ops).noneMatch(op -> op.bytes() == 0x3000 || op.bytes() == 0x1000 && op.kind() == OpKind.READ);
    }

    @Test
    void threadScopeKeepsTheBeginMarkersThreadOnly() throws IOException {
        List<Op> ops = new ArrayList<>();
        FsUsageWindow.Summary s = run(lines("/fs_usage/window-process.txt"), Scope.THREAD, Set.of(TRACE), ops);
        assertThat(ops).extracting(Op::threadId).containsOnly(SESSION);
        assertThat(ops.stream().mapToLong(Op::bytes).sum()).isEqualTo(3 * 4096L);
        assertThat(s.operations()).isEqualTo(3);
    }

    @Test
    void dropsOperationsOnTheLibrarysOwnPaths() throws IOException {
        List<Op> ops = new ArrayList<>();
        run(lines("/fs_usage/window-process.txt"), Scope.PROCESS, Set.of(TRACE, "/Users/me/data/other"), ops);
        assertThat(ops).extracting(Op::threadId).containsOnly(SESSION);
    }

    @Test
    void dropsReadsOnTheLibrarysOwnDescriptorWhoseOpenCameBeforeTheTrace() throws IOException {
        List<String> lines = new ArrayList<>(lines("/fs_usage/window-process.txt"));
        lines.remove(0); // the trace reader's open line: fs_usage was not running yet when the reader opened it
        List<Op> counted = new ArrayList<>();
        FsUsageWindow w = new FsUsageWindow("iops-mark-7f3a-b", "iops-mark-7f3a-e", Scope.PROCESS, Set.of(),
                Set.of(7), counted::add);
        lines.forEach(w::accept);
        assertThat(counted).extracting(Op::bytes).containsExactly(4096L, 4096L, 4096L, 512L, 0L);
        List<Op> unguarded = new ArrayList<>();
        FsUsageWindow u = new FsUsageWindow("iops-mark-7f3a-b", "iops-mark-7f3a-e", Scope.PROCESS, Set.of(), Set.of(),
                unguarded::add);
        lines.forEach(u::accept);
        assertThat(unguarded).extracting(Op::bytes).contains(0x8000L); // without it, the 32 KiB read would count
    }

    @Test
    void aBufferOverrunMarksTheWindowIncomplete() throws IOException {
        List<String> lines = new ArrayList<>(lines("/fs_usage/window-process.txt"));
        lines.add(6, "fs_usage: buffer overrun, events generated too quickly");
        FsUsageWindow.Summary s = run(lines, Scope.PROCESS, Set.of(TRACE), new ArrayList<>());
        assertThat(s.overrun()).isTrue();
        assertThat(run(lines("/fs_usage/window-process.txt"), Scope.PROCESS, Set.of(TRACE), new ArrayList<>()).overrun())
                .isFalse();
    }

    @Test
    void aMissingEndMarkerIsReportedNotGuessed() throws IOException {
        List<String> lines = lines("/fs_usage/window-process.txt");
        List<Op> ops = new ArrayList<>();
        FsUsageWindow.Summary s = run(lines.subList(0, 8), Scope.PROCESS, Set.of(TRACE), ops);
        assertThat(s.begun()).isTrue();
        assertThat(s.ended()).isFalse();
        FsUsageWindow.Summary none = run(lines.subList(0, 2), Scope.PROCESS, Set.of(TRACE), new ArrayList<>());
        assertThat(none.begun()).isFalse();
    }

    @Test
    void dataLinesWithoutByteCountsAreCountedAsUnsized() {
        List<Op> ops = new ArrayList<>();
        FsUsageWindow w = new FsUsageWindow("mk-b", "mk-e", Scope.PROCESS, Set.of(), Set.of(), ops::add);
        w.accept("03:51:56.000001  stat64                 [  2]           /tmp/mk-b                  0.000006   probe.5");
        // a narrow-layout write (no B=, no thread id) between wide markers: a data call of unknown size
        w.accept("03:51:57  write                                                                                              0.000038   probe       ");
        w.accept("03:51:58.000001  stat64                 [  2]           /tmp/mk-e                  0.000006   probe.5");
        assertThat(w.summary().unsized()).isEqualTo(1);
        assertThat(ops).isEmpty();
    }

    @Test
    void markersAreFoundWhenCutFromTheLeftOrPaddedWithAngleBrackets() {
        List<Op> ops = new ArrayList<>();
        FsUsageWindow w = new FsUsageWindow("iops-mark-1-b", "iops-mark-1-e", Scope.PROCESS, Set.of(), Set.of(), ops::add);
        w.accept("18:50:50.229830  stat64                 [  2]           /private/tmp/iops-mark-1-b>>>>>>>>>>>>>>>>                                    0.000031   java.7");
        w.accept("18:50:50.229900  write             F=3    B=0x8                                              0.000002   java.7");
        w.accept("18:50:50.229990  stat64                 [  2]           ate/tmp/iops-mark-1-e                                    0.000031   java.7");
        assertThat(w.summary().ended()).isTrue();
        assertThat(ops).extracting(Op::bytes).containsExactly(8L);
    }
}
