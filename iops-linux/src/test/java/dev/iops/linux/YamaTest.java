package dev.iops.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Yama's decision on recorded {@code ptrace_scope} files (this kernel has no Yama), and the real {@code prctl}
 * call, which this kernel refuses with EINVAL.
 */
class YamaTest {
    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(YamaTest.class.getResource("/yama/" + name).toURI());
    }

    @Test
    void readsTheScopeFileAndSaysNullWithoutYama() throws URISyntaxException {
        assertThat(Yama.scope(fixture("ptrace_scope-1"))).isEqualTo("1");
        assertThat(Yama.scope(Path.of("/nonexistent/yama/ptrace_scope"))).isNull();
    }

    @Test
    void namesStraceAsTracerOnlyUnderScopeOne() throws URISyntaxException {
        assertThat(Yama.decide(Yama.scope(fixture("ptrace_scope-1")))).isEqualTo(new Yama.Decision(true, null));
        assertThat(Yama.decide(Yama.scope(fixture("ptrace_scope-0")))).isEqualTo(new Yama.Decision(false, null));
        assertThat(Yama.decide(null)).as("no Yama").isEqualTo(new Yama.Decision(false, null));
        assertThat(Yama.decide("1\n")).isEqualTo(new Yama.Decision(true, null));
    }

    @Test
    void scopeTwoLeavesTheAttachToCapabilitiesAndExplainsARefusal() throws URISyntaxException {
        assertThat(Yama.decide(Yama.scope(fixture("ptrace_scope-2")))).isEqualTo(new Yama.Decision(false, null));
        assertThat(StraceTracer.explainStartFailure(1,
                "strace: attach: ptrace(PTRACE_SEIZE, 42): Operation not permitted\n", 42, "2"))
                .contains("ptrace not permitted (kernel.yama.ptrace_scope=2).")
                // no untried advice (this kernel has no Yama): not setcap on strace, nor lowering the scope
                .contains(" kernel.yama.ptrace_scope=2 lets only processes with CAP_SYS_PTRACE trace: run the JVM as "
                        + "root, or use -Diops.profiler=procfs (counts) or jfr (per-operation sizes).")
                .endsWith("strace said: strace: attach: ptrace(PTRACE_SEIZE, 42): Operation not permitted");
    }

    @Test
    void scopeThreeRefusesUpFrontWithWhatAnAdministratorMustChange() throws URISyntaxException {
        Yama.Decision d = Yama.decide(Yama.scope(fixture("ptrace_scope-3")));
        assertThat(d.grant()).isFalse();
        assertThat(d.refusal()).isEqualTo("strace cannot attach: kernel.yama.ptrace_scope=3 forbids every ptrace "
                + "attach on this machine, even by root, and cannot be lowered until reboot. An administrator must set "
                + "kernel.yama.ptrace_scope=1 (or 0) in /etc/sysctl.d/ and reboot; until then use "
                + "-Diops.profiler=procfs (counts) or jfr (per-operation sizes).");
    }

    @Test
    void anUnknownScopeValueIsLeftToTheKernel() {
        assertThat(Yama.decide("7")).isEqualTo(new Yama.Decision(false, null));
        assertThat(Yama.advice("7")).isEmpty();
        assertThat(Yama.advice(null)).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void thePrctlCallIsMadeAndItsRefusalWithoutYamaIsHandled() {
        boolean yama = Files.exists(Yama.SCOPE_FILE);
        long child = ProcessHandle.current().pid(); // any pid: without Yama the kernel refuses the option itself
        try (Yama.Grant grant = Yama.grant(child)) {
            assertThat(grant.pid()).isEqualTo(child);
            assertThat(grant.errno()).as("errno of prctl(PR_SET_PTRACER)").isEqualTo(yama ? 0 : Yama.EINVAL);
        }
    }
}
