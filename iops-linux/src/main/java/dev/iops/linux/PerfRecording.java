package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.OpSink;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.SelfIo;

import java.io.BufferedReader;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One session's {@code perf record}, from spawn to decoded window. Its own work (spawning perf, the control
 * pipe, decoding) runs inside {@link PerfOwnTime} stretches, so no other perf window counts it; its directory
 * and child processes are booked with {@link SelfIo}. Not thread-safe beyond the {@link Recording} contract.
 */
final class PerfRecording implements Recording {
    private static final long POLL_NANOS = 100_000;

    /** What a session needs to run perf. */
    record Settings(Path perf, PerfSyscalls table, int bufferPages, Duration timeout) {
    }

    private final Settings settings;
    private final Scope scope;
    private final PerfOwnTime ownTime;
    private final long tid;
    private final List<SelfIo.Registration> registrations = new ArrayList<>();
    private Path dir;
    private Process record;
    private Process script;
    private OutputStream control;
    private InputStream acks;
    private Map<Long, TraceWindow.Target> startFds = Map.of();
    private long beginNanos;
    private Runnable stopStretch;
    private boolean opened;
    private boolean stopped;
    private boolean closed;

    PerfRecording(Settings settings, Scope scope, PerfOwnTime ownTime) {
        this.settings = settings;
        this.scope = scope;
        this.ownTime = ownTime;
        long id;
        try {
            id = AffinityHelper.currentTid();
        } catch (IOException | RuntimeException e) {
            throw new ProfilerStartException("perf: the OS id of this thread could not be read from /proc/thread-self ("
                    + e.getMessage() + "); is /proc mounted? Or use -Diops.profiler=strace.", e);
        }
        this.tid = id;
    }

