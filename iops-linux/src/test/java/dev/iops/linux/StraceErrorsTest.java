package dev.iops.linux;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** strace's complaints, mapped to messages that say what to do (asserted word for word). */
class StraceErrorsTest {
    @Test
    void explainsAPtraceRefusalWithItsFixes() {
        assertThat(StraceTracer.explainStartFailure(1,
                "strace: attach: ptrace(PTRACE_SEIZE, 4242): Operation not permitted\n", 4242, "1"))
                .isEqualTo("strace could not attach to pid 4242: ptrace not permitted (kernel.yama.ptrace_scope=1)."
                        + " Run as root or grant CAP_SYS_PTRACE (containers: --cap-add=SYS_PTRACE; a seccomp profile"
                        + " that blocks ptrace needs --security-opt seccomp=unconfined), or set"
                        + " kernel.yama.ptrace_scope=0, or use -Diops.profiler=procfs. Under kernel.yama.ptrace_scope=1"
                        + " iops names its strace with prctl(PR_SET_PTRACER) before it attaches; if that was refused"
                        + " too, an administrator must allow it (sysctl kernel.yama.ptrace_scope=0) or grant"
                        + " CAP_SYS_PTRACE. strace said: strace: attach:"
                        + " ptrace(PTRACE_SEIZE, 4242): Operation not permitted");
    }

    @Test
    void leavesYamaOutWhenItIsNotTheCause() {
        assertThat(StraceTracer.explainStartFailure(1,
                "strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted\n"
                        + "strace: attach: ptrace(PTRACE_ATTACH, 19301): Operation not permitted\n", 19301, null))
                .startsWith("strace could not attach to pid 19301: ptrace not permitted. Run as root")
                .endsWith("strace said: strace: test_ptrace_get_syscall_info: PTRACE_TRACEME: Operation not permitted");
    }

    @Test
    void explainsAnUnknownFailureWithStracesOwnWords() {
        assertThat(StraceTracer.explainStartFailure(2, "strace: invalid system call 'foo'\n", 7, "0"))
                .isEqualTo("strace exited with code 2 before it started tracing pid 7: strace: invalid system call"
                        + " 'foo'. Check that strace works here (strace -p 7), or use -Diops.profiler=procfs.");
    }
}
