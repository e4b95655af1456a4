package dev.iops.jupyter;

import dev.iops.Figure;
import dev.iops.IncompleteReportException;
import dev.iops.IopsException;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.Scope;
import dev.iops.spi.SelfIo;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.display.DisplayData;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The behaviour of {@code %%iops} and {@code %iops}: parse the options, evaluate the code through the kernel inside
 * an iops session, display the report (and charts), then the code's value, or rethrow its failure.
 *
 * <p>Where the code runs decides how it is measured. JJava 1.0-a6 evaluates code called from a magic on another
 * executor thread than the magic's (a7+ on the same one), and JShell compiles a snippet on the calling thread
 * before it runs it:
 * <ul>
 *   <li>default, {@link Scope#PROCESS}: the session is started and stopped by the magic; it sees the code's I/O on
 *       whatever thread ran it, and also the compiler's reads and the kernel's own messaging during the cell;</li>
 *   <li>{@code --thread}: a window is opened and closed by two tiny snippets that the kernel evaluates like the
 *       cell's own code ({@link #WINDOW_MAGIC}), so the {@link Scope#THREAD} session belongs to the thread that
 *       runs the code, whatever the kernel version. On a6 the compiler ran on the magic's thread and is not
 *       counted; when the window's thread is the magic's own (a7+), it is, and the report says so.</li>
 * </ul>
 * On kernels with JJava a7+'s telemetry hook ({@link Telemetry}) neither is needed: each snippet's invocation gets
 * its own session, in the scope asked, and JShell's compilation stays out of the figures in both scopes.
 *
 * <p>Thread-safe: each call has its own session; open windows are keyed by a random token.
 */
final class IopsMagic {
    /** Name of the internal line magic the window snippets call (not meant to be typed). */
    static final String WINDOW_MAGIC = "iops-window";

    static final String PROCESS_NOTE = "scope PROCESS counts every thread of the kernel JVM during the cell: with "
            + "the cell's own I/O also JShell compiling it (class-file reads) and the kernel's Jupyter messages "
            + "(ZeroMQ sockets, e.g. for printed output); use --thread to count only the thread that runs the code";
    static final String THREAD_NOTE = "--thread counted only the thread that ran the cell's code; JShell compiled "
            + "the cell on another thread, so its class-file reads are not counted; I/O handed to other threads "
            + "is not counted either";
    static final String THREAD_COMPILE_NOTE = "--thread counted only the thread that ran the cell's code; this "
            + "kernel compiles on that same thread, so JShell's class-file reads while compiling the cell are "
            + "counted too; I/O handed to other threads is not counted";

    static final String TELEMETRY_PROCESS_NOTE = "measured only while the cell's statements ran (JJava telemetry): "
            + "JShell's compilation of the cell is not counted; scope PROCESS counts every thread of the kernel JVM "
            + "meanwhile, e.g. the kernel's Jupyter messages for printed output";
    static final String TELEMETRY_THREAD_NOTE = "measured only while the cell's statements ran (JJava telemetry), on "
            + "the thread that ran them: JShell's compilation is not counted, nor I/O handed to other threads";
    static final String NOTHING_INVOKED_NOTE = "the cell ran no statement (only declarations), so it did no I/O "
            + "of its own";

    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    /** {@code %%iops [options]} + body. Returns nothing: a6 discards a magic's value, so everything is displayed. */
    Object cell(BaseKernel kernel, List<String> args, String body) {
        run(kernel, parse(kernel, "%%iops", args, false), body);
        return null;
    }

    /** {@code %iops [options] statement}. */
    Object line(BaseKernel kernel, List<String> args) {
        MagicOptions o = parse(kernel, "%iops", args, true);
        run(kernel, o, o.statement());
        return null;
    }

    /** The options, or the usage shown once under the cell and a one-line error. */
    private static MagicOptions parse(BaseKernel kernel, String magic, List<String> args, boolean line) {
        try {
            return MagicOptions.parse(magic, args, line);
        } catch (MagicOptions.MagicUsageException e) {
            kernel.display(new DisplayData(MagicOptions.USAGE));
            throw e;
        }
    }

    private void run(BaseKernel kernel, MagicOptions o, String code) {
        if (o.help()) {
            kernel.display(new DisplayData(MagicOptions.USAGE));
            return;
        }
        Iops.Builder builder = Iops.with().scope(o.thread() ? Scope.THREAD : Scope.PROCESS);
        o.profiler().ifPresent(builder::profiler);
        if (o.histogram()) {
            builder.histogram();
        }
        Optional<Telemetry> telemetry = Telemetry.of(kernel);
        Outcome out = telemetry.isPresent() ? oneWindow(kernel, telemetry.get(), builder, o.thread(), code)
                : o.thread() ? onEvaluatingThread(kernel, builder, code) : inProcess(kernel, builder, code);
        String compileError = out.failure == null ? null : CellFailure.compileError(kernel, out.failure);
        if (compileError != null) { // nothing ran: the compiler's message, no report
            throw new CellFailure.CellException(compileError, new StackTraceElement[0]);
        }
        if (out.report != null) {
            ReportDisplay.show(kernel, out.report, o.histogram(), o.json());
        }
        if (out.failure instanceof Error e) {
            throw e;
        }
        if (out.failure != null) {
            throw CellFailure.unwrap((RuntimeException) out.failure); // only RuntimeException or Error are caught
        }
        if (out.stopFailure != null) {
            throw out.stopFailure;
        }
        if (out.value != null) {
            kernel.display(kernel.getRenderer().render(out.value));
        }
    }

    private static Outcome inProcess(BaseKernel kernel, Iops.Builder builder, String code) {
        Outcome out = new Outcome();
        IopsSession session = builder.start(); // no profiler: its exception says why, and the code is not run
        try {
            out.value = kernel.evalRaw(code);
        } catch (RuntimeException | Error e) {
            out.failure = e;
        } finally {
            out.stop(session);
        }
        if (out.report != null) {
            out.report = out.report.withNote(PROCESS_NOTE);
        }
        return out;
    }

    /**
     * JJava a7+: one session for the whole cell, opened when the kernel is about to invoke the cell's first
     * statement (JShell has compiled it by then) and stopped when the evaluation returns. The kernel's telemetry
     * hook says when each invocation begins and ends; what the magic's thread does between them (JShell compiling
     * the next statement) is marked as work that is not the cell's ({@link SelfIo#ownWork()}), which every
     * provider drops. So the cell pays for one start and one stop, and the compiler's class-file reads stay out.
     * A profiler that cannot start throws from the hook, before the first statement runs. The report's elapsed
     * time is the statements' own: the sum of their invocations.
     */
    private static Outcome oneWindow(BaseKernel kernel, Telemetry telemetry, Iops.Builder builder, boolean thread,
                                     String code) {
        Outcome out = new Outcome();
        Window1 w = new Window1(builder);
        try {
            out.value = telemetry.around(w::invocationStarts, w::invocationEnded, () -> kernel.evalRaw(code));
        } catch (RuntimeException | Error e) {
            out.failure = e;
        } finally {
            w.closeGap();
        }
        if (w.startFailure != null) {
            throw w.startFailure; // the profiler's own explanation; the kernel's wrapping of it says less
        }
        if (w.session == null) { // declarations only: nothing was invoked; an empty window says who would measure
            w.session = builder.start();
        }
        out.stop(w.session);
        if (out.report != null) {
            IopsReport r = withElapsed(out.report, Duration.ofNanos(w.invokedNanos));
            out.report = (w.invocations == 0 ? r.withNote(NOTHING_INVOKED_NOTE) : r)
                    .withNote(thread ? TELEMETRY_THREAD_NOTE : TELEMETRY_PROCESS_NOTE);
        }
        return out;
    }

    /**
     * One cell's window on a7+: started at the first invocation; between invocations the magic's thread is in a
     * stretch of work that is not the cell's. Called on the magic's thread only.
     */
    private static final class Window1 {
        private final Iops.Builder builder;
        IopsSession session;
        RuntimeException startFailure;
        private SelfIo.OwnWork gap;
        private long invokedAt;
        private int depth; // a statement that evaluates code itself nests invocations: the outermost counts
        long invokedNanos;
        int invocations;

        Window1(Iops.Builder builder) {
            this.builder = builder;
        }

        Object invocationStarts() {
            if (depth++ == 0) {
                if (session == null) {
                    try {
                        session = builder.start();
                    } catch (RuntimeException e) {
                        depth--;
                        startFailure = e;
                        throw e; // thrown before the invocation: the kernel does not run the statement
                    }
                }
                closeGap();
                invocations++;
                invokedAt = System.nanoTime();
            }
            return null;
        }

        void invocationEnded(Object unused) {
            if (--depth == 0) {
                invokedNanos += System.nanoTime() - invokedAt;
                gap = SelfIo.ownWork();
            }
        }

        void closeGap() {
            if (gap != null) {
                gap.close();
                gap = null;
            }
        }
    }

    private Outcome onEvaluatingThread(BaseKernel kernel, Iops.Builder builder, String code) {
        String token = UUID.randomUUID().toString();
        Window w = new Window(builder);
        windows.put(token, w);
        Outcome out = new Outcome();
        try {
            kernel.evalRaw("%" + WINDOW_MAGIC + " open " + token);
            if (w.openFailure != null) {
                throw w.openFailure; // the profiler's own exception, not the kernel's wrapping of it
            }
            try {
                out.value = kernel.evalRaw(code);
                kernel.evalRaw("%" + WINDOW_MAGIC + " close " + token);
            } catch (RuntimeException | Error e) {
                out.failure = e;
            }
        } finally {
            windows.remove(token);
            if (w.session != null) {
                out.stop(w.session); // already stopped by the close snippet, unless the code threw
            }
        }
        if (out.report != null) {
            String note = w.opened == Thread.currentThread() ? THREAD_COMPILE_NOTE : THREAD_NOTE;
            out.report = out.report.withNote(note);
            if (w.closed != null && w.closed != w.opened) {
                out.report = out.report.withNote("UNDERCOUNT: the kernel ran the cell on more than one thread ('"
                        + w.opened.getName() + "' then '" + w.closed.getName() + "'); --thread counted only the "
                        + "first. Measure this cell without --thread.");
            }
        }
        return out;
    }

    private static IopsReport withElapsed(IopsReport r, Duration elapsed) {
        // an unmeasured figure is 0 in the report's fields; its accessor would throw
        return new IopsReport(r.profiler(), r.scope(), elapsed, r.figure(Figure.READ_OPS).orElse(0),
                r.figure(Figure.WRITE_OPS).orElse(0), r.figure(Figure.BYTES_READ).orElse(0),
                r.figure(Figure.BYTES_WRITTEN).orElse(0), r.measured(), r.storage(), r.histogram(), r.detail(),
                r.notes(), r.devices());
    }

    /** {@code %iops-window open|close TOKEN}: runs on the thread that evaluates the cell's code. */
    Object window(List<String> args) {
        if (args.size() != 2 || !(args.get(0).equals("open") || args.get(0).equals("close"))) {
            throw new IllegalArgumentException("%" + WINDOW_MAGIC + " is internal to %%iops --thread");
        }
        Window w = windows.get(args.get(1));
        if (w == null) {
            throw new IllegalArgumentException("%" + WINDOW_MAGIC + ": no open %%iops --thread window " + args.get(1));
        }
        if (args.get(0).equals("open")) {
            try {
                w.session = w.builder.start();
                w.opened = Thread.currentThread();
            } catch (RuntimeException e) {
                w.openFailure = e;
            }
        } else {
            w.closed = Thread.currentThread();
            try {
                w.session.stop();
            } catch (RuntimeException e) {
                // kept by the session: Outcome.stop gets the same exception from the magic's thread
            }
        }
        return args.get(1); // non-null: kernels that store snippet values in concurrent maps reject null
    }

    /** One --thread window; written on the evaluating thread, read by the magic after the kernel returned. */
    private static final class Window {
        final Iops.Builder builder;
        volatile IopsSession session;
        volatile Thread opened;
        volatile Thread closed;
        volatile RuntimeException openFailure;

        Window(Iops.Builder builder) {
            this.builder = builder;
        }
    }

    /** What one measured evaluation gave. */
    private static final class Outcome {
        Object value;
        IopsReport report;
        Throwable failure;
        RuntimeException stopFailure;

        void stop(IopsSession session) {
            try {
                report = session.stop();
            } catch (IncompleteReportException e) {
                report = e.partialReport();
                stopFailure = e;
            } catch (RuntimeException e) {
                stopFailure = e;
            }
        }
    }
}
