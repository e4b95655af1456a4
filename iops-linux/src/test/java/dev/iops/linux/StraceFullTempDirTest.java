package dev.iops.linux;

import dev.iops.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * strace when the file system of its trace runs out of space (issue 19, item 1): a temp dir that fills up and then
 * frees during the block, and one that stays full. A report is exact or the session fails saying so; never a silent
 * undercount, never a timeout blamed on an overloaded machine.
 *
 * <p><b>How the full disk is simulated.</b> Not by filling a file system: this machine's {@code /} and
 * {@code /tmp} are shared, {@code /dev/shm} is a 24 GiB tmpfs, and a small file system of our own would have to be
 * mounted (the library never mounts, and its tests do not either). Instead strace's own fault injection makes the
 * very system calls that write the trace file fail with {@code ENOSPC}, exactly as a full file system fails them:
 * {@code -Diops.strace.path} points at a wrapper that runs a second strace, {@code strace -P TRACE
 * -e inject=write:error=ENOSPC:when=FIRST..LAST}, on whichever process writes the trace, failing only its writes
 * to the trace file, from the FIRST-th to the LAST-th ({@code FIRST+}: all that follow); every other write
 * (strace's messages, the block's own file) succeeds. Since issue 19 a writer process of the library's copies the
 * trace to the file (strace writes into its pipe, {@code -o /proc/PID/fd/0}): the second strace attaches to that
 * writer before the real strace starts. Before, strace wrote the file itself: the second strace then runs the real
 * one (kept, so that the test shows the old silent undercount when run on that code). The wrapper injects only on
 * its first run: a second session attaches a new strace, as on a disk freed again. Each JVM under test is a child
 * JVM with its own {@code java.io.tmpdir} (a {@code TempDir}), where its trace file is the only
 * {@code iops-strace-*.trace}; a second strace tracing the first is best kept out of the test JVM.
 */
@EnabledIf("dev.iops.linux.StraceAcceptanceTest#usable")
@Timeout(180)
class StraceFullTempDirTest {
    private static final int WRITES = 4000;

    @TempDir
    Path tmp;
    @TempDir
    Path scripts;

    /**
     * A wrapper for {@code iops.strace.path} that fails some writes of the trace with {@code ENOSPC}.
     *
     * @param when strace's {@code when=} expression: {@code 300..340} fails the 300th to the 340th write to the
     *             trace file, {@code 300+} every write from the 300th
     */
    private Path enospcWrapper(String when) throws IOException {
        Path strace = StraceProfiler.findOnPath("strace");
        Path wrapper = scripts.resolve("strace-enospc");
        Path injected = scripts.resolve("injected");
        Path log = scripts.resolve("inject.log");
        String inject = "-qq -e signal=none -o '" + log + "' -P \"$trace\" -e trace=write"
                + " -e inject=write:error=ENOSPC:when=" + when;
        Files.writeString(wrapper, "#!/bin/bash\n"
                + "if [ -e '" + injected + "' ]; then exec '" + strace + "' \"$@\"; fi\n"
                + ": > '" + injected + "'\n"
                + "trace=$(ls '" + tmp + "'/iops-strace-*.trace)\n"
                + "prev=; out=\n"
                + "for a in \"$@\"; do [ \"$prev\" = -o ] && out=$a; prev=$a; done\n"
                + "case $out in\n"
                // a writer process copies the trace to the file (its pid is in the path strace writes to):
                // a second strace attaches to it before the real one starts, and fails its writes to the file
                + "/proc/*/fd/0)\n"
                + "  w=${out#/proc/}; w=${w%%/*}\n"
                + "  '" + strace + "' " + inject + " -p $w &\n"
                + "  for i in $(seq 500); do grep -q '^TracerPid:[[:space:]]*[1-9]' /proc/$w/status && break;"
                + " sleep 0.01; done\n"
                + "  exec '" + strace + "' \"$@\" ;;\n"
                // strace writes the file itself (the layout before issue 19): the second strace runs the real
                // one and fails its writes to the file; TERM goes to the real one, which detaches from the JVM
                + "*)\n"
                + "  '" + strace + "' -f " + inject + " '" + strace + "' \"$@\" &\n"
                + "  outer=$!\n"
                + "  trap 'kill -TERM $(cat /proc/$outer/task/$outer/children)' TERM\n"
                + "  wait $outer; wait $outer ;;\n"
                + "esac\n");
        assertThat(wrapper.toFile().setExecutable(true)).isTrue();
        return wrapper;
    }

    private long injections() throws IOException {
        Path log = scripts.resolve("inject.log");
        return Files.exists(log) ? Files.readAllLines(log).stream().filter(l -> l.contains("(INJECTED)")).count() : 0;
    }

    private List<String> run(Path wrapper, Scope scope, int blocks, String... options) throws Exception {
        List<String> opts = new java.util.ArrayList<>(List.of("-D" + StraceProfiler.PATH_PROPERTY + "=" + wrapper,
                "-Diops.warmup=false"));
        opts.addAll(List.of(options));
        return ChildJvm.run(StraceOnAFullTempDir.class, tmp, opts, scope.name(), Integer.toString(WRITES),
                Integer.toString(blocks));
    }

    @ParameterizedTest
    @EnumSource(Scope.class)
    void aDiskThatFillsAndFreesDuringTheBlockFailsTheSessionAndTheNextOneIsExact(Scope scope) throws Exception {
        List<String> out = run(enospcWrapper("300..340"), scope, 2);
        assertThat(injections()).as("writes of the trace failed with ENOSPC").isPositive();
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).as("the block during which the disk was full")
                .startsWith("FAILED IncompleteReportException: Profiler 'strace' failed during the measured block: "
                        + "strace's trace could not be written")
                .contains("No space left on device")
                .contains("Free space in " + tmp);
        assertThat(out.get(1)).as("the next block, the disk free again").startsWith("EXACT " + WRITES + " ");
    }

    @Test
    void aDiskFullFromTheStartRefusesTheSessionSayingSo() throws Exception {
        List<String> out = run(enospcWrapper("1+"), Scope.THREAD, 1, "-D" + StraceProfiler.TIMEOUT_PROPERTY + "=3000");
        assertThat(out).singleElement().asString()
                .startsWith("FAILED ")
                .contains("strace's trace could not be written")
                .contains("No space left on device")
                .doesNotContain("overloaded");
    }

    @Test
    void aDiskThatStaysFullFromTheMiddleOfTheBlockFailsItSayingSo() throws Exception {
        List<String> out = run(enospcWrapper("300+"), Scope.THREAD, 1, "-D" + StraceProfiler.TIMEOUT_PROPERTY + "=3000");
        assertThat(out).singleElement().asString()
                .startsWith("FAILED IncompleteReportException: Profiler 'strace' failed during the measured block: "
                        + "strace's trace could not be written")
                .contains("No space left on device")
                .doesNotContain("overloaded");
    }
}
