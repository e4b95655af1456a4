package dev.iops.linux;

import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Paths of descriptors opened inside a window: given only when the trace proves them, on recorded sequences. */
class OpenedPathsTest {
    private static final PerfSyscalls X86 = PerfSyscalls.X86_64;
    private static final long PID = 100;

    @Test
    void aResolutionMadeBeforeTheCloseNamesTheDescriptor() {
        OpenedPaths p = new OpenedPaths(fd -> fd == 7 ? "/data/a.bin" : null);
        p.resolve(7, 1_000, () -> 1_500);
        assertThat(p.between(7, Long.MIN_VALUE, 2_000).path()).isEqualTo("/data/a.bin");
        assertThat(p.between(7, Long.MIN_VALUE, 2_000).kind()).isEqualTo(TargetKind.FILE);
    }

    @Test
    void aResolutionMadeAfterTheCloseNamesNothing() {
        // closed at 1,200, the link read at 1,500 may be another file's that took the same number
        OpenedPaths p = new OpenedPaths(fd -> "/data/other.bin");
        p.resolve(7, 1_000, () -> 1_500);
        assertThat(p.between(7, Long.MIN_VALUE, 1_200)).isNull();
    }

    @Test
    void theOpenOfEachIntervalIsTheOneThatCounts() {
        String[] now = {"/data/a.bin"};
        OpenedPaths p = new OpenedPaths(fd -> now[0]);
        p.resolve(7, 1_000, () -> 1_100); // a.bin, closed at 2,000
        now[0] = "/data/b.bin";
        p.resolve(7, 3_000, () -> 3_100); // b.bin, closed at 4,000
        assertThat(p.between(7, Long.MIN_VALUE, 2_000).path()).isEqualTo("/data/a.bin");
        assertThat(p.between(7, 2_000, 4_000).path()).isEqualTo("/data/b.bin");
        assertThat(p.between(7, 4_000, 9_000)).as("no open in that interval").isNull();
        assertThat(p.between(8, Long.MIN_VALUE, 9_000)).isNull();
    }

    @Test
    void aLostOpenRecordMakesEveryResolutionUntrusted() {
        OpenedPaths p = new OpenedPaths(fd -> "/data/a.bin");
        p.resolve(7, 1_000, () -> 1_100);
        p.distrust();
        assertThat(p.between(7, Long.MIN_VALUE, 2_000)).isNull();
    }

    @Test
    void aDescriptorAlreadyClosedIsNotResolved() {
        OpenedPaths p = new OpenedPaths(fd -> null);
        p.resolve(7, 1_000, () -> 1_100);
        assertThat(p.size()).isZero();
    }

    @Test
    void anOpenBeforeTheWindowNeverNamesADescriptorOpenedInsideIt() {
        // fd 9 was a class file opened and closed while the session started (before the window: its close is not
        // decoded); inside the window the block opened its own file as fd 9, too fast to be resolved
        OpenedPaths p = new OpenedPaths(fd -> "/app/lib/Some.class");
        p.resolve(9, 500, () -> 600);
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(X86, 1_000, 10_000, -1, PID, fd -> null, fd -> null, path -> false,
                pid -> false, PerfWindow.OwnTime.NONE, ops::add).opened(p);
        w.enter(PID, PID, 700, 3, 9, 0, 0); // close(9) before the window: not decoded
        w.exit(PID, PID, 710, 3, 0);
        w.enter(PID, PID, 1_200, 1, 9, 0, 4096); // write(9, ..., 4096) to the block's own file
        w.exit(PID, PID, 1_210, 1, 4096);
        w.enter(PID, PID, 1_400, 3, 9, 0, 0); // close(9)
        w.exit(PID, PID, 1_410, 3, 0);
        w.finish();
        assertThat(ops).singleElement().satisfies(op -> assertThat(op.path()).isNull());
    }

    @Test
    void aDescriptorClosedBetweenTheSnapshotAndTheWindowLosesItsSnapshotPath() {
        // the start snapshot (at 800) saw fd 9 on one of the library's own files; it was closed at 900, before the
        // window began (1,000), and the block's own file took number 9: its write is the block's, never dropped
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(X86, 1_000, 10_000, -1, PID,
                fd -> fd == 9 ? new TraceWindow.Target("/proc/100/task/7/io", TargetKind.FILE) : null, fd -> null,
                path -> path.startsWith("/proc/"), pid -> false, PerfWindow.OwnTime.NONE, ops::add)
                .releasesFrom(800);
        w.enter(PID, 7, 900, 3, 9, 0, 0); // close(9) by a library thread, after the snapshot
        w.exit(PID, 7, 905, 3, 0);
        w.enter(PID, PID, 1_200, 1, 9, 0, 64); // the block's write(9, ..., 64)
        w.exit(PID, PID, 1_210, 1, 64);
        w.enter(PID, PID, 1_400, 3, 9, 0, 0);
        w.exit(PID, PID, 1_410, 3, 0);
        w.finish();
        assertThat(ops).singleElement().satisfies(op -> {
            assertThat(op.bytes()).isEqualTo(64);
            assertThat(op.path()).isNull();
        });
    }

    @Test
    void theDecoderGivesTheProvedPathToOperationsOnADescriptorOpenedAndClosedInside() {
        OpenedPaths p = new OpenedPaths(fd -> fd == 9 ? "/data/in.bin" : "/data/late.bin");
        p.resolve(9, 1_100, () -> 1_150); // resolved while open: closed at 1,400
        p.resolve(10, 2_100, () -> 2_600); // resolved after its close at 2,400: not proved
        List<Op> ops = new ArrayList<>();
        PerfWindow w = new PerfWindow(X86, 1_000, 10_000, -1, PID, fd -> null, fd -> null, path -> false,
                pid -> false, PerfWindow.OwnTime.NONE, ops::add).opened(p);
        w.enter(PID, PID, 1_200, 1, 9, 0, 4096); // write(9, ..., 4096)
        w.exit(PID, PID, 1_210, 1, 4096);
        w.enter(PID, PID, 1_400, 3, 9, 0, 0); // close(9)
        w.exit(PID, PID, 1_410, 3, 0);
        w.enter(PID, PID, 2_200, 0, 10, 0, 512); // read(10, ..., 512)
        w.exit(PID, PID, 2_210, 0, 512);
        w.enter(PID, PID, 2_400, 3, 10, 0, 0); // close(10)
        w.exit(PID, PID, 2_410, 3, 0);
        w.finish();
        assertThat(ops).hasSize(2);
        assertThat(ops.get(0).kind()).isEqualTo(OpKind.WRITE);
        assertThat(ops.get(0).path()).isEqualTo("/data/in.bin");
        assertThat(ops.get(1).kind()).isEqualTo(OpKind.READ);
        assertThat(ops.get(1).path()).isNull();
        assertThat(w.unresolved()).isEqualTo(1);
    }
}
