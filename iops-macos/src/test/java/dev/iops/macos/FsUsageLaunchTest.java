package dev.iops.macos;

import dev.iops.Iops;
import dev.iops.NoProfilerException;
import dev.iops.ProfilerInfo;
import dev.iops.macos.FsUsageLaunch.Privilege;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * fs_usage's OS decisions as pure functions. The complaints are the texts the tools print: ktrace's EBUSY
 * ("Resource busy", strerror(16)), sudo's "a password is required", osascript's "User canceled. (-128)".
 */
class FsUsageLaunchTest {
    private static final Path TRACE = Path.of("/private/var/folders/x y/T/iops-fs_usage-1/trace");
    private static final Path STOP = Path.of("/private/var/folders/x y/T/iops-fs_usage-1/stop");
    private static final Path PID = Path.of("/private/var/folders/x y/T/iops-fs_usage-1/pid");

    @Test
    void isUnusableOffMacWithAReasonNamingMacOs() {
        assertThat(FsUsageLaunch.availability("Linux", false).reason()).isEqualTo("fs_usage needs macOS (it reads "
                + "the kernel's ktrace buffer); this is Linux. Use strace or procfs on Linux, iocounters on Windows, "
                + "or jfr anywhere.");
        assertThat(FsUsageLaunch.availability("Linux", true).otherPlatform()).as("no note about it on Linux").isTrue();
        assertThat(FsUsageLaunch.availability("Mac OS X", false).reason())
                .isEqualTo("fs_usage needs /usr/bin/fs_usage, which is missing or not executable here");
        assertThat(FsUsageLaunch.availability("Mac OS X", false).otherPlatform()).as("fixable on a Mac").isFalse();
        assertThat(FsUsageLaunch.availability("Mac OS X", true).usable()).isTrue();
    }

    @Test
    @DisabledOnOs(OS.MAC)
    void theRegisteredProviderSaysWhyItCannotRunHereAndANamedRequestFails() {
        ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals("fs_usage")).findFirst().orElseThrow();
        assertThat(info.usable()).isFalse();
        assertThat(info.reason()).startsWith("fs_usage needs macOS");
        assertThatThrownBy(() -> Iops.with().profiler("fs_usage").measure(() -> { }))
                .isInstanceOf(NoProfilerException.class).hasMessageContaining("fs_usage needs macOS");
    }

    @Test
    void choosesRootThenSudoThenTheDialog() {
        assertThat(FsUsageLaunch.privilege(true, false)).isEqualTo(Privilege.ROOT);
        assertThat(FsUsageLaunch.privilege(false, true)).isEqualTo(Privilege.SUDO);
        assertThat(FsUsageLaunch.privilege(false, false)).isEqualTo(Privilege.ADMIN_DIALOG);
    }

    @Test
    void theWatchdogStopsOnlyItsOwnFsUsageByPidWhenAskedOrWhenTheJvmIsGone() {
        String s = FsUsageLaunch.script(FsUsageLaunch.FS_USAGE, 4242, TRACE, STOP, PID);
        assertThat(s).isEqualTo("trap 'Q=1' TERM INT HUP; '/usr/bin/fs_usage' -w -f filesys 4242 >> "
                + "'/private/var/folders/x y/T/iops-fs_usage-1/trace' 2>&1 & F=$!; echo $F > "
                + "'/private/var/folders/x y/T/iops-fs_usage-1/pid'; while [ -z \"$Q\" ] && kill -0 4242 2>/dev/null "
                + "&& kill -0 $F 2>/dev/null && [ ! -e '/private/var/folders/x y/T/iops-fs_usage-1/stop' ]; do sleep "
                + "0.2; done; kill -TERM $F 2>/dev/null; sleep 1; kill -KILL $F 2>/dev/null; wait $F");
        assertThat(s).doesNotContain("killall").contains("-f filesys").doesNotContain("filesystem");
    }

    @Test
    void quotesPathsForTheShell() {
        assertThat(FsUsageLaunch.quote(Path.of("/tmp/it's"))).isEqualTo("'/tmp/it'\\''s'");
    }

    @Test
    void buildsOneCommandPerPrivilege() {
        String s = "trap 'Q=1' TERM; '/usr/bin/fs_usage' -w -f filesys 1 >> '/t' 2>&1 & F=$!; echo \"$F\"";
        assertThat(FsUsageLaunch.command(Privilege.ROOT, s)).isEqualTo(List.of("/bin/sh", "-c", s));
        assertThat(FsUsageLaunch.command(Privilege.SUDO, s)).isEqualTo(List.of("/bin/sh", "-c",
                "trap 'Q=1' TERM; /usr/bin/sudo -n '/usr/bin/fs_usage' -w -f filesys 1 >> '/t' 2>&1 & F=$!; echo \"$F\""));
        assertThat(FsUsageLaunch.command(Privilege.ADMIN_DIALOG, s)).isEqualTo(List.of("/usr/bin/osascript", "-e",
                "do shell script \"(trap 'Q=1' TERM; '/usr/bin/fs_usage' -w -f filesys 1 >> '/t' 2>&1 & F=$!; echo \\\"$F\\\") > "
                        + "/dev/null 2>&1 &\" with administrator privileges"));
    }

    @Test
    void saysAnotherTracerHoldsKtraceWhenItIsBusy() {
        assertThat(FsUsageLaunch.explain(Privilege.SUDO, "fs_usage: ktrace_start: Resource busy\n"))
                .isEqualTo("fs_usage could not start: ktrace is in use by another tracer (Instruments, another "
                        + "fs_usage or sc_usage, spindump, a profiler); only one can trace at a time. Quit it and "
                        + "retry, or use -Diops.profiler=jfr. It said: fs_usage: ktrace_start: Resource busy");
    }

    @Test
    void givesTheSudoersLineWhenSudoWantsAPassword() {
        assertThat(FsUsageLaunch.explain(Privilege.SUDO, "sudo: a password is required"))
                .isEqualTo("fs_usage needs root and sudo -n asks for a password. Add this sudoers line with visudo: "
                        + "%admin ALL=(root) NOPASSWD: /usr/bin/fs_usage (or run the JVM as root), or use "
                        + "-Diops.profiler=jfr. It said: sudo: a password is required");
    }

    @Test
    void saysTheDialogWasCancelled() {
        assertThat(FsUsageLaunch.explain(Privilege.ADMIN_DIALOG, "0:91: execution error: User canceled. (-128)"))
                .startsWith("fs_usage needs root and the administrator dialog was cancelled.");
    }

    @Test
    void fallsBackToWhatWasPrinted() {
        assertThat(FsUsageLaunch.explain(Privilege.ROOT, "")).isEqualTo(
                "fs_usage did not start (ROOT). It printed nothing. Use -Diops.profiler=jfr meanwhile.");
        assertThat(FsUsageLaunch.explain(Privilege.ROOT, "fs_usage: must be run as root\nusage: ..."))
                .contains("It said: fs_usage: must be run as root").doesNotContain("usage: ...");
    }
}
