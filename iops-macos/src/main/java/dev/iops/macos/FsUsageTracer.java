package dev.iops.macos;

import dev.iops.macos.FsUsageLaunch.Privilege;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.SelfIo;
import dev.iops.tracer.ChildProcess;
import dev.iops.tracer.SharedTracer;
import dev.iops.tracer.TraceFile;
import dev.iops.tracer.TraceFileReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * One fs_usage attached to this JVM (the thin OS layer; every decision is in {@link FsUsageLaunch}): the trace file
 * fs_usage appends to (a counter-named own file in the temp directory), its stop, pid and stderr files next to it;
 * the watchdog shell started
 * through {@link ChildProcess}; readiness by markers seen in the trace. ktrace is exclusive, so one per JVM:
 * {@link #SHARED}. <b>Never run on macOS by its author</b> (no Mac was available); see docs/profilers/fs_usage.md.
 * Thread-safe.
 */
final class FsUsageTracer implements SharedTracer.Attachment {
    /** Markers are failed readlink calls on paths in this existing directory (so fs_usage prints the leaf). */
    static final String MARKER_DIR = "/private/tmp/";
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Duration POLL = Duration.ofMillis(5);

    /** The fs_usage of this JVM, shared by every fs_usage session. */
    static final SharedTracer<Duration, FsUsageTracer> SHARED = new SharedTracer<>(FsUsageProfiler.NAME,
            FsUsageTracer::attach, SelfIo.cleaner());

    private final ChildProcess child;
    private final Path errFile;
    private final Path tracePath;
    private volatile TraceFile trace; // opened once fs_usage runs, so that fs_usage sees the open and its fd
    private volatile int traceFd = -1;
    private final Path stop;
    private final Path pidFile;
    private final Privilege privilege;
    private final String token;
    private final SelfIo.Registration ownFiles;
    private volatile boolean detached;
    private volatile long tracerPid = -1; // read once from the pid file: no file I/O in later liveness checks

    private FsUsageTracer(ChildProcess child, Path errFile, Path tracePath, Path stop, Path pidFile,
                          Privilege privilege, String token, SelfIo.Registration ownFiles) {
        this.child = child;
        this.errFile = errFile;
        this.tracePath = tracePath;
        this.stop = stop;
        this.pidFile = pidFile;
        this.privilege = privilege;
        this.token = token;
        this.ownFiles = ownFiles;
    }

    private static FsUsageTracer attach(Duration timeout) {
        long pid = ProcessHandle.current().pid();
        String token = "iops-m-" + Long.toString(pid, 36) + "-" + Long.toString(System.nanoTime(), 36);
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        Path tracePath = null;
        SelfIo.Registration own = null;
        ChildProcess child = null;
        try {
            // Counter names, not createTempFile: no /dev/urandom read inside another session's window.
            tracePath = SelfIo.createOwnFile(tmp, "iops-fs_usage-", ".trace");
            String base = tracePath.toString().substring(0, tracePath.toString().length() - ".trace".length());
            Path real = tracePath.toRealPath(); // /var/folders is /private/var/folders: fs_usage prints this one
            Path stop = Path.of(base + ".stop");
            Path pidFile = Path.of(base + ".pid");
            Path err = Path.of(base + ".err");
            SelfIo.Registration r1 = SelfIo.ownPath(real);
            SelfIo.Registration r2 = SelfIo.ownPath(stop);
            SelfIo.Registration r3 = SelfIo.ownPath(pidFile);
            SelfIo.Registration r4 = SelfIo.ownPath(err);
            own = () -> {
                r1.close();
                r2.close();
                r3.close();
                r4.close();
            };
            Privilege privilege = privilege();
            String script = FsUsageLaunch.script(FsUsageLaunch.FS_USAGE, pid, real, stop.toAbsolutePath(),
                    pidFile.toAbsolutePath());
            child = ChildProcess.of(FsUsageProfiler.NAME, FsUsageLaunch.command(privilege, script)).stderrTo(err)
                    .start();
            FsUsageTracer t = new FsUsageTracer(child, err, tracePath, stop, pidFile, privilege, token, own);
            try {
                // the password dialog waits for a person
                t.synchronise(privilege == Privilege.ADMIN_DIALOG ? timeout.plusSeconds(120) : timeout);
            } catch (IOException | RuntimeException e) {
                t.detach();
                throw e;
            }
            return t;
        } catch (IOException e) {
            cleanUp(child, tracePath, own);
            throw new ProfilerStartException("fs_usage could not be started (" + e + "). Check that " + tmp
                    + " is writable, or use -Diops.profiler=jfr.", e);
        } catch (RuntimeException e) {
            cleanUp(child, tracePath, own);
            throw e;
        }
    }

    private static void cleanUp(ChildProcess child, Path tracePath, SelfIo.Registration own) {
        if (tracePath != null) {
            String base = tracePath.toString().substring(0, tracePath.toString().length() - ".trace".length());
            try {
                Files.createFile(Path.of(base + ".stop")); // the watchdog stops fs_usage if it started
            } catch (IOException | RuntimeException ignored) {
                // already there
            }
            if (child != null) {
                child.close();
            }
            deleteFiles(tracePath, Path.of(base + ".stop"), Path.of(base + ".pid"), Path.of(base + ".err"));
        } else if (child != null) {
            child.close();
        }
        if (own != null) {
            own.close();
        }
    }

    private static volatile Privilege decided;

    /** @return how fs_usage gets root here, asked once per JVM (a {@code sudo -n -l} child, at the first start) */
    static Privilege privilege() {
        Privilege p = decided;
        if (p == null) {
            p = FsUsageLaunch.privilege("root".equals(System.getProperty("user.name")), sudoWorks());
            decided = p;
        }
        return p;
    }

    /** {@code sudo -n -l /usr/bin/fs_usage}: exit 0 when sudo would run it without a password. Bounded. */
    private static boolean sudoWorks() {
        try {
            Process p = new ProcessBuilder("/usr/bin/sudo", "-n", "-l", FsUsageLaunch.FS_USAGE.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Issues sync markers until one shows in the trace (fs_usage then traces this pid), then opens the trace for
     * reading and finds the descriptor fs_usage saw it opened on: the library's reads of its own trace carry only
     * {@code F=fd}, and windows drop them by that descriptor.
     */
    private void synchronise(Duration timeout) throws IOException {
        String sync = token + "-sync-";
        long deadline = System.nanoTime() + timeout.toNanos();
        long[] sent = {0};
        boolean interrupted = Thread.interrupted(); // a set flag must neither cut the wait short nor be lost
        try {
            while (true) {
                marker(Path.of(MARKER_DIR + sync + sent[0]++));
                String head = TraceFile.readHead(tracePath, 1 << 20); // open, read, close: before any window
                if (head != null && head.contains(sync)) {
                    break;
                }
                // osascript exits (0) once the root script runs in the background; sudo or sh exiting is a failure
                boolean exited = !child.isAlive() && (privilege != Privilege.ADMIN_DIALOG
                        || child.waitExit(Duration.ZERO) != 0 || (readPid() >= 0 && !isAlive()));
                if (exited || System.nanoTime() - deadline > 0) {
                    fail(exited, head, timeout);
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
            readPid(); // before any window: later liveness checks do no file I/O
            trace = TraceFile.open(tracePath);
            String fdMarker = token + "-fd";
            marker(Path.of(MARKER_DIR + fdMarker));
            String traceName = tracePath.getFileName().toString();
            boolean[] seen = {false};
            TraceFileReader reader = new TraceFileReader(trace, 0);
            TraceFileReader.LineSink findFd = new TraceFileReader.LineSink() {
                @Override
                public void line(byte[] b, int from, int to) {
                    FsUsageLine p = FsUsageParser.parse(b, from, to - from);
                    if (p == null || p.path() == null) {
                        return;
                    }
                    if (p.group() == FsUsageLine.Group.OPEN && !p.failed() && p.path().endsWith(traceName)) {
                        traceFd = p.fd();
                    } else if (p.path().contains(fdMarker)) {
                        seen[0] = true;
                    }
                }

                @Override
                public boolean done() {
                    return seen[0];
                }
            };
            while (!seen[0] && System.nanoTime() - deadline < 0) {
                reader.readAvailable(findFd);
                LockSupport.parkNanos(POLL.toNanos());
            }
            if (traceFd < 0) {
                throw new ProfilerStartException("fs_usage runs but did not show this JVM opening its output file "
                        + tracePath + " within " + timeout.toMillis() + " ms, so the library's own reads of it could "
                        + "not be told apart; raise -D" + FsUsageProfiler.TIMEOUT_PROPERTY + "=MILLIS");
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void fail(boolean exited, String head, Duration timeout) {
        StringBuilder said = new StringBuilder();
        if (head != null) {
            for (String line : head.split("\n")) {
                if (said.length() < 2000 && !line.isBlank() && FsUsageParser.parse(line) == null) {
                    said.append(line).append('\n'); // complaints, not records
                }
            }
        }
        String err = TraceFile.readHead(errFile, 2000);
        String text = said + (err == null ? "" : err) + (exited ? child.describeExit() : "");
        if (!exited && text.isBlank()) {
            throw new ProfilerStartException("fs_usage (" + privilege + ") did not start tracing pid "
                    + ProcessHandle.current().pid() + " within " + timeout.toMillis() + " ms. "
                    + FsUsageLaunch.explain(privilege, text));
        }
        throw new ProfilerStartException(FsUsageLaunch.explain(privilege, text));
    }

    /** A failed readlink: the call reaches the kernel, and fs_usage prints it with its path. */
    static void marker(Path path) {
        try {
            Files.readSymbolicLink(path);
        } catch (IOException | UnsupportedOperationException expected) {
            // ENOENT is the point
        }
    }

    /** @return a fresh marker token, unique within this tracer */
    String newMarker(String kind) {
        return token + "-" + SEQUENCE.incrementAndGet() + "-" + kind;
    }

    TraceFile trace() {
        return trace;
    }

    Set<String> ownPaths() {
        return Set.of(tracePath.toString());
    }

    /** @return the descriptor of this JVM's reader of the trace, as fs_usage prints it ({@code F=}) */
    int traceFd() {
        return traceFd;
    }

    @Override
    public boolean isAlive() {
        if (detached) {
            return false;
        }
        long pid = tracerPid;
        if (pid < 0) {
            pid = readPid();
        }
        return pid < 0 ? child.isAlive() : ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** @return the pid the watchdog will stop (fs_usage, or the sudo running it), or -1 before it is written */
    private long readPid() {
        try {
            String s = Files.exists(pidFile) ? Files.readString(pidFile).strip() : "";
            if (!s.isEmpty()) {
                tracerPid = Long.parseLong(s);
            }
        } catch (IOException | RuntimeException e) {
            // not written yet
        }
        return tracerPid;
    }

    @Override
    public long traceBytes() {
        TraceFile t = trace;
        try {
            return t == null ? -1 : t.size();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Asks the watchdog to stop exactly our fs_usage, ends the child, deletes the files. Idempotent. */
    @Override
    public void detach() {
        if (detached) {
            return;
        }
        detached = true;
        try {
            Files.createFile(stop);
        } catch (IOException | RuntimeException ignored) {
            // already there
        }
        child.waitExit(Duration.ofSeconds(3)); // the watchdog exits once fs_usage has
        child.close();
        TraceFile t = trace;
        if (t != null) {
            t.close();
        }
        deleteFiles(tracePath, stop, pidFile, errFile);
        ownFiles.close();
    }

    /** The trace was made with SelfIo.createOwnFile; the others are plain files next to it. */
    private static void deleteFiles(Path trace, Path... others) {
        SelfIo.deleteOwnFile(trace);
        for (Path p : others) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException ignored) {
                // a root-owned leftover cannot be removed by us; nothing else to do
            }
        }
    }
}
