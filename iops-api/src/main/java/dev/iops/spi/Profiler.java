package dev.iops.spi;

import java.util.Set;

/**
 * A source of I/O measurements: one per backend (procfs counters, strace, JFR, ...). Implementations are
 * found with {@link java.util.ServiceLoader}: declare them in {@code module-info.java} with
 * {@code provides dev.iops.spi.Profiler with ...} <em>and</em> in
 * {@code META-INF/services/dev.iops.spi.Profiler}, and give them a public no-argument constructor.
 *
 * <p>A profiler stays small: it starts and stops its source and turns the source's raw output into
 * {@link Op}s or {@link IoCounters}. It does not time the block, aggregate, format or log the report;
 * the session does.
 *
 * <h2>Selection</h2>
 * Among the profilers that are {@linkplain #availability() usable} and have every {@link Capability} the
 * request needs, the one with the highest {@link #priority()} is started; ties go to the smaller
 * {@link #name()}. If it fails to start, the next one is tried.
 *
 * <p>Thread-safety: instances are shared by every session of the JVM, so all methods must be thread-safe.
 */
public interface Profiler {
    /**
     * Short, stable, lower-case id used in {@code -Diops.profiler=NAME}, {@code Iops.with().profiler(NAME)}
     * and in reports, e.g. {@code "procfs"}, {@code "strace"}, {@code "jfr"}.
     *
     * @return the name, never {@code null}
     */
    String name();

    /**
     * Selection priority; higher wins. Priorities carry one rule (see {@code docs/selection.md}): among the
     * profilers that can give what was asked, prefer the one that leaves the measured block's timing truthful; a
     * source that slows the block (one that stops every system call, ptrace) ranks below every source that does
     * not, so it is chosen automatically only when nothing above it is usable and can give what was asked. It
     * stays available by name. The bands:
     * <ul>
     *   <li>{@code 300} and above: exact OS-level per-operation tracers that do not stop the traced threads
     *       (perf 350, fs_usage 320);</li>
     *   <li>{@code 200..299}: exact OS-level operation counters (procfs, Windows I/O counters);</li>
     *   <li>{@code 150..199}: JVM-level per-operation sources (jfr 150), and exact OS counters combined with one
     *       ({@code procfs+jfr} 180): below the counters, so that a plain request takes the cheaper counter
     *       alone, and above jfr alone, whose counts miss what the JVM does not report;</li>
     *   <li>{@code 100..149}: tracers that stop every system call of the process (strace 100, through ptrace):
     *       exact, but the measured block runs many times slower while they are attached;</li>
     *   <li>{@code 0..99}: approximate or bytes-only counters;</li>
     *   <li>below 0: test doubles and experiments, never chosen over a real profiler.</li>
     * </ul>
     *
     * @return the priority
     */
    int priority();

    /**
     * What this profiler can do beyond process-wide counts.
     *
     * @return an unmodifiable set, never {@code null}
     */
    Set<Capability> capabilities();

    /**
     * Whether the operation and byte counts of this profiler's reports come from counters read at both ends of the
     * window (procfs, Windows I/O counters), even when it also delivers operations for the histogram and the detail
     * (as {@code procfs+jfr} does). The session then guards such a window in {@link dev.iops.Scope#PROCESS} against
     * what the kernel adds to process-wide counters when one of the library's own child processes ends inside it
     * (a tracer that detaches is reaped only once no such window is open).
     *
     * @return by default, true exactly for a profiler that delivers no operations (no
     *         {@link Capability#OPERATION_SIZES})
     */
    default boolean countsFromCounters() {
        return !capabilities().contains(Capability.OPERATION_SIZES);
    }

    /**
     * Whether this profiler can run here. Must be cheap, free of side effects (no child process, no
     * attach, no file written) and must not throw; may be called often.
     *
     * @return usable, or unusable with a one-line reason that says what is missing and what to do
     */
    Availability availability();

    /**
     * Pays the one-off costs of this profiler's first {@link #start} ahead of time, on the library's background
     * warm-up thread, so that the first measured block of a JVM does not: class loading, JFR's own start, a
     * parser's first run. Called at most once per JVM, only for a profiler that selection would pick for a plain
     * or a {@code histogram()} request, and only when {@code -Diops.warmup} is not {@code false}. It must not
     * attach to the process or start anything that stays (a tracer attached in the background would slow the
     * user's code), must book any I/O it does in {@link SelfIo}, and must make a concurrent first {@code start}
     * wait for it rather than repeat it. It must not throw. The default does nothing.
     */
    default void warmUp() {
    }

    /**
     * Opens a measurement window. Called on {@code request.thread()}. The last action must be to open the
     * window (first snapshot, begin marker), so that the profiler's own start-up is not counted.
     *
     * @param request what to measure
     * @return the running recording, never {@code null}
     * @throws ProfilerStartException if the profiler cannot start; the message says why and what to do
     */
    Recording start(RecordingRequest request);
}
