package dev.iops.macos;

import dev.iops.spi.Availability;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The decisions of the fs_usage provider that depend on the OS, as pure functions tested on recorded output: is
 * fs_usage usable here, how to get root for it, the command that starts it, and what its complaints mean.
 *
 * <p>fs_usage needs root. Three ways, tried in this order:
 * <ul>
 *   <li>{@link Privilege#ROOT}: the JVM runs as root; fs_usage runs directly;</li>
 *   <li>{@link Privilege#SUDO}: {@code sudo -n} (never prompts) works for {@code /usr/bin/fs_usage} thanks to a
 *       sudoers line ({@link #SUDOERS_LINE}); fs_usage runs for as long as sessions need it;</li>
 *   <li>{@link Privilege#ADMIN_DIALOG}: {@code osascript ... with administrator privileges} shows the macOS
 *       password dialog. Once per JVM: the fs_usage it starts then stays until the JVM exits, not one dialog per
 *       block.</li>
 * </ul>
 * In every case fs_usage runs under a small root-side watchdog shell that stops exactly that fs_usage (by its pid,
 * never {@code killall}) when the library asks (a stop file appears) or when the JVM is gone, so no root process
 * outlives the JVM, whatever way it ends. Thread-safe (stateless).
 */
final class FsUsageLaunch {
    /** The sudoers line that lets {@code sudo -n} start fs_usage without a password (add with {@code visudo}). */
    static final String SUDOERS_LINE = "%admin ALL=(root) NOPASSWD: /usr/bin/fs_usage";
    /** Where macOS keeps fs_usage. */
    static final Path FS_USAGE = Path.of("/usr/bin/fs_usage");
    private static final String FS_USAGE_QUOTED = quote(FS_USAGE);

    /** How fs_usage gets root. */
    enum Privilege {
        /** The JVM is root. */
        ROOT,
        /** {@code sudo -n} works without a password. */
        SUDO,
        /** The administrator password dialog, through {@code osascript}. */
        ADMIN_DIALOG
    }

    private FsUsageLaunch() {
    }

    /**
     * @param osName     {@code os.name}
     * @param executable whether {@code /usr/bin/fs_usage} exists and is executable
     * @return usable on macOS with fs_usage; otherwise the reason, naming macOS
     */
    static Availability availability(String osName, boolean executable) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("mac")) {
            return Availability.forOtherPlatform("fs_usage needs macOS (it reads the kernel's ktrace buffer); this is "
                    + osName + ". Use strace or procfs on Linux, iocounters on Windows, or jfr anywhere.");
        }
        if (!executable) {
            return Availability.unusable("fs_usage needs " + FS_USAGE + ", which is missing or not executable here");
        }
        return Availability.ready();
    }

    /**
     * @param root      the JVM's effective user is root
     * @param sudoWorks {@code sudo -n /usr/bin/fs_usage} was allowed without a password
     * @return the way to get root for fs_usage
     */
    static Privilege privilege(boolean root, boolean sudoWorks) {
        return root ? Privilege.ROOT : sudoWorks ? Privilege.SUDO : Privilege.ADMIN_DIALOG;
    }

    /**
     * The root-side script: starts fs_usage on {@code pid} with its combined output appended to {@code trace},
     * then waits until {@code stop} exists or the JVM is gone, and stops that one fs_usage (TERM, then KILL).
     * Every path is single-quoted for {@code /bin/sh}.
     *
     * @param fsUsage the fs_usage executable ({@link #FS_USAGE})
     * @param pid   the JVM's pid (the only process fs_usage reports syscalls of)
     * @param trace the file fs_usage writes to (created by the JVM, so the JVM can read it)
     * @param stop  the file whose creation asks the watchdog to stop fs_usage
     * @param pidFile where the watchdog writes the pid it will stop (so the JVM can tell whether it runs)
     * @return the script
     */
    static String script(Path fsUsage, long pid, Path trace, Path stop, Path pidFile) {
        String p = Long.toString(pid);
        // A TERM/INT/HUP to the watchdog (the JVM ending its child) ends the wait, and so stops fs_usage too.
        return "trap 'Q=1' TERM INT HUP; " + quote(fsUsage) + " -w -f filesys " + p + " >> " + quote(trace)
                + " 2>&1 & F=$!; echo $F > " + quote(pidFile) + "; "
                + "while [ -z \"$Q\" ] && kill -0 " + p + " 2>/dev/null && kill -0 $F 2>/dev/null && [ ! -e "
                + quote(stop) + " ]; do sleep 0.2; done; kill -TERM $F 2>/dev/null; sleep 1; kill -KILL $F "
                + "2>/dev/null; wait $F";
    }

    /**
     * The command the JVM starts.
     *
     * @param privilege how fs_usage gets root
     * @param script    {@link #script}
     * @return the command and its arguments
     */
    static List<String> command(Privilege privilege, String script) {
        return switch (privilege) {
            case ROOT -> List.of("/bin/sh", "-c", script);
            // sudoers allows fs_usage only; the watchdog runs as the user and signals sudo, which relays the
            // signal to fs_usage (a user may signal the sudo it started)
            case SUDO -> List.of("/bin/sh", "-c",
                    script.replace(FS_USAGE_QUOTED, "/usr/bin/sudo -n " + FS_USAGE_QUOTED));
            // osascript returns when the script ends: the script runs in the background of the root shell
            case ADMIN_DIALOG -> List.of("/usr/bin/osascript", "-e", "do shell script \""
                    + ("(" + script + ") > /dev/null 2>&1 &").replace("\\", "\\\\").replace("\"", "\\\"")
                    + "\" with administrator privileges");
        };
    }

    /**
     * Turns what fs_usage, sudo or osascript printed when fs_usage did not start into one message that says what to
     * do.
     *
     * @param privilege how root was asked for
     * @param output    the start of the combined output and of stderr
     * @return the message
     */
    static String explain(Privilege privilege, String output) {
        String out = output == null ? "" : output.strip();
        String said = out.isEmpty() ? "" : " It said: " + firstLine(out);
        if (out.contains("Resource busy")) {
            return "fs_usage could not start: ktrace is in use by another tracer (Instruments, another fs_usage or "
                    + "sc_usage, spindump, a profiler); only one can trace at a time. Quit it and retry, or use "
                    + "-Diops.profiler=jfr." + said;
        }
        if (out.contains("a password is required") || out.contains("a terminal is required")) {
            return "fs_usage needs root and sudo -n asks for a password. Add this sudoers line with visudo: "
                    + SUDOERS_LINE + " (or run the JVM as root), or use -Diops.profiler=jfr." + said;
        }
        if (out.contains("-128") || out.contains("User canceled") || out.contains("User cancelled")) {
            return "fs_usage needs root and the administrator dialog was cancelled. Accept it, add the sudoers line "
                    + SUDOERS_LINE + ", or use -Diops.profiler=jfr.";
        }
        if (out.contains("must be run as root") || out.contains("Operation not permitted")) {
            return "fs_usage was refused root (" + privilege + "). On macOS with System Integrity Protection, "
                    + "fs_usage works for root; add the sudoers line " + SUDOERS_LINE + " or run the JVM as root, or "
                    + "use -Diops.profiler=jfr." + said;
        }
        return "fs_usage did not start (" + privilege + ")." + (said.isEmpty() ? " It printed nothing." : said)
                + " Use -Diops.profiler=jfr meanwhile.";
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** @return the path in single quotes for /bin/sh, a quote inside closed, escaped and reopened */
    static String quote(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