    /** Starts perf and opens the window: the window's start time is the very last thing taken. */
    void begin() {
        // A pending interrupt must not break the handshake (waits are bounded by the timeout); it is restored.
        boolean interrupted = Thread.interrupted();
        try {
            open();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void open() {
        ownTime.recordingOpened();
        opened = true;
        Runnable stretch = ownTime.begin(tid, System.nanoTime());
        try {
            dir = Files.createTempDirectory("iops-perf-");
            registrations.add(SelfIo.ownPath(dir));
            Path data = dir.resolve("io.data");
            ProcessBuilder pb = new ProcessBuilder(PerfProfiler.recordCommand(settings.perf(), settings.table(),
                    ProcessHandle.current().pid(), settings.bufferPages(), data))
                    .redirectError(dir.resolve("record.log").toFile());
            record = pb.start();
            registrations.add(SelfIo.ownProcess(record.pid()));
            control = record.getOutputStream();
            acks = record.getInputStream();
            registrations.add(SelfIo.attachedTracer(PerfProfiler.NAME));
            command("enable");
            startFds = ProcFds.snapshot();
        } catch (IOException | RuntimeException e) {
            stretch.run();
            String why = e instanceof IOException ? "could not be started (" + e.getMessage() + ")" : e.getMessage();
            String log = readLog("record.log");
            close();
            throw new ProfilerStartException(PerfMessages.startFailure(log, why), e);
        }
        stretch.run();
        beginNanos = System.nanoTime();
    }

    @Override
    public RecordingResult stop(OpSink sink) {
        long endNanos = System.nanoTime(); // first: close the window
        // A block that left its thread interrupted still gets its report: every wait below is bounded by the
        // timeout, and the interrupt is restored for the caller.
        boolean interrupted = Thread.interrupted();
        try {
            return stop(sink, endNanos);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private RecordingResult stop(OpSink sink, long endNanos) {
        if (stopped || closed) {
            throw new IllegalStateException("this perf recording was already stopped or closed");
        }
        stopped = true;
        stopStretch = ownTime.begin(tid, endNanos);
        Map<Long, TraceWindow.Target> endFds = ProcFds.snapshot();
        try {
            command("disable");
            command("stop");
            if (!record.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RecordingFailedException("perf record (pid " + record.pid() + ") did not write its data "
                        + "within " + settings.timeout().toMillis() + " ms of the end of the block; raise -D"
                        + PerfProfiler.TIMEOUT_PROPERTY);
            }
            if (record.exitValue() != 0) {
                throw new RecordingFailedException("perf record exited with status " + record.exitValue()
                        + " at the end of the block: " + PerfMessages.lastLines(readLog("record.log"), 3));
            }
        } catch (IOException e) {
            throw died(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordingFailedException("interrupted while waiting for perf to write the block's events", e);
        }
        PerfWindow window = new PerfWindow(settings.table(), beginNanos, endNanos,
                scope == Scope.THREAD ? tid : -1, fd -> {
                    TraceWindow.Target t = endFds.get(fd);
                    return t != null ? t : startFds.get(fd);
                }, SelfIo::isOwnPath, ownTime, sink);
        decode(window);
        Optional<String> lost = PerfMessages.lost(readLog("script.log"));
        if (lost.isPresent()) {
            throw new RecordingFailedException(lost.get());
        }
        List<String> notes = new ArrayList<>();
        if (window.unresolved() > 0) {
            notes.add("perf: " + window.unresolved() + " operations have no path: their descriptors were opened and "
                    + "closed inside the block (tracepoints carry descriptor numbers; paths come from /proc/self/fd "
                    + "at the block's start and end)");
        }
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }

    /** Runs perf script over the data file and streams its lines into the window, with a watchdog on progress. */
    private void decode(PerfWindow window) {
        long[] progress = {System.nanoTime()};
        try {
            script = new ProcessBuilder(PerfProfiler.scriptCommand(settings.perf(), dir.resolve("io.data")))
                    .redirectError(dir.resolve("script.log").toFile()).redirectInput(ProcessBuilder.Redirect.PIPE)
                    .start();
            registrations.add(SelfIo.ownProcess(script.pid()));
            script.getOutputStream().close();
            Process watched = script;
            watchdog(watched, progress);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(
                    new CountingInput(watched.getInputStream()), StandardCharsets.US_ASCII), 1 << 16)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    window.accept(line);
                    progress[0] = System.nanoTime();
                }
            }
            if (!watched.waitFor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)) {
                throw new RecordingFailedException("perf script did not exit within " + settings.timeout().toMillis()
                        + " ms after its output ended");
            }
            if (watched.exitValue() != 0) {
                throw new RecordingFailedException("perf script could not decode the block's events (status "
                        + watched.exitValue() + "): " + PerfMessages.lastLines(readLog("script.log"), 3));
            }
        } catch (IOException e) {
            throw new RecordingFailedException("perf script could not be run to decode the block's events: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RecordingFailedException("interrupted while decoding the block's events", e);
        }
    }

    /** Kills {@code p} when it made no progress for the timeout, so a hung decoder cannot hang the session. */
    private void watchdog(Process p, long[] progress) {
        long timeoutNanos = settings.timeout().toNanos();
        CompletableFuture.delayedExecutor(settings.timeout().toMillis(), TimeUnit.MILLISECONDS).execute(() -> {
            if (!p.isAlive()) {
                return;
            }
            if (System.nanoTime() - progress[0] >= timeoutNanos) {
                p.destroyForcibly();
            } else {
                watchdog(p, progress);
            }
        });
    }

    /** Writes a control command and waits for perf's {@code ack}, polling (perf answers in well under 1 ms). */
    private void command(String cmd) throws IOException {
        byte[] bytes = (cmd + "\n").getBytes(StandardCharsets.US_ASCII);
        control.write(bytes);
        control.flush();
        SelfIo.count(0, 0, 1, bytes.length);
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        StringBuilder answer = new StringBuilder();
        byte[] buf = new byte[64];
        while (answer.indexOf("ack\n") < 0) {
            int n = acks.available();
            if (n > 0) {
                int r = acks.read(buf, 0, Math.min(n, buf.length));
                SelfIo.count(1, Math.max(0, r), 0, 0);
                answer.append(new String(buf, 0, Math.max(0, r), StandardCharsets.US_ASCII));
                continue;
            }
            if (!record.isAlive()) {
                throw new IOException("perf record exited (status " + record.exitValue() + ") before it acknowledged '"
                        + cmd + "'");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("perf record did not acknowledge '" + cmd + "' within "
                        + settings.timeout().toMillis() + " ms; raise -D" + PerfProfiler.TIMEOUT_PROPERTY);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    private RecordingFailedException died(IOException e) {
        String log = readLog("record.log");
        return new RecordingFailedException("perf record failed during the block: " + e.getMessage()
                + (log.isBlank() ? "" : "; it said: " + PerfMessages.lastLines(log, 3)), e);
    }

    /** Reads one of perf's logs in the private directory (booked as own I/O); empty if unreadable. */
    private String readLog(String name) {
        if (dir == null) {
            return "";
        }
        try {
            byte[] b = Files.readAllBytes(dir.resolve(name));
            SelfIo.count(2, b.length, 0, 0); // one read of the content, one at end of file
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            kill(script);
            kill(record);
            deleteDir();
        } finally {
            for (SelfIo.Registration r : registrations) {
                r.close();
            }
            if (stopStretch != null) {
                stopStretch.run();
            }
            if (opened) {
                ownTime.recordingClosed();
            }
        }
    }

    private static void kill(Process p) {
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            p.destroyForcibly();
        }
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly(p.getOutputStream());
        closeQuietly(p.getInputStream());
        closeQuietly(p.getErrorStream());
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // already closed
        }
    }

    private void deleteDir() {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the OS temp cleaner; nothing else to do
                }
            });
        } catch (IOException e) {
            // the directory is already gone
        }
    }

    /** Books each read of perf script's output as the library's own I/O (counting providers subtract it). */
    private static final class CountingInput extends FilterInputStream {
        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            SelfIo.count(1, Math.max(0, n), 0, 0);
            return n;
        }

        @Override
        public int read() throws IOException {
            int n = super.read();
            SelfIo.count(1, n < 0 ? 0 : 1, 0, 0);
            return n;
        }
    }
}
