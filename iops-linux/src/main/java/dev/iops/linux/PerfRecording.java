package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.OpSink;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One session's {@code perf record}, from spawn to decoded window. Its own work (spawning perf, the control
 * pipe, decoding) runs inside {@link PerfOwnTime} stretches, so no other perf window counts it; its directory
 * and child processes are booked with {@link SelfIo}. Not thread-safe beyond the {@link Recording} contract.
 */
final class PerfRecording implements Recording {
    private static final long POLL_NANOS = 100_000;
    private static final int MAX_ATTEMPTS = 3;

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
            for (int attempt = 1; ; attempt++) {
                try {
                    spawnAndEnable(dir.resolve("io.data"));
                    break;
                } catch (IOException e) {
                    String log = readLog("record.log");
                    kill(record);
                    // perf attaches to each thread of the JVM in turn; one that exits meanwhile fails the attach
                    if (attempt < MAX_ATTEMPTS && log.contains("No such process")) {
                        continue;
                    }
                    throw new ProfilerStartException(PerfMessages.startFailure(log, e.getMessage()), e);
                }
            }
            registrations.add(SelfIo.attachedTracer(PerfProfiler.NAME));
            startFds = ProcFds.snapshot();
        } catch (IOException | RuntimeException e) {
            stretch.run();
            close();
            throw e instanceof ProfilerStartException pse ? pse : new ProfilerStartException(
                    "perf could not prepare its private directory in " + System.getProperty("java.io.tmpdir") + ": "
                            + e.getMessage() + ". Check the temp directory, or use -Diops.profiler=strace.", e);
        }
        stretch.run();
        beginNanos = System.nanoTime();
    }

    private void spawnAndEnable(Path data) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(PerfProfiler.recordCommand(settings.perf(), settings.table(),
                ProcessHandle.current().pid(), settings.bufferPages(), data))
                .redirectError(dir.resolve("record.log").toFile());
        try {
            record = pb.start();
        } catch (IOException e) {
            throw new IOException("could not be started (" + e.getMessage() + ")", e);
        }
        registrations.add(SelfIo.ownProcess(record.pid()));
        ownTime.process(record.pid());
        control = record.getOutputStream();
        acks = record.getInputStream();
        command("enable");
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
        if (!record.isAlive()) {
            String log = readLog("record.log");
            throw new RecordingFailedException("perf record (pid " + record.pid() + ") exited during the block with "
                    + "status " + record.exitValue() + (log.isBlank() ? "" : "; it said: " + PerfMessages.lastLines(log, 3))
                    + "; the block's events are lost. Was it killed?");
        }
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
        Map<Long, TraceWindow.Target> startAt = startFds;
        PerfWindow window = new PerfWindow(settings.table(), beginNanos, endNanos,
                scope == Scope.THREAD ? tid : -1, ProcessHandle.current().pid(), startAt::get, endFds::get,
                SelfIo::isOwnPath, pid -> ownTime.isOwnProcess(pid) || SelfIo.isOwnProcess(pid), ownTime, sink);
        PerfData.Summary summary = decode(window);
        window.finish();
        if (summary.lost() > 0) {
            throw new RecordingFailedException(PerfMessages.lost(summary.lost(), summary.samples()));
        }
        List<String> notes = new ArrayList<>();
        if (window.unresolved() > 0) {
            notes.add("perf: " + window.unresolved() + " operations have no path: their descriptors were opened and "
                    + "closed inside the block, or they were made by a child process (tracepoints carry descriptor "
                    + "numbers; paths come from /proc/self/fd at the block's start and end)");
        }
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }

    /** Reads perf's file into the window (a Java reader: no perf script process, no text round trip). */
    private PerfData.Summary decode(PerfWindow window) {
        try (FileChannel data = FileChannel.open(dir.resolve("io.data"), StandardOpenOption.READ)) {
            return PerfData.read(data, window);
        } catch (IOException e) {
            throw new RecordingFailedException("perf's data file for the block could not be read: " + e.getMessage(), e);
        }
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
                throw new IOException("exited (status " + record.exitValue() + ") before it acknowledged '" + cmd + "'");
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("did not acknowledge '" + cmd + "' within " + settings.timeout().toMillis()
                        + " ms; raise -D" + PerfProfiler.TIMEOUT_PROPERTY);
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
}
