package dev.iops.jvm;

import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingRequest;

import java.nio.file.Files;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

/**
 * The portable JVM-level profiler, named {@code jfr}: every measured block gets its own JDK Flight Recorder
 * recording of {@code jdk.FileRead}, {@code jdk.FileWrite}, {@code jdk.SocketRead} and {@code jdk.SocketWrite}
 * with threshold 0 and no stack traces, written to a private temporary {@code .jfr} file that is read back
 * with {@link jdk.jfr.consumer.RecordingFile} when the block ends, then deleted.
 *
 * <h2>What it sees</h2>
 * One operation per JVM-level call of {@link java.io.FileInputStream}, {@link java.io.FileOutputStream},
 * {@link java.io.RandomAccessFile}, {@link java.nio.channels.FileChannel} {@code read}/{@code write}, socket
 * streams and {@link java.nio.channels.SocketChannel}, with its size in bytes, the Java thread that made it,
 * the path (or {@code host:port}), when it started in the block and how long it took. An end-of-file read is
 * a read of 0 bytes, as the OS sees it. It does <em>not</em> see memory-mapped files,
 * {@code FileChannel.transferTo}/{@code transferFrom} and {@code Files.copy}, {@code AsynchronousFileChannel},
 * native code or some socket adaptor reads; every report it makes says so in its notes. A call that threw
 * is reported by JFR as a 0-byte operation (it does not mark failures). Writes to {@code System.out} and
 * {@code System.err} have no path.
 *
 * <h2>Scope and selection</h2>
 * {@link Scope#THREAD} keeps the events of the session's thread (by Java thread id); {@link Scope#PROCESS}
 * keeps every thread's. Priority {@value #PRIORITY}: below the OS tracers that do not stop the process (300s), the
 * exact OS counters (200s: procfs, Windows {@code iocounters}) and the exact counters combined with it
 * ({@code procfs+jfr}, 180, in iops-linux), above the tracers that stop every system call ({@code strace}, 100)
 * and the bytes-only counters. So a plain request prefers exact system-call counts where an OS counter can run, a
 * {@code histogram()} request on Linux gets procfs's exact counts with this profiler's detail, and jfr measures
 * alone where no OS source can run beside it (Windows histograms, macOS without admin rights, a virtual thread in
 * {@link Scope#THREAD}) rather than a tracer that would slow the block many times.
 *
 * <h2>Costs</h2>
 * The first recording of the JVM costs between a third of a second and a second (JFR starts and instruments
 * the JDK's I/O classes); it is done once, inside the first {@link #start}, before that block's window opens,
 * so it is not in any measured figure. After that each block costs milliseconds outside its window (start,
 * stop, reading the file back): about 3 to 5 ms once the JIT has compiled JFR's file parser, which takes some
 * hundreds of blocks, and about 10 ms before. Each operation inside a window costs some tens of nanoseconds
 * more. {@code dev.iops.examples.JfrBenchmark} measures all of these.
 *
 * <h2>Call sites</h2>
 * With {@code Iops.with().callSites()} the recording keeps stack traces, and each operation is attributed to its
 * first Java frame outside {@code java.*}, {@code javax.*}, {@code jdk.*}, {@code sun.*}, {@code com.sun.*} and iops
 * itself, as {@code com.example.Store.flush:42}; the report lists the busiest in {@code OpDetail.topSites()}. A
 * stack walk costs about 0.4 µs more per operation, so it is off unless asked. JFR keeps the innermost 64 frames.
 *
 * <h2>Living with other recordings</h2>
 * A recording the user started keeps running and keeps its own settings and file. While a block is measured
 * JFR applies the union of the settings of all running recordings, so the user's recording also receives
 * every I/O event of that window (threshold 0); and if the user's recording asks for stack traces on these
 * events, this profiler's per-operation cost rises to match.
 *
 * <h2>A full disk</h2>
 * When Flight Recorder cannot write its data, the JDK shuts the whole JVM down. So jfr is unusable, and refuses to
 * start a recording, while Flight Recorder's repository or {@code java.io.tmpdir} has less than 32 MiB free; the
 * message says where and what to do. The check is made when each block starts: a disk that fills during a block
 * can still meet Flight Recorder's own shutdown (see docs/profilers/jfr.md).
 *
 * <h2>Its own I/O</h2>
 * Nothing of the library's runs inside a window; the {@code .jfr} file is read after the recording stopped.
 * Operations on this profiler's own files (named {@code iops-jfr-<pid>-*.jfr} in {@code java.io.tmpdir}) are dropped
 * as well, so that a session never counts another session reading its file back.
 *
 * <p>Thread-safe: any number of sessions may record at once, on any threads; each has its own recording.
 */
