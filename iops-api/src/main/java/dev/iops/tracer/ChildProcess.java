package dev.iops.tracer;

import dev.iops.spi.SelfIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A child process the library starts (a tracer, a helper), with the one way to wait for it to be ready and the
 * one way to end it: {@code SIGTERM}, then {@code SIGKILL} after a bounded wait, then its files deleted.
 *
 * <p>From {@link Builder#start} to {@link #close} the child is booked as the library's own with
 * {@link SelfIo#ownProcess(long)} (tracers that follow children drop its operations), its files with
 * {@link SelfIo#ownPath} (per-operation providers drop operations on them), and a JVM shutdown hook
 * of its own ends it and deletes its files if the JVM exits first; {@link #close} removes that hook. Each child
 * carries its own clean-up; the one static record is the tally of children that ended ({@link #endedChildren()}),
 * because the kernel adds a child's I/O to this JVM's process-wide counters when the JDK reaps it.
 *
 * <p>A <em>gated</em> child ({@link Builder#gated()}) is a shell that waits for one line on its standard input
 * and then {@code exec}s the command, so the command's process id is known (and can be granted rights, such as
 * {@code prctl(PR_SET_PTRACER, pid)}) before the command runs; {@link #open()} lets it run.
 *
 * <p>Waiting never depends on the caller's interrupt flag: a set flag neither cuts a wait short nor is lost
 * (it is cleared around the wait and set again after), so a session started or stopped on an interrupted
 * thread behaves exactly as on any other. Every wait is bounded.
 *
 * <p>Thread-safe.
 */
public final class ChildProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ChildProcess.class);
    /** Bounded wait of the shutdown hook for each step (the JVM is exiting: no time for the caller's grace). */
    private static final Duration HOOK_GRACE = Duration.ofSeconds(2);
    private static final byte[] GO = "go\n".getBytes(StandardCharsets.US_ASCII);
    /** Children started and not yet seen ended. */
    private static final java.util.Set<ChildProcess> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private static final java.util.concurrent.atomic.AtomicLong ENDED = new java.util.concurrent.atomic.AtomicLong();
    private static volatile String lastEnded = "none";

    /** How {@link #awaitReady} ended. */
    public enum Readiness {
        /** The readiness check said yes. */
        READY,
        /** The child exited before it was ready. */
        EXITED,
        /** Neither within the timeout. */
        TIMED_OUT
    }

    /** A check that the child is ready, such as "its marker shows in the trace"; called on the waiting thread. */
    @FunctionalInterface
    public interface ReadyCheck {
        /**
         * @return true once the child is ready
         * @throws IOException if the check could not be made; the wait ends with it
         */
        boolean ready() throws IOException;
    }

    private final String what;
    private final Process process;
    private final Duration grace;
    private final List<Path> files;
    private final SelfIo.Registration own;
    private final List<SelfIo.Registration> ownFiles = new ArrayList<>();
    private final Thread hook;
    private final boolean gated;
    private final boolean kill;
    private boolean opened; // guarded by this
    private boolean closed; // guarded by this
    private final java.util.concurrent.atomic.AtomicBoolean tallied = new java.util.concurrent.atomic.AtomicBoolean();

    private ChildProcess(String what, Process process, Duration grace, List<Path> files, boolean gated,
                         boolean kill) {
        this.kill = kill;
        this.what = what;
        this.process = process;
        this.grace = grace;
        this.files = List.copyOf(files);
        this.gated = gated;
        this.own = SelfIo.ownProcess(process.pid());
        this.files.forEach(f -> ownFiles.add(SelfIo.ownPath(f)));
        this.hook = new Thread(this::endAtExit, "iops-" + what + "-shutdown");
        RUNNING.add(this);
        try {
            Runtime.getRuntime().addShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            RUNNING.remove(this);
            endAtExit(); // the JVM is already exiting: no child may outlive it
            own.close();
            ownFiles.forEach(SelfIo.Registration::close);
            throw exiting;
        }
    }

    /**
     * Describes a child to start.
     *
     * @param what    a short name for messages and thread names, such as {@code "strace"}
     * @param command the command and its arguments
     * @return a builder
     */
    public static Builder of(String what, List<String> command) {
        return new Builder(what, command);
    }

    /** Describes a child before it starts. Not thread-safe; use once. */
    public static final class Builder {
        private final String what;
        private final List<String> command;
        private final List<Path> files = new ArrayList<>();
        private ProcessBuilder.Redirect stdout = ProcessBuilder.Redirect.DISCARD;
        private ProcessBuilder.Redirect stderr = ProcessBuilder.Redirect.DISCARD;
        private boolean pipeStdin;
        private boolean gated;
        private Duration grace = Duration.ofSeconds(2);
        private boolean kill;

        private Builder(String what, List<String> command) {
            this.what = Objects.requireNonNull(what, "what");
            this.command = List.copyOf(command);
            if (this.command.isEmpty()) {
                throw new IllegalArgumentException("empty command");
            }
        }

        /**
         * Sends the child's standard error to a file (read it with {@link TraceFile#readHead}); the file is
         * deleted when the child is closed.
         *
         * @param file the file; created or truncated
         * @return this
         */
        public Builder stderrTo(Path file) {
            this.stderr = ProcessBuilder.Redirect.to(file.toFile());
            return deleteOnClose(file);
        }

        /**
         * Gives the JVM pipes to the child's standard input and output ({@link ChildProcess#stdin()},
         * {@link ChildProcess#stdout()}), for a helper driven by commands. Without it, input is
         * {@code /dev/null} and output is discarded.
         *
         * @return this
         */
        public Builder pipes() {
            this.pipeStdin = true;
            this.stdout = ProcessBuilder.Redirect.PIPE;
            return this;
        }

        /**
         * Starts a shell that waits for {@link ChildProcess#open()} and then {@code exec}s the command in the
         * same process, so {@link ChildProcess#pid()} is the command's pid before the command runs.
         *
         * @return this
         */
        public Builder gated() {
            this.gated = true;
            return this;
        }

        /**
         * @param file a file of the child's deleted on {@link ChildProcess#close()} and at JVM exit
         * @return this
         */
        public Builder deleteOnClose(Path file) {
            files.add(Objects.requireNonNull(file, "file"));
            return this;
        }

        /**
         * Ends the child with {@code SIGKILL} at once on {@link ChildProcess#close()}, for a child whose output was
         * already taken and whose own clean exit would only cost time (perf writing a header nobody reads).
         *
         * @return this
         */
        public Builder killOnClose() {
            this.kill = true;
            return this;
        }

        /**
         * @param grace how long to wait after {@code SIGTERM} before {@code SIGKILL}, and after {@code SIGKILL}
         *              for the exit; default 2 s
         * @return this
         */
        public Builder grace(Duration grace) {
            if (grace.isNegative() || grace.isZero()) {
                throw new IllegalArgumentException("grace must be positive: " + grace);
            }
            this.grace = grace;
            return this;
        }

        /**
         * Starts the child. On failure nothing is left behind (the files named so far are deleted).
         *
         * @return the running child (still waiting for {@link ChildProcess#open()} when gated)
         * @throws IOException if it cannot be started
         */
        public ChildProcess start() throws IOException {
            List<String> cmd = new ArrayList<>();
            if (gated) {
                // "read" consumes exactly one line; exec keeps the pid, so the pid is the command's
                cmd.addAll(List.of("/bin/sh", "-c", "read -r go && exec \"$@\"", "iops-" + what));
            }
            cmd.addAll(command);
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(pipeStdin || gated ? ProcessBuilder.Redirect.PIPE
                            : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(stdout)
                    .redirectError(stderr);
            // Starting a process is I/O on the caller's thread (the JDK's spawn helper talks over pipes), inside
            // whatever window another session has open: metered, so that window takes it out.
            try (SelfIo.Meter meter = SelfIo.meter()) {
                return new ChildProcess(what, pb.start(), grace, files, gated, kill);
            } catch (IOException | RuntimeException e) {
                files.forEach(ChildProcess::deleteQuietly);
                throw e;
            }
        }
    }

    /**
     * Lets a {@linkplain Builder#gated() gated} child run its command. Idempotent; no-op for other children.
     *
     * @throws IOException if the shell is gone
     */
    public void open() throws IOException {
        synchronized (this) {
            if (!gated || opened) {
                return;
            }
            opened = true;
        }
        OutputStream in = process.getOutputStream();
        try (SelfIo.OwnCall call = SelfIo.ownCall()) { // a few bytes into an empty pipe: never blocks
            in.write(GO);
            in.flush();
            SelfIo.count(0, 0, 1, GO.length); // a write(2) on the caller's thread, inside whatever window is open
        }
        SelfIo.countUnnamed(true, GO.length); // and a pathless JVM-level write, for jfr
    }

    /**
     * Waits until {@code check} says the child is ready, polling every {@code poll}, at most {@code timeout}.
     * The caller's interrupt flag does not cut the wait short and is set again afterwards if it was set.
     *
     * @param check   the readiness check
     * @param timeout the longest wait
     * @param poll    the pause between checks (parked, not spinning)
     * @return how the wait ended
     * @throws IOException if the check failed
     */
    public Readiness awaitReady(ReadyCheck check, Duration timeout, Duration poll) throws IOException {
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                if (check.ready()) {
                    return Readiness.READY;
                }
                if (!process.isAlive()) {
                    return check.ready() ? Readiness.READY : Readiness.EXITED; // it may have written, then exited
                }
                if (System.nanoTime() - deadline > 0) {
                    return Readiness.TIMED_OUT;
                }
                LockSupport.parkNanos(poll.toNanos());
                interrupted |= Thread.interrupted(); // remembered, not acted on: parkNanos would stop parking
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Waits for the child to exit, at most {@code timeout}, without being cut short by the interrupt flag.
     *
     * @param timeout the longest wait
     * @return its exit code, or -1 if it still runs
     */
    public int waitExit(Duration timeout) {
        return waitFor(process, timeout) ? process.exitValue() : -1;
    }

    /**
     * How many children of the library have ended, as far as can be seen now (a child counts once the JDK has
     * reaped it). The kernel adds a reaped child's I/O to its parent's process-wide counters, so a window of such
     * counters takes this at both its readings: a change means the I/O of a library process may be in it. Cheap:
     * no system call. Thread-safe.
     *
     * @return the number of children seen ended since the JVM started
     */
    public static long endedChildren() {
        for (ChildProcess c : RUNNING) {
            c.tallyIfEnded();
        }
        return ENDED.get();
    }

    /**
     * @return the child that was last seen ended, for messages, such as {@code "perf (pid 42, exit code 255)"}; or
     * {@code "none"}
     */
    public static String lastEnded() {
        return lastEnded;
    }

    private void tallyIfEnded() {
        if (!process.isAlive() && tallied.compareAndSet(false, true)) {
            RUNNING.remove(this);
            lastEnded = what + " (pid " + process.pid() + ", " + describeExit() + ")";
            ENDED.incrementAndGet();
        }
    }

    /** @return the child's process id (the command's, also when gated) */
    public long pid() {
        return process.pid();
    }

    /** @return true while the child runs */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** @return a description for messages: "still running" or "exit code N" */
    public String describeExit() {
        return process.isAlive() ? "still running" : "exit code " + process.exitValue();
    }

    /** @return the pipe to the child's standard input (only with {@link Builder#pipes()}) */
    public OutputStream stdin() {
        return process.getOutputStream();
    }

    /** @return the pipe from the child's standard output (only with {@link Builder#pipes()}) */
    public InputStream stdout() {
        return process.getInputStream();
    }

    /**
     * Ends the child: {@code SIGTERM}, up to the grace period for it to exit, then {@code SIGKILL} and up to the
     * grace period again (only {@code SIGKILL} and one wait with {@link Builder#killOnClose()}); then closes the
     * pipes, deletes its files, removes its shutdown hook and its
     * {@link SelfIo#ownProcess own-process} booking. Idempotent; never throws; never cut short by the interrupt
     * flag (which it leaves as it found it). Bounded by twice the grace period.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        // The JDK reads /proc/<pid>/stat to check the pid before it signals: own I/O on the caller's thread.
        try (SelfIo.Meter meter = SelfIo.meter()) {
            if (kill) {
                process.destroyForcibly();
                waitFor(process, grace);
            } else {
                terminate(process, grace);
            }
        }
        tallyIfEnded();
        closeQuietly(process.getOutputStream());
        closeQuietly(process.getInputStream());
        closeQuietly(process.getErrorStream());
        files.forEach(ChildProcess::deleteQuietly);
        ownFiles.forEach(SelfIo.Registration::close);
        own.close();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException exiting) {
            // the JVM is shutting down: the hook runs (harmlessly) anyway
        }
        if (process.isAlive()) {
            LOG.warn("iops: {} (pid {}) survived SIGKILL for {} ms", what, process.pid(), grace.toMillis());
        }
    }

    /** The shutdown hook: no locks (a session thread may hold one while the JVM exits), kill and delete. */
    private void endAtExit() {
        terminate(process, HOOK_GRACE);
        files.forEach(ChildProcess::deleteQuietly);
    }

    /** The one terminate: TERM, bounded wait, KILL, bounded wait. */
    private static void terminate(Process process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!waitFor(process, grace)) {
            process.destroyForcibly();
            waitFor(process, grace);
        }
    }

    /** A bounded wait that neither an interrupt cuts short nor loses. */
    private static boolean waitFor(Process process, Duration timeout) {
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = deadline - System.nanoTime();
                try {
                    return process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // remembered; keep waiting, bounded by the deadline
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // the child is gone; nothing to flush
        }
    }

    private static void deleteQuietly(Path path) {
        if (!SelfIo.deleteOwnFile(path)) { // also ends its registration, if SelfIo made it
            LOG.debug("iops: could not delete {}", path);
        }
    }
}
