package dev.iops.linux;

import dev.iops.Scope;
import dev.iops.spi.OpSink;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingResult;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * One session's {@code perf record}, from spawn to decoded window. Its own work (spawning perf, the control
 * pipe, decoding) runs inside {@link PerfOwnTime} stretches, so no other perf window counts it; its directory
 * and child processes are booked with {@link SelfIo}. Not thread-safe beyond the {@link Recording} contract.
 */
final class PerfRecording implements Recording {
    private static final Duration POLL = Duration.ofNanos(100_000);
    /** perf exits within ~100 ms of SIGTERM; a stuck one is killed after this. */
    private static final Duration GRACE = Duration.ofSeconds(2);
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
    private ChildProcess record;
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
                    record.close();
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
        try {
            record = ChildProcess.of(PerfProfiler.NAME, PerfProfiler.recordCommand(settings.perf(), settings.table(),
                            ProcessHandle.current().pid(), settings.bufferPages(), data))
                    .pipes().stderrTo(dir.resolve("record.log")).deleteOnClose(data)
                    .grace(GRACE).start();
        } catch (IOException e) {
            throw new IOException("could not be started (" + e.getMessage() + ")", e);
        }
        ownTime.process(record.pid());
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
            throw new RecordingFailedException("perf record (pid " + record.pid() + ") exited during the block ("
                    + record.describeExit() + (log.isBlank() ? "" : "; it said: " + PerfMessages.lastLines(log, 3))
                    + "), so the block's events are lost (was it killed?)");
        }
        try {
            command("disable");
            command("stop");
        } catch (IOException e) {
            throw died(e);
        }
        int exit = record.waitExit(settings.timeout());
        if (exit != 0) {
            throw new RecordingFailedException(exit == -1
                    ? "perf record (pid " + record.pid() + ") did not write its data within "
                    + settings.timeout().toMillis() + " ms of the end of the block; raise -D"
                    + PerfProfiler.TIMEOUT_PROPERTY
                    : "perf record exited with status " + exit + " at the end of the block: "
                    + PerfMessages.lastLines(readLog("record.log"), 3));
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

    /** Writes a control command and waits for perf's {@code ack} (perf answers in well under 1 ms when warm). */
    private void command(String cmd) throws IOException {
        byte[] bytes = (cmd + "\n").getBytes(StandardCharsets.US_ASCII);
        OutputStream control = record.stdin();
        control.write(bytes);
        control.flush();
        SelfIo.count(0, 0, 1, bytes.length);
        InputStream acks = record.stdout();
        StringBuilder answer = new StringBuilder();
        byte[] buf = new byte[64];
        ChildProcess.Readiness r = record.awaitReady(() -> {
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
            case EXITED -> throw new IOException("exited (" + record.describeExit() + ") before it acknowledged '"
                    + cmd + "'");
            default -> throw new IOException("did not acknowledge '" + cmd + "' within "
                    + settings.timeout().toMillis() + " ms; raise -D" + PerfProfiler.TIMEOUT_PROPERTY);
        }
    }

    private RecordingFailedException died(IOException e) {
        String log = readLog("record.log");
        return new RecordingFailedException("perf record failed during the block: " + e.getMessage()
                + (log.isBlank() ? "" : "; it said: " + PerfMessages.lastLines(log, 3)), e);
    }

    /** Reads one of perf's logs in the private directory (booked as own I/O); empty if unreadable. */
    private String readLog(String name) {
        String text = dir == null ? null : TraceFile.readHead(dir.resolve(name), 64 * 1024);
        return text == null ? "" : text;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (record != null) {
                record.close();
            }
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
