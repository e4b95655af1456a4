package dev.iops;

import dev.iops.internal.Devices;
import dev.iops.internal.Registry;
import dev.iops.internal.Selection;
import dev.iops.internal.TraceAnalysis;
import dev.iops.spi.Profiler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Measures the I/O a block of code performs.
 *
 * <pre>{@code
 * try (IopsSession s = Iops.start()) { work(); }                 // s.report() afterwards
 * IopsReport r = Iops.measure(() -> work());
 * IopsReport w = Iops.measure(() -> Files.write(path, data));         // IOException propagates
 * Measured<byte[]> m = Iops.measureValue(() -> Files.readAllBytes(path)); // m.value(), m.report()
 * IopsReport h = Iops.with().profiler("strace").scope(Scope.THREAD).histogram().measure(() -> work());
 * System.out.println(r.toText());
 * }</pre>
 *
 * <h2>Which profiler measures</h2>
 * Profilers are found with {@link java.util.ServiceLoader} (add {@code iops-linux} or {@code iops-windows}
 * next to this module; {@code jfr} is built in). The best usable one that can do what was asked measures: highest
 * {@linkplain Profiler#priority() priority}, ties by name. A request for {@link Builder#histogram()} or
 * {@link Scope#THREAD} only considers profilers that can do it. A profiler that fails to start is skipped with one
 * SLF4J warning, and the report's {@link IopsReport#notes()} say so. The system property
 * {@code -Diops.profiler=NAME} picks a profiler when the code does not name one with {@link Builder#profiler(String)};
 * a named profiler is never replaced by another: if it cannot run, the call fails. Every better profiler that
 * automatic selection passed over (not usable here, or failed to start) gets one line in the report's notes, with
 * the reason. When nothing can measure,
 * {@link NoProfilerException} lists every candidate and why it was not used; iops never returns a silent zero.
 *
 * <p>Thread-safety: all static methods are thread-safe. {@link Builder} is not; each call of
 * {@link Builder#start()} takes its current settings.
 */
public final class Iops {
    private Iops() {
    }

    /**
     * Starts a session with the best usable profiler, {@link Scope#PROCESS}, no histogram requirement.
     *
     * @return the running session; close it to stop
     * @throws NoProfilerException if no profiler can measure here
     */
    public static IopsSession start() {
        return with().start();
    }

    /**
     * Measures a block with default options. A block that throws a checked exception
     * ({@code () -> Files.delete(path)}) propagates it unchanged, after the session stopped; a block that returns
     * a value ({@code () -> Files.write(path, data)}) has it ignored: use {@link #measureValue} to keep it.
     *
     * @param block the code to measure
     * @param <E>   checked exception type of the block
     * @return the report of the block
     * @throws E                         what the block throws (the session is stopped first)
     * @throws NoProfilerException       if no profiler can measure here
     * @throws IncompleteReportException if the profiler failed; it carries the partial report
     */
    public static <E extends Exception> IopsReport measure(IoRunnable<E> block) throws E {
        return with().measure(block);
    }

    /**
     * Measures a block that returns a value; its checked exceptions propagate unchanged.
     *
     * @param block the code to measure
     * @param <T>   result type
     * @param <E>   checked exception type of the block
     * @return the block's value and the report
     * @throws E                         what the block throws (the session is stopped first)
     * @throws NoProfilerException       if no profiler can measure here
     * @throws IncompleteReportException if the profiler failed; it carries the partial report
     */
    public static <T, E extends Exception> Measured<T> measureValue(IoCallable<T, E> block) throws E {
        return with().measureValue(block);
    }

    /** @return a builder for a measurement with options */
    public static Builder with() {
        return new Builder();
    }

    /**
     * Every profiler found, in selection order, with whether it can run here and why not. Its
     * {@code toString()} is a readable table, one profiler per line:
     * {@code procfs  priority 200  usable}.
     *
     * @return an immutable list
     */
    public static List<ProfilerInfo> profilers() {
        return new ProfilerList(Selection.describe(Registry.profilers()));
    }

    /** An immutable list of profiler descriptions that prints as a table. */
    private static final class ProfilerList extends AbstractList<ProfilerInfo> {
        private final List<ProfilerInfo> infos;

        ProfilerList(List<ProfilerInfo> infos) {
            this.infos = List.copyOf(infos);
        }

        @Override
        public ProfilerInfo get(int index) {
            return infos.get(index);
        }

        @Override
        public int size() {
            return infos.size();
        }

        @Override
        public String toString() {
            if (infos.isEmpty()) {
                return "no iops profiler found: add a provider module (iops-linux, iops-windows) next to iops-api";
            }
            int width = 0;
            for (ProfilerInfo i : infos) {
                width = Math.max(width, i.name().length());
            }
            StringBuilder b = new StringBuilder();
            for (ProfilerInfo i : infos) {
                if (b.length() > 0) {
                    b.append('\n');
                }
                b.append(String.format("%-" + width + "s  priority %4d  %s", i.name(), i.priority(),
                        i.usable() ? "usable" : "not usable: " + i.reason()));
            }
            return b.toString();
        }
    }

    /**
     * Reports on a trace file recorded elsewhere, for example with {@code strace -f -y -T -ttt -o FILE java ...}:
     * the same figures, histogram, per-target and per-path detail, latency, text, JSON and charts as a measured
     * block, from the same parser the live provider uses. The format is detected from the file's first bytes;
     * the formats known are those of the provider modules present ({@code iops-linux}: {@code strace} text with
     * or without {@code -f} thread ids, {@code -y}, {@code -T}, {@code -tt}/{@code -ttt}; {@code perf.data}
     * files and {@code perf script} text of the {@code raw_syscalls} tracepoints).
     *
     * <pre>{@code
     * IopsReport r = Iops.analyze(Path.of("app.strace"));
     * System.out.println(r.toText());
     * }</pre>
     *
     * <p>The report's {@link IopsReport#profiler()} is the format's name, its scope {@link Scope#PROCESS} (every
     * thread in the file) and its {@link IopsReport#elapsed()} zero (a file has no measured block, so rates are
     * not meaningful); its notes say which file and format it came from.
     *
     * <p>Never silently wrong: the file is read up to its size when the reading begins (a file still being written
     * is not followed), and whatever the reader skips (lines it cannot read, a last line cut short, damaged
     * records, sizes no system call can have) is counted in a note that says why. Memory is bounded whatever the
     * file's size or header claims. Thread-safe.
     *
     * @param trace the trace file
     * @return the report of every I/O operation in the file
     * @throws IOException               if the file cannot be read (missing, no permission, an I/O error)
     * @throws UnreadableTraceException  if it is empty, in no known format (the message lists the formats known) or
     *                                   damaged where the reader needs it; no other runtime exception escapes
     */
    public static IopsReport analyze(Path trace) throws IOException {
        Objects.requireNonNull(trace, "trace");
        return TraceAnalysis.analyze(trace, Registry.traceFormats());
    }

    /**
     * Options of one measurement. Not thread-safe; reusable: every {@link #start()} uses the options set so far.
     */
    public static final class Builder {
        private String profiler;
        private Scope scope = Scope.PROCESS;
        private boolean histogram;
        private boolean callSites;
        private LongSupplier clock = System::nanoTime;
        private boolean devices;

        private Builder() {
        }

        /**
         * Uses exactly this profiler; no fallback if it cannot run.
         *
         * @param name a profiler name such as {@code "procfs"}, {@code "strace"}, {@code "jfr"}
         * @return this builder
         */
        public Builder profiler(String name) {
            Objects.requireNonNull(name, "name");
            if (name.isBlank()) {
                throw new IllegalArgumentException("profiler name must not be blank");
            }
            this.profiler = name;
            return this;
        }

        /**
         * Which threads to count; default {@link Scope#PROCESS}.
         *
         * @param scope the scope
         * @return this builder
         */
        public Builder scope(Scope scope) {
            this.scope = Objects.requireNonNull(scope, "scope");
            return this;
        }

        /**
         * Requires a profiler that sees every operation's size, so the report has a {@link SizeHistogram}
         * (and, from tracers, per-target, per-path, latency and timeline detail). Per-operation profilers add
         * these to every report anyway; this makes them a requirement.
         *
         * @return this builder
         */
        public Builder histogram() {
            return histogram(true);
        }

        /**
         * @param required whether a histogram is required
         * @return this builder
         */
        public Builder histogram(boolean required) {
            this.histogram = required;
            return this;
        }

        /**
         * Requires a profiler that names the Java code that made each operation (its first stack frame outside
         * the JDK and iops), so the report's {@link OpDetail#topSites()} lists the busiest call sites. Only JVM-level
         * profilers can (today {@code jfr}); it costs more per operation (a stack walk), so it is off unless asked.
         *
         * @return this builder
         */
        public Builder callSites() {
            this.callSites = true;
            return this;
        }

        /** Replaces the monotonic clock ({@link System#nanoTime()}) that times the block; for tests. */
        Builder clock(LongSupplier nanoClock) {
            this.clock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * Adds the device view: {@link IopsReport#devices()} lists, per storage device, the requests it completed,
         * the bytes it moved and its busy time over the block, beside whatever the profiler measures. These are
         * machine-wide figures (other processes' I/O counts too) at the device, where many calls can become one
         * request: what fio and iostat call IOPS. Read from {@code /proc/diskstats} with {@code iops-linux}, through
         * OSHI with {@code iops-macos} (macOS, Windows). The devices are read just before the profiler's window
         * opens and just after it closes, so the read is never counted as the block's I/O.
         *
         * @return this builder
         */
        public Builder devices() {
            this.devices = true;
            return this;
        }

        /**
         * Starts a session with these options.
         *
         * @return the running session
         * @throws NoProfilerException                if no profiler can measure what was asked
         * @throws dev.iops.spi.ProfilerStartException if the named profiler failed to start
         * @throws IopsException                      if {@link #devices()} was asked and no device source can read
         *                                            the devices
         */
        public IopsSession start() {
            // Devices first: reading them must not fall inside the profiler's window.
            Devices.Window deviceWindow = devices ? Devices.begin(Registry.deviceSources()) : null;
            IopsSession session = IopsSession.open(Registry.profilers(),
                    new Selection.Options(profiler, scope, histogram, callSites), clock);
            session.devices = deviceWindow;
            return session;
        }

        /**
         * Measures a block with these options; see {@link Iops#measure(IoRunnable)}.
         *
         * @param block the code to measure
         * @param <E>   checked exception type
         * @return the report
         * @throws E what the block throws (the session is stopped first)
         */
        public <E extends Exception> IopsReport measure(IoRunnable<E> block) throws E {
            Objects.requireNonNull(block, "block");
            IopsSession s = start();
            try (s) {
                block.run();
            }
            return s.report();
        }

        /**
         * Measures a block that returns a value; its checked exceptions propagate unchanged.
         *
         * @param block the code to measure
         * @param <T>   result type
         * @param <E>   checked exception type
         * @return the value and the report
         * @throws E what the block throws (the session is stopped first)
         */
        public <T, E extends Exception> Measured<T> measureValue(IoCallable<T, E> block) throws E {
            Objects.requireNonNull(block, "block");
            IopsSession s = start();
            T value;
            try (s) {
                value = block.call();
            }
            return new Measured<>(value, s.report());
        }
    }
}
