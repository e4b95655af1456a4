package dev.iops.linux;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** perf's messages and /proc facts, on output captured with perf 6.1 on this project's VM. */
class PerfMessagesTest {
    private static String resource(String name) throws IOException, URISyntaxException {
        return Files.readString(Path.of(PerfMessagesTest.class.getResource("/perf/" + name).toURI()),
                StandardCharsets.UTF_8);
    }

    @Test
    void lostEventsSayHowManyAndWhatToRaise() {
        assertThat(PerfMessages.lost(660, 1_199_352)).isEqualTo("perf lost 660 of 1200012 system call events (its "
                + "ring buffer overflowed: the block made system calls faster than perf could save them), so the "
                + "counts undercount the block. Raise -Diops.perf.buffer (pages per CPU, a power of 2)");
    }

    @Test
    void refusedTracepointsNameTheFix() throws Exception {
        // runuser -u nobody -- perf record -e raw_syscalls:sys_enter -p 1
        String stderr = resource("nonroot.record-stderr.txt");
        assertThat(PerfMessages.permissionProblem(stderr)).hasValue("\\___ can't access trace events");
        assertThat(PerfMessages.startFailure(stderr, "exited")).isEqualTo("perf may not trace this JVM's system "
                + "calls: \"\\___ can't access trace events\". Run as root, or give perf CAP_PERFMON and read access "
                + "to /sys/kernel/tracing (or set kernel.perf_event_paranoid=-1), or use -Diops.profiler=strace.");
        // as quoted in issue 9 from a non-root run with readable tracefs
        assertThat(PerfMessages.permissionProblem("Error:\nAccess to performance monitoring and observability "
                + "operations is limited.\n")).isPresent();
    }

    @Test
    void otherStartFailuresQuotePerf() {
        assertThat(PerfMessages.startFailure("a\n\nb\nc\nd\n", "exited (status 129) before it acknowledged 'enable'"))
                .isEqualTo("perf record exited (status 129) before it acknowledged 'enable'; it said: b / c / d. "
                        + "Check -Diops.perf.path, or use -Diops.profiler=strace.");
    }

    @Test
    void rootAndCapabilitiesAreReadFromProcStatus() throws Exception {
        assertThat(PerfProfiler.permissionProblem(resource("root.status.txt"))).isNull();
        assertThat(PerfProfiler.permissionProblem(resource("nonroot.status.txt"))).isEqualTo("perf needs root or "
                + "CAP_PERFMON to record this JVM's tracepoints (uid 65534 has neither); run as root, grant "
                + "CAP_PERFMON (e.g. setcap cap_perfmon+ep on java), or use -Diops.profiler=strace");
        String perfmonOnly = resource("nonroot.status.txt").replace("CapEff:\t0000000000000000",
                "CapEff:\t0000004000000000");
        assertThat(PerfProfiler.permissionProblem(perfmonOnly)).isNull();
        assertThat(PerfProfiler.permissionProblem(null)).isNull();
    }

    @Test
    void recordCommandStartsDisabledOnTheMonotonicClockWithBothFilters() {
        List<String> cmd = PerfProfiler.recordCommand(Path.of("/usr/bin/perf"), PerfSyscalls.X86_64, 42, 4,
                Path.of("/t/io.data"), true);
        String f = PerfSyscalls.X86_64.filter();
        assertThat(cmd).containsExactly("/usr/bin/perf", "record", "-D", "-1", "--control", "fd:0,1",
                "--no-bpf-event", "--synth=no", "-B", "-N", "-k", "CLOCK_MONOTONIC",
                "-e", "raw_syscalls:sys_enter", "--filter", f, "-e", "raw_syscalls:sys_exit", "--filter", f,
                "-m", "4", "-p", "42", "-o", "/t/io.data");
        assertThat(PerfProfiler.recordCommand(Path.of("perf"), PerfSyscalls.GENERIC, 1, -1, Path.of("d"), true))
                .doesNotContain("-m").contains(PerfSyscalls.GENERIC.filter());
        // the attach that survives threads exiting: the same events, no kernel filter
        assertThat(PerfProfiler.recordCommand(Path.of("perf"), PerfSyscalls.X86_64, 42, -1, Path.of("d"), false))
                .containsSubsequence("-e", "raw_syscalls:sys_enter", "-e", "raw_syscalls:sys_exit", "-p", "42")
                .doesNotContain("--filter");
    }

    @Test
    void aThreadExitingDuringTheAttachIsRecognisedInEachOfPerfsWaysOfSayingIt() {
        // an open that failed with ESRCH; and perf 6.1's output captured on this project's CI, where a test's threads
        // ended while perf attached
        assertThat(PerfMessages.threadExitedDuringAttach("Error:\nThe sys_enter event is not supported or the pid "
                + "went away: No such process\n")).isTrue();
        assertThat(PerfMessages.threadExitedDuringAttach("WARNING: Ignored open failure for pid 2772\nfailed to set "
                + "filter \"id == 0 || id == 1\" on event raw_syscalls:sys_enter with 17 (File exists)\n")).isTrue();
        // captured here with a Python process that starts and joins threads without pause
        assertThat(PerfMessages.threadExitedDuringAttach("WARNING: Ignored open failure for pid 7065\nfailed to set "
                + "filter \"id == 0 || id == 1\" on event raw_syscalls:sys_enter with 3 (No such process)\n")).isTrue();
        assertThat(PerfMessages.threadExitedDuringAttach("failed to set filter \"id == 0\" on event "
                + "raw_syscalls:sys_enter with 22 (Invalid argument)\n")).as("a bad filter is not a race").isFalse();
    }
}