public final class JfrProfiler implements Profiler {
    /** This profiler's name. */
    public static final String NAME = "jfr";
    /** This profiler's priority: JVM-level per-operation band. */
    public static final int PRIORITY = 150;

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.OPERATION_SIZES, Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY,
            Capability.TIMELINE, Capability.CALL_SITES));

    private final Object warmLock = new Object();
    private volatile boolean warm;

    /** Creates the profiler; it holds nothing until a recording starts. */
    public JfrProfiler() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Availability availability() {
        // Checked before any jdk.jfr type is touched: on a runtime without the module they cannot even link.
        if (ModuleLayer.boot().findModule("jdk.jfr").isEmpty()) {
            return Availability.unusable("needs the jdk.jfr module, which this Java runtime lacks (a jlink image "
                    + "without it?); add jdk.jfr to the runtime or use another profiler");
        }
        try {
            if (!JfrWindow.flightRecorderAvailable()) {
                return Availability.unusable("Flight Recorder is not available in this JVM (disabled with "
                        + "-XX:-FlightRecorder, or a VM built without JFR); use a JVM with JFR or another profiler");
            }
        } catch (RuntimeException | LinkageError e) {
            return Availability.unusable("Flight Recorder could not be queried: " + e);
        }
        if (!Files.isDirectory(OwnFiles.DIR) || !Files.isWritable(OwnFiles.DIR)) {
            return Availability.unusable("java.io.tmpdir (" + OwnFiles.DIR + ") is not a writable directory; jfr "
                    + "writes each block's recording there. Point -Djava.io.tmpdir to one");
        }
        String shortage = RecordingSpace.shortage();
        if (shortage != null) {
            return Availability.unusable(shortage);
        }
        return Availability.ready();
    }

    /**
     * Makes the JVM's first JFR recording (a second or so: JFR starts and instruments the JDK's I/O classes) on the
     * warm-up thread; a first {@link #start} meanwhile waits for it instead of starting another.
     */
    @Override
    public void warmUp() {
        try {
            warmUp(Thread.currentThread());
        } catch (RuntimeException e) {
            // the first start() tries again, and reports its failure to the caller
        }
    }

    @Override
    public Recording start(RecordingRequest request) {
        warmUp(request.thread());
        return JfrWindow.open(request.scope(), request.thread(), request.callSites()); // last action: open the window
    }

    /**
     * Runs one throw-away recording through the whole path (start, instrumented I/O, stop, read back) the first
     * time, so that JFR's start-up, the JDK's class instrumentation and this package's class loading happen
     * outside every measured window.
     */
    private void warmUp(Thread thread) {
        if (warm) {
            return;
        }
        synchronized (warmLock) {
            if (warm) {
                return;
            }
            try {
                JfrWindow.warmUp(thread);
            } catch (RuntimeException e) {
                throw new ProfilerStartException("jfr could not make its first recording: " + e.getMessage()
                        + ". Check that Flight Recorder works in this JVM (-XX:StartFlightRecording) and that "
                        + OwnFiles.DIR + " is writable, or use another profiler.", e);
            }
            warm = true;
        }
    }

    @Override
    public String toString() {
        return "JfrProfiler[" + NAME + ", priority " + PRIORITY + "]";
    }
}
