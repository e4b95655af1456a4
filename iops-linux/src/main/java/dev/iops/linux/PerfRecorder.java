package dev.iops.linux;

import com.sun.jna.Library;
import com.sun.jna.Native;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.SelfIo;
import dev.iops.tracer.ChildProcess;
import dev.iops.tracer.TraceFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One {@code perf record} process attached to this JVM, disabled until {@link #enable()}, and the private
 * directory it writes to. A per-session recorder is {@linkplain #finish() finished} (perf writes its file and
 * exits); a lingering one ({@code iops.perf.linger}) is {@linkplain #rotate() rotated} instead (SIGUSR2: perf
 * closes the file of everything since the last rotation and goes on, disabled), so the next session skips the
 * spawn. Not thread-safe: one session uses it at a time.
 */
final class PerfRecorder implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(PerfRecorder.class);
    private static final Duration POLL = Duration.ofNanos(100_000);
    /** perf exits within ~100 ms of SIGTERM; a stuck one is killed after this. */
    private static final Duration GRACE = Duration.ofSeconds(2);
    private static final int MAX_ATTEMPTS = 3;
    private static final int SIGUSR2 = 12; // same number on x86-64, arm64 and riscv64

    private final PerfRecording.Settings settings;
    private final Path dir;
    private final Path data;
    private final SelfIo.Registration ownDir;
    private final boolean rotating;
    private ChildProcess process;
    private int logConsumed;

    private PerfRecorder(PerfRecording.Settings settings, Path dir, boolean rotating) {
        this.settings = settings;
        this.dir = dir;
        this.data = dir.resolve("io.data");
        this.ownDir = SelfIo.ownPath(dir);
        this.rotating = rotating;
    }

    /**
     * Spawns perf, attached to this JVM and disabled; retried when a JVM thread exits during the attach.
     *
     * @param settings what to run
     * @param rotating true to keep it alive across sessions (rotated, not finished)
     * @param ownTime  books perf's process as this provider's own
     * @return the recorder, disabled
     * @throws ProfilerStartException if perf cannot start; the message quotes it and says what to do
     */
    static PerfRecorder start(PerfRecording.Settings settings, boolean rotating, PerfOwnTime ownTime) {
        Path dir;
        try {
            dir = Files.createTempDirectory("iops-perf-");
        } catch (IOException e) {
            throw new ProfilerStartException("perf could not prepare its private directory in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage()
                    + ". Check the temp directory, or use -Diops.profiler=strace.", e);
        }
        PerfRecorder r = new PerfRecorder(settings, dir, rotating);
        for (int attempt = 1; ; attempt++) {
            try {
                r.spawn(ownTime);
                return r;
            } catch (IOException e) {
                String log = r.log();
                r.process.close();
                // perf attaches to each thread of the JVM in turn; one that exits meanwhile fails the attach
                if (attempt < MAX_ATTEMPTS && log.contains("No such process")) {
                    continue;
                }
                r.close();
                throw new ProfilerStartException(PerfMessages.startFailure(log, e.getMessage()), e);
            } catch (RuntimeException e) {
                r.close();
                throw e;
            }
        }
    }

    private void spawn(PerfOwnTime ownTime) throws IOException {
        java.util.List<String> cmd = PerfProfiler.recordCommand(settings.perf(), settings.table(),
                ProcessHandle.current().pid(), settings.bufferPages(), data);
        if (rotating) {
            cmd.add(2, "--switch-output=signal");
        }
        try {
            process = ChildProcess.of(PerfProfiler.NAME, cmd).pipes().stderrTo(dir.resolve("record.log"))
                    .deleteOnClose(data).grace(GRACE).start();
        } catch (IOException e) {
            throw new IOException("could not be started (" + e.getMessage() + ")", e);
        }
        ownTime.process(process.pid());
        logConsumed = 0;
        command("ping"); // perf answers once its events are open: attached, still disabled
    }

    /** @return true when this recorder survives its session (rotated, not finished) */
    boolean rotating() {
        return rotating;
    }

    /** @throws IOException if perf does not acknowledge */
    void enable() throws IOException {
        command("enable");
    }

    /** @throws IOException if perf does not acknowledge */
    void disable() throws IOException {
        command("disable");
    }

    /** @return true while perf runs */
    boolean isAlive() {
        return process.isAlive();
    }

    /** @return perf's process id */
    long pid() {
        return process.pid();
    }

    /** @return "still running" or "exit code N" */
    String describeExit() {
        return process.describeExit();
    }

    /**
     * Ends a per-session recorder: perf writes its file and exits.
     *
     * @return the data file
     * @throws RecordingFailedException if perf does not exit cleanly in time
     */
    Path finish() {
        try {
            command("stop");
        } catch (IOException e) {
            throw failed(e);
        }
        int exit = process.waitExit(settings.timeout());
        if (exit != 0) {
            throw new RecordingFailedException(exit == -1
                    ? "perf record (pid " + process.pid() + ") did not write its data within "
                    + settings.timeout().toMillis() + " ms of the end of the block; raise -D"
                    + PerfProfiler.TIMEOUT_PROPERTY
                    : "perf record exited with status " + exit + " at the end of the block: "
                    + PerfMessages.lastLines(log(), 3));
        }
        return data;
    }

    /**
     * Rotates a lingering recorder: perf closes a file with everything since the last rotation and goes on.
     * Waits for perf's {@code Dump <file>} line, polling its log, at most the timeout.
     *
     * @return the closed file; the caller deletes it
     * @throws RecordingFailedException if perf does not rotate in time
     */
    Path rotate() {
        if (LibC.INSTANCE.kill((int) process.pid(), SIGUSR2) != 0) {
            throw new RecordingFailedException("perf record (pid " + process.pid() + ") could not be signalled to "
                    + "write the block's events (errno " + Native.getLastError() + ")");
        }
        Path[] dumped = new Path[1];
        try {
            ChildProcess.Readiness r = process.awaitReady(() -> {
                String log = log();
                int at = log.indexOf("Dump ", logConsumed);
                int end = at < 0 ? -1 : log.indexOf(" ]", at);
                if (end < 0) {
                    return false;
                }
                dumped[0] = Path.of(log.substring(at + 5, end).trim());
                logConsumed = end;
                return true;
            }, settings.timeout(), POLL);
            if (r != ChildProcess.Readiness.READY) {
                throw new IOException(r == ChildProcess.Readiness.EXITED ? "exited (" + describeExit() + ")"
                        : "did not write the block's events within " + settings.timeout().toMillis() + " ms");
            }
        } catch (IOException e) {
            throw failed(e);
        }
        return dumped[0];
    }

    /** Writes a control command and waits for perf's {@code ack} (perf answers in well under 1 ms when warm). */
    private void command(String cmd) throws IOException {
        byte[] bytes = (cmd + "\n").getBytes(StandardCharsets.US_ASCII);
        OutputStream control = process.stdin();
        control.write(bytes);
        control.flush();
        SelfIo.count(0, 0, 1, bytes.length);
        InputStream acks = process.stdout();
        StringBuilder answer = new StringBuilder();
        byte[] buf = new byte[64];
        ChildProcess.Readiness r = process.awaitReady(() -> {
            int n = acks.available();
            if (n > 0) {
                int got = acks.read(buf, 0, Math.min(n, buf.length));
                SelfIo.count(1, Math.max(0, got), 0, 0);
                answer.append(new String(buf, 0, Math.max(0, got), StandardCharsets.US_ASCII));
            }
            return answer.indexOf("ack\n") >= 0;
        }, settings.timeout(), POLL);
        switch (r) {
            case READY -> {
            }
            case EXITED -> throw new IOException("exited (" + process.describeExit() + ") before it acknowledged '"
                    + cmd + "'");
            default -> throw new IOException("did not acknowledge '" + cmd + "' within "
                    + settings.timeout().toMillis() + " ms; raise -D" + PerfProfiler.TIMEOUT_PROPERTY);
        }
    }

    /** @return a failure during the block, quoting perf */
    RecordingFailedException failed(IOException e) {
        String log = log();
        return new RecordingFailedException("perf record failed during the block: " + e.getMessage()
                + (log.isBlank() ? "" : "; it said: " + PerfMessages.lastLines(log, 3)), e);
    }

    /** @return perf's stderr so far (booked as own I/O); empty if unreadable */
    String log() {
        String text = TraceFile.readHead(dir.resolve("record.log"), 64 * 1024);
        return text == null ? "" : text;
    }

    /** Ends perf (if running) and deletes the directory. Idempotent, never throws. */
    @Override
    public void close() {
        try {
            if (process != null) {
                process.close();
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> {
                    try {
                        Files.deleteIfExists(p);
                    } catch (IOException e) {
                        // left for the OS temp cleaner; nothing else to do
                    }
                });
            } catch (IOException | java.io.UncheckedIOException e) {
                // gone already, or a file vanished while listing: what is left goes with the directory below
            }
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.warn("iops: perf's directory {} could not be deleted: {}", dir, e.toString());
            }
            ownDir.close();
        }
    }

    private interface LibC extends Library {
        LibC INSTANCE = Native.load("c", LibC.class);

        int kill(int pid, int signal);
    }
}
