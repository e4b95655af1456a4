package dev.iops.jmh;

import dev.iops.Figure;
import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsException;
import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.Scope;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A JMH profiler that reports the I/O each benchmark operation performs, measured with iops.
 *
 * <pre>
 * java -jar benchmarks.jar -prof dev.iops.jmh.IopsProfiler
 * java -jar benchmarks.jar -prof dev.iops.jmh.IopsProfiler:profiler=strace
 * new OptionsBuilder().include("MyBenchmark").addProfiler(IopsProfiler.class, "profiler=procfs")
 * </pre>
 *
 * <h2>Results</h2>
 * Every iteration is one iops session in {@link Scope#PROCESS} (JMH calls profilers on its own thread, not on the
 * benchmark's workers, so a thread-scoped count would miss the benchmark). At the end of the iteration it adds these
 * secondary results, divided by the operations JMH counted in the profiler's window
 * ({@code IterationResultMetaData.getAllOps()}, the divisor of JMH's own {@code gc.alloc.rate.norm}) and averaged over
 * iterations and forks like it ({@link AggregationPolicy#AVG}):
 * <table>
 * <caption>secondary results</caption>
 * <tr><th>label</th><th>unit</th><th>what</th></tr>
 * <tr><td>{@code iops.readOps}</td><td>{@code #/op}</td><td>read operations per benchmark operation</td></tr>
 * <tr><td>{@code iops.writeOps}</td><td>{@code #/op}</td><td>write operations per benchmark operation</td></tr>
 * <tr><td>{@code iops.bytesRead}</td><td>{@code B/op}</td><td>bytes read per benchmark operation</td></tr>
 * <tr><td>{@code iops.bytesWritten}</td><td>{@code B/op}</td><td>bytes written per benchmark operation</td></tr>
 * <tr><td>{@code iops.iops}</td><td>{@code io/s}</td><td>the iteration's I/O operations (reads and writes) per
 * second of its window</td></tr>
 * </table>
 * A figure the profiler cannot count is reported as {@code NaN}, never as 0.
 *
 * <h2>What is in the window</h2>
 * Everything the JVM does between JMH's {@code beforeIteration} and {@code afterIteration} calls: the benchmark
 * method, {@code @Setup}/{@code @TearDown} at {@code Level.Iteration} and {@code Level.Invocation} (and at
 * {@code Level.Trial} in the first and last iteration), JMH's warm-up and warm-down calls of the benchmark (which
 * {@code getAllOps()} counts), and any other thread of the benchmark JVM. JMH prints and talks to the host VM between
 * iterations, outside the window.
 *
 * <h2>Options</h2>
 * One init line, {@code key=value} pairs separated by {@code ;}, as JMH passes it: {@code profiler=NAME} names the
 * iops profiler (default: the best usable one, or {@code -Diops.profiler}). The constructor starts and stops one
 * session to check that the profiler can measure here, so {@code -lprof} and the run fail early with iops' reason.
 *
 * <p>Thread-safety: not thread-safe; JMH creates one instance per benchmark run and calls it from one thread.
 */
public final class IopsProfiler implements InternalProfiler {

    private static final String OPTIONS = "profiler=NAME (an iops profiler such as procfs, strace or jfr; "
            + "default: the best usable one)";

    private final String profiler;
    private IopsSession session;

    /**
     * The form {@link java.util.ServiceLoader} uses (JMH's {@code -lprof} lists profilers with it): automatic
     * selection, nothing started.
     */
    public IopsProfiler() {
        this.profiler = null;
    }

    /**
     * The form JMH uses for {@code -prof dev.iops.jmh.IopsProfiler:OPTIONS}; checks that the profiler can measure:
     * it starts and stops one session around nothing. A probe whose report came out incomplete (its profiler
     * started, then lost records a neighbour's flood of system calls put in a shared buffer, say) passes: that says
     * nothing of whether it can measure; an iteration whose report is incomplete still fails.
     *
     * @param initLine the options, for example {@code "profiler=strace"}; empty or {@code null} for none
     * @throws ProfilerException if an option is not understood, or no iops profiler can measure here (with iops'
     *                           reason)
     */
    public IopsProfiler(String initLine) throws ProfilerException {
        this.profiler = parse(initLine).orElse(null);
        try {
            start().stop();
        } catch (IncompleteReportException e) {
            // started and stopped: this probe window was spoiled, not the profiler's ability to measure
        } catch (IopsException e) {
            throw new ProfilerException("iops cannot measure here: " + e.getMessage(), e);
        }
    }

    /**
     * Parses JMH's init line.
     *
     * @param initLine {@code key=value} pairs separated by {@code ;}
     * @return the profiler named, if any
     * @throws ProfilerException for an unknown option or an empty value
     */
    static Optional<String> parse(String initLine) throws ProfilerException {
        String name = null;
        if (initLine == null) {
            return Optional.empty();
        }
        for (String option : initLine.split(";")) {
            String o = option.trim();
            if (o.isEmpty()) {
                continue;
            }
            int eq = o.indexOf('=');
            String key = (eq < 0 ? o : o.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
            String value = eq < 0 ? "" : o.substring(eq + 1).trim();
            if (!key.equals("profiler")) {
                throw new ProfilerException("iops: unknown option '" + o + "'. Options: " + OPTIONS);
            }
            if (value.isEmpty()) {
                throw new ProfilerException("iops: option 'profiler' needs a name, e.g. profiler=procfs");
            }
            name = value;
        }
        return Optional.ofNullable(name);
    }

    private IopsSession start() {
        Iops.Builder builder = Iops.with().scope(Scope.PROCESS);
        if (profiler != null) {
            builder.profiler(profiler);
        }
        return builder.start();
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        if (session != null) {
            // The previous iteration ended without afterIteration: stop its session rather than leak it (a tracer
            // would stay attached); its failure, if any, belongs to that iteration.
            try {
                session.close();
            } catch (RuntimeException ignored) {
                // reported by that iteration's failure
            }
        }
        session = start();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        IopsSession s = session;
        session = null;
        if (s == null) {
            return List.of();
        }
        // An IncompleteReportException (the profiler failed during the iteration) propagates: JMH fails the
        // benchmark with its message rather than print an undercount.
        IopsReport report = s.stop();
        return results(report, result.getMetadata().getAllOps());
    }

    /**
     * The secondary results of one iteration.
     *
     * @param report the iteration's report
     * @param ops    the benchmark operations in the window
     * @return the results, in the order of the class documentation
     */
    static List<ScalarResult> results(IopsReport report, long ops) {
        List<ScalarResult> results = new ArrayList<>();
        results.add(perOp("iops.readOps", report.figure(Figure.READ_OPS), ops, "#/op"));
        results.add(perOp("iops.writeOps", report.figure(Figure.WRITE_OPS), ops, "#/op"));
        results.add(perOp("iops.bytesRead", report.figure(Figure.BYTES_READ), ops, "B/op"));
        results.add(perOp("iops.bytesWritten", report.figure(Figure.BYTES_WRITTEN), ops, "B/op"));
        OptionalLong reads = report.figure(Figure.READ_OPS);
        OptionalLong writes = report.figure(Figure.WRITE_OPS);
        double iops = reads.isPresent() && writes.isPresent()
                ? report.perSecond(reads.getAsLong() + writes.getAsLong()) : Double.NaN;
        results.add(new ScalarResult("iops.iops", iops, "io/s", AggregationPolicy.AVG));
        return results;
    }

    private static ScalarResult perOp(String label, OptionalLong value, long ops, String unit) {
        double perOp = value.isPresent() && ops > 0 ? (double) value.getAsLong() / ops : Double.NaN;
        return new ScalarResult(label, perOp, unit, AggregationPolicy.AVG);
    }

    @Override
    public String getDescription() {
        return "I/O operations and bytes per benchmark operation, measured by iops (PROCESS scope)";
    }
}
