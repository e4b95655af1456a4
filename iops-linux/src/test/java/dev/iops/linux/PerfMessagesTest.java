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
                + "calls: \"\\___ can't access trace events\". perf runs as the JVM's user with the capabilities of "
                + "the JVM's ambient set only: run as root, or start the JVM with CAP_PERFMON in its ambient set and "
                + "tracefs readable to its group (see docs/profilers/perf.md#permissions), or use "
                + "-Diops.profiler=strace.");
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
        // the advice, tried: uid 65534 started with setpriv --reuid=nobody --regid=nogroup --init-groups
        // --inh-caps=+perfmon --ambient-caps=+perfmon java ..., tracefs mounted with gid=65534,mode=0750: perf
        // measured 1000 of 1000 writes (paranoid 2). The old advice, setcap on java, stops java from starting.
        assertThat(PerfProfiler.permissionProblem(resource("nonroot.status.txt"))).isEqualTo("perf needs root or "
                + "CAP_PERFMON to record this JVM's system calls (uid 65534 has neither); run as root, or start the "
                + "JVM with CAP_PERFMON in its ambient set, which its perf inherits (as root: setpriv --reuid=USER "
                + "--regid=GROUP --init-groups --inh-caps=+perfmon --ambient-caps=+perfmon java ...) and tracefs "
                + "readable to GROUP (mount -o remount,gid=<GROUP's id>,mode=0750 /sys/kernel/tracing); or use "
                + "-Diops.profiler=strace");
        // /proc/self/status under that setpriv (captured)
        assertThat(PerfProfiler.permissionProblem(resource("nonroot-ambient-perfmon.status.txt"))).isNull();
        assertThat(PerfProfiler.permissionProblem(null)).isNull();
    }

    @Test
    void rootWithoutThePerfCapabilitiesIsNotUsableSinceItsPerfWouldRecordNothing() throws Exception {
        // captured under capsh --drop=cap_perfmon,cap_sys_admin as root: there, perf started, attached, said
        // nothing, and a block of 1000 writes measured 0; with either capability kept it measured 1000
        assertThat(PerfProfiler.permissionProblem(resource("root-without-perfmon.status.txt"))).isEqualTo("perf "
                + "needs CAP_PERFMON or CAP_SYS_ADMIN to record this JVM's system calls, and this root process has "
                + "neither (a container that drops them?); without them perf records nothing. Run the JVM with "
                + "either capability, or use -Diops.profiler=strace");
        String sysAdminOnly = resource("root-without-perfmon.status.txt").replace("CapEff:\t000001bffedfffff",
                "CapEff:\t000001bffeffffff");
        assertThat(PerfProfiler.permissionProblem(sysAdminOnly)).isNull();
        String unreadableCaps = resource("root-without-perfmon.status.txt").replaceAll("(?m)^CapEff:.*\n", "");
        assertThat(PerfProfiler.permissionProblem(unreadableCaps)).as("root, capabilities not listed").isNull();
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
