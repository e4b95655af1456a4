package dev.iops.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import dev.iops.tracer.TraceFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Yama's ptrace rules ({@code /proc/sys/kernel/yama/ptrace_scope}) and what strace's attach needs under them.
 *
 * <p>Scope 1 (Ubuntu's default) lets a process be traced only by its ancestors — strace is the JVM's child, so
 * its attach is refused — unless the JVM names its tracer with {@code prctl(PR_SET_PTRACER, pid)}. iops names
 * exactly the strace it started, before that strace runs (its pid is known early: a shell that {@code exec}s
 * strace once told to go), and resets it when that strace ends. It never calls
 * {@code PR_SET_PTRACER_ANY}, which would open the JVM to every process of the user. Scope 2 allows only tracers
 * with {@code CAP_SYS_PTRACE}; scope 3 allows none.
 *
 * <p>The decision ({@link #decide}) is a pure function; the native call ({@link #grant}) goes through JNA.
 * Thread-safe.
 */
final class Yama {
    private static final Logger LOG = LoggerFactory.getLogger(Yama.class);
    /** {@code PR_SET_PTRACER} from {@code <linux/prctl.h>}: 0x59616d61, "Yama". */
    static final int PR_SET_PTRACER = 0x59616d61;
    static final int EINVAL = 22;
    static final Path SCOPE_FILE = Path.of("/proc/sys/kernel/yama/ptrace_scope");

    private Yama() {
    }

    /**
     * What to do before strace attaches.
     *
     * @param grant   call {@code prctl(PR_SET_PTRACER, strace's pid)} first
     * @param refusal a message saying why strace cannot attach at all and what an administrator must change,
     *                or {@code null}
     */
    record Decision(boolean grant, String refusal) {
    }

    /** @return the content of the scope file, stripped, or {@code null} without Yama (the file is absent) */
    static String scope() {
        return scope(SCOPE_FILE);
    }

    /**
     * @param file a {@code ptrace_scope} file (the real one, or a recorded fixture)
     * @return its content, stripped, or {@code null} if it does not exist
     */
    static String scope(Path file) {
        String s = TraceFile.readHead(file, 64);
        return s == null ? null : s.strip();
    }

    /**
     * Decides from the scope file's content. Pure.
     *
     * @param scope the stripped content of {@code ptrace_scope}, or {@code null} without Yama
     * @return the decision
     */
    static Decision decide(String scope) {
        if (scope == null) {
            return new Decision(false, null); // no Yama: classic ptrace rules, nothing to name
        }
        return switch (scope.strip()) {
            case "1" -> new Decision(true, null);
            case "3" -> new Decision(false, "strace cannot attach: kernel.yama.ptrace_scope=3 forbids every "
                    + "ptrace attach on this machine, even by root, and cannot be lowered until reboot. An "
                    + "administrator must set kernel.yama.ptrace_scope=1 (or 0) in /etc/sysctl.d/ and reboot; until "
                    + "then use -Diops.profiler=procfs (counts) or jfr (per-operation sizes).");
            default -> new Decision(false, null); // 0: classic rules; 2: only CAP_SYS_PTRACE (root may succeed)
        };
    }

    /**
     * The fix for a refused attach under a Yama scope, for the error message. Pure.
     *
     * @param scope the stripped content of {@code ptrace_scope}, or {@code null} without Yama
     * @return a sentence, or "" when Yama is not the cause
     */
    static String advice(String scope) {
        if (scope == null) {
            return "";
        }
        return switch (scope.strip()) {
            case "1" -> " Under kernel.yama.ptrace_scope=1 iops names its strace with prctl(PR_SET_PTRACER) before "
                    + "it attaches; if that was refused too, an administrator must allow it (sysctl "
                    + "kernel.yama.ptrace_scope=0) or grant CAP_SYS_PTRACE.";
            case "2" -> " kernel.yama.ptrace_scope=2 lets only processes with CAP_SYS_PTRACE trace: run the JVM as "
                    + "root, or use -Diops.profiler=procfs (counts) or jfr (per-operation sizes).";
            default -> "";
        };
    }

    /** A granted (or attempted) {@code PR_SET_PTRACER}; {@link #close()} resets it. */
    static final class Grant implements AutoCloseable {
        private final long pid;
        private final int errno;
        private boolean closed;

        private Grant(long pid, int errno) {
            this.pid = pid;
            this.errno = errno;
        }

        /** @return 0 if the kernel accepted it, else the errno ({@value #EINVAL}: no Yama in this kernel) */
        int errno() {
            return errno;
        }

        /** @return the tracer pid that was named */
        long pid() {
            return pid;
        }

        /** Resets the named tracer ({@code prctl(PR_SET_PTRACER, 0)}) if one was set. Idempotent. */
        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (errno == 0) {
                int e = prctl(0);
                if (e != 0) {
                    LOG.debug("iops: prctl(PR_SET_PTRACER, 0) failed with errno {}", e);
                }
            }
        }
    }

    /**
     * Names {@code tracerPid} as the one process allowed to trace this JVM. Never throws: a failure is in the
     * result (strace then fails to attach with its own message, explained by {@link #advice}).
     *
     * @param tracerPid strace's pid (before it attaches)
     * @return the grant, to close when that strace ends
     */
    static Grant grant(long tracerPid) {
        int errno = prctl(tracerPid);
        if (errno == EINVAL) {
            LOG.debug("iops: prctl(PR_SET_PTRACER) is not supported by this kernel (EINVAL: no Yama)");
        } else if (errno != 0) {
            LOG.debug("iops: prctl(PR_SET_PTRACER, {}) failed with errno {}", tracerPid, errno);
        }
        return new Grant(tracerPid, errno);
    }

    /** @return 0 or the errno; -1 if the native call itself is unavailable */
    private static int prctl(long arg) {
        try {
            int r = LibC.INSTANCE.prctl(PR_SET_PTRACER, new NativeLong(arg), new NativeLong(0), new NativeLong(0),
                    new NativeLong(0));
            return r == 0 ? 0 : Native.getLastError();
        } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
            LOG.debug("iops: prctl through JNA is unavailable: {}", e.toString());
            return -1;
        }
    }

    /** The libc function used; loaded on first use only (under Yama scope 1, or by the test). */
    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int prctl(int option, NativeLong arg2, NativeLong arg3, NativeLong arg4, NativeLong arg5);
    }
}
