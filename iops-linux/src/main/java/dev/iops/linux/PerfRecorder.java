package dev.iops.linux;

import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.SelfIo;
import dev.iops.tracer.ChildProcess;
import dev.iops.tracer.TraceFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * One {@code perf record} process attached to this JVM, disabled except inside windows, and the private directory
 * it writes to. perf appends to one file for its whole life; each window is the slice of records written between
 * its {@link #enable()} and the end of its {@link #drain()}, read while perf goes on ({@link #read}). perf is never
 * asked to finish its file (it would re-read the kernel's symbol table, about 30 ms): it is killed when it is no
 * longer needed, and its file deleted. Not thread-safe: one session uses it at a time.
 */
final class PerfRecorder implements AutoCloseable {
    private static final Duration POLL = Duration.ofNanos(100_000);
    /** A recorder whose file grew past this is not kept for another session: the next one starts afresh. */
    static final long MAX_FILE_BYTES = 256L << 20;
    private static final int MAX_ATTEMPTS = 3;
    private static final AtomicLong SEQUENCE = new AtomicLong();
    /** Directories of recorders not closed yet: the JVM's exit deletes them (perf itself is killed by its hook). */
    private static final java.util.Set<Path> OPEN_DIRS = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        SelfIo.atExit(() -> OPEN_DIRS.forEach(PerfRecorder::deleteTree));
    }

    private final PerfRecording.Settings settings;
    private final Path dir;
    private final Path data;
    private final SelfIo.Registration ownDir;
    private ChildProcess process;
    private FileChannel file;
    private long consumed;

    private PerfRecorder(PerfRecording.Settings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
        this.data = dir.resolve("io.data");
        this.ownDir = SelfIo.ownPath(dir);
        OPEN_DIRS.add(dir);
    }

    /**
     * Spawns perf, attached to this JVM and disabled; retried when a JVM thread exits during the attach.
     *
     * @param settings what to run
     * @return the recorder, disabled
     * @throws ProfilerStartException if perf cannot start; the message quotes it and says what to do
     */
    static PerfRecorder start(PerfRecording.Settings settings) {
        Path dir;
        try {
            dir = privateDirectory();
        } catch (IOException e) {
            throw new ProfilerStartException("perf could not prepare its private directory in "
                    + System.getProperty("java.io.tmpdir") + ": " + e.getMessage()
                    + ". Check the temp directory, or use -Diops.profiler=strace.", e);
        }
        PerfRecorder r = new PerfRecorder(settings, dir);
        // perf attaches to each thread of the JVM in turn, then sets the filter on each; a thread that exits
        // meanwhile makes perf 6.1 fail and exit. Without the kernel filter it just skips that thread, at the cost
        // of recording every system call of the window (the decoder keeps the same ones). That way is taken when
        // a process-wide counter window is open, where a perf that ended on its own would add its I/O, and after
        // a failed attempt.
        boolean kernelFilter = !SelfIo.processCounterOpen()
                && PerfProfiler.kernelFilter();
        for (int attempt = 1; ; attempt++) {
            try {
                r.spawn(kernelFilter);
                return r;
            } catch (IOException e) {
                String log = r.log();
                if (r.process != null) {
                    r.process.close();
                }
                if (attempt < MAX_ATTEMPTS && PerfMessages.threadExitedDuringAttach(log)) {
                    kernelFilter = false;
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

    /**
     * A directory only this user can enter, named {@code iops-perf-<pid>-<n>} in the temp directory: no random
     * name, because drawing one reads {@code /dev/urandom} inside whatever window another session has open.
     */
    private static Path privateDirectory() throws IOException {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        long pid = ProcessHandle.current().pid();
        while (true) {
            Path dir = tmp.resolve("iops-perf-" + pid + "-" + SEQUENCE.incrementAndGet());
            try {
                return Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } catch (FileAlreadyExistsException taken) {
                // left by an earlier JVM with the same pid: try the next number
            }
        }
    }

    private void spawn(boolean kernelFilter) throws IOException {
        java.util.List<String> cmd = PerfProfiler.recordCommand(settings.perf(), settings.table(),
                ProcessHandle.current().pid(), settings.bufferPages(), data,
                kernelFilter);
        try {
            process = ChildProcess.of(PerfProfiler.NAME, cmd).pipes().stderrTo(dir.resolve("record.log"))
                    .deleteOnClose(data).killOnClose().grace(Duration.ofSeconds(2)).start();
        } catch (IOException e) {
            throw new IOException("could not be started (" + e.getMessage() + ")", e);
        }
        command("ping"); // perf answers once its events are open: attached, still disabled, its header written
        file = FileChannel.open(data, StandardOpenOption.READ); // this attempt's file (perf renames an older one)
        consumed = 0;
    }

    /** @throws IOException if perf does not acknowledge */
    void enable() throws IOException {
        command("enable");
    }

    /** @throws IOException if perf does not acknowledge */
    void disable() throws IOException {
        command("disable");
    }

    /**
     * Waits until perf has written every event recorded before the last {@link #disable()}: perf answers a
     * command, then copies its ring buffers to the file, then waits for the next command; so once a second
     * command after {@code disable} is answered, one full copy after the disable is done.
     *
     * @throws IOException if perf does not acknowledge
     */
    void drain() throws IOException {
        command("ping");
        command("ping");
    }

    /**
     * Reads the records written since the previous read.
     *
     * @param sink receives the events, in time order
     * @return what the slice held
     * @throws IOException if the file cannot be read
     */
    PerfData.Summary read(PerfData.Events sink) throws IOException {
        PerfData.Slice slice = PerfData.readFrom(file, consumed, sink);
        consumed = slice.end();
        return slice.summary();
    }

    /** @return true if this recorder may serve another session (alive, its file not too large) */
    boolean reusable() {
        return process.isAlive() && consumed < MAX_FILE_BYTES;
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

    /** Writes a control command and waits for perf's {@code ack} (perf answers in well under 1 ms when warm). */
    private void command(String cmd) throws IOException {
        byte[] bytes = (cmd + "\n").getBytes(StandardCharsets.US_ASCII);
        OutputStream control = process.stdin();
        try (SelfIo.OwnCall call = SelfIo.ownCall()) { // a line into perf's control pipe: never blocks
            control.write(bytes);
            control.flush();
            own(true, bytes.length);
        }
        InputStream acks = process.stdout();
        StringBuilder answer = new StringBuilder();
        byte[] buf = new byte[64];
        ChildProcess.Readiness r = process.awaitReady(() -> {
            int n = acks.available();
            if (n > 0) {
                int got;
                try (SelfIo.OwnCall call = SelfIo.ownCall()) { // bytes that are there: never blocks
                    got = Math.max(0, acks.read(buf, 0, Math.min(n, buf.length)));
                    own(false, got);
                }
                answer.append(new String(buf, 0, got, StandardCharsets.US_ASCII));
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

    /** One call on the control pipe: booked for counters, and as pathless for JVM-level providers (jfr). */
    private static void own(boolean write, long bytes) {
        if (write) {
            SelfIo.count(0, 0, 1, bytes);
        } else {
            SelfIo.count(1, bytes, 0, 0);
        }
        SelfIo.countUnnamed(write, bytes);
    }

    /** @return a failure during the block, quoting perf */
    dev.iops.spi.RecordingFailedException failed(IOException e) {
        String log = log();
        return new dev.iops.spi.RecordingFailedException("perf record failed during the block: " + e.getMessage()
                + (log.isBlank() ? "" : "; it said: " + PerfMessages.lastLines(log, 3)), e);
    }

    /** @return perf's stderr so far (booked as own I/O); empty if unreadable */
    String log() {
        String text = TraceFile.readHead(dir.resolve("record.log"), 64 * 1024);
        return text == null ? "" : text;
    }

    /**
     * Deletes the directory, then kills perf: its files may go while it holds them open (it makes no new ones), so
     * nothing of it is left once its process is gone. Idempotent, never throws.
     */
    @Override
    public void close() {
        try {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    // read-only: nothing was lost
                }
            }
            deleteTree(dir);
            OPEN_DIRS.remove(dir);
        } finally {
            if (process != null) {
                process.close();
            }
            ownDir.close();
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // left for the OS temp cleaner; nothing else to do
                }
            });
        } catch (IOException | java.io.UncheckedIOException e) {
            // gone already, or a file vanished while listing
        }
    }
}
