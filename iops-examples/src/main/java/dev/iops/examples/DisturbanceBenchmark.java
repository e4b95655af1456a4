package dev.iops.examples;

import dev.iops.IncompleteReportException;
import dev.iops.IoRunnable;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.ProfilerInfo;
import dev.iops.jvm.JfrProfiler;
import dev.iops.linux.CountedDetailProfiler;
import dev.iops.linux.PerfProfiler;
import dev.iops.linux.ProcfsProfiler;
import dev.iops.linux.StraceProfiler;
import dev.iops.linux.TracepointProfiler;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * How much each source of measurement disturbs the code it measures (issue 17's "Benchmarks"), as one table of
 * medians: rows are the sources ({@code none}, {@code tracepoints}, {@code perf}, {@code strace}, {@code jfr},
 * {@code procfs}, {@code procfs+jfr} (what an ordinary user's {@code histogram()} gets), and the {@code default}
 * that {@code Iops.measure} picks with no options, plus the Python tool's
 * quoted figure), columns are
 * <ol>
 *   <li>the time added per empty block: the first of a fresh JVM (library cold, one child JVM per run) and warm
 *       (many blocks in this JVM, with each profiler's defaults: strace attaches for each);</li>
 *   <li>the time added per notebook cell (1000 x 4 KiB {@code FileOutputStream} writes to a file, then read back
 *       4 KiB at a time with {@code FileInputStream}: 2001 system calls), wall clock around the whole
 *       {@code measure()} call against the cell unmeasured;</li>
 *   <li>the distortion: the report's {@code elapsed()} divided by the unmeasured cell's time (target at most 1.3x);</li>
 *   <li>the time added per call, over 10,000 unbuffered writes of 64 B and of 4 KiB, timed inside the block so
 *       that the start and stop (column 1) are not spread over the calls;</li>
 *   <li>the cell's counted operations beside the cost: 1000 writes and 1001 reads for an exact source.</li>
 * </ol>
 * Every block is measured as {@code Iops.with().profiler(name).measure(block)} (default options: process scope), the
 * default as {@code Iops.with().measure(block)}; the row says which profiler that picked. Runs are interleaved (unmeasured, then each source, round robin) so that load drift hits every source alike,
 * with a pause of {@value #SETTLE_MS} ms before each, so that no source pays for the previous one's work after its
 * block (warm blocks are therefore spaced as notebook cells are, not back to back).
 * A second table puts the cell beside a busy neighbour (a {@code dd} loop, a separate process): the distortion, whether
 * the tracepoints' reports stayed exact, and what a tracepoints block running beside it costs the neighbour's
 * throughput. Temporary files are deleted and neighbour processes killed on every path. About 2 minutes with the
 * default 7 runs on 2 cores. Run it with
 * <pre>{@code
 * mvn -q -DskipTests install && mvn -q exec:exec -pl iops-examples -Ddemo.main=dev.iops.examples.DisturbanceBenchmark
 * }</pre>
 * or, with a number of runs (2 for a quick smoke run), {@code java -cp <iops-examples' class path>
 * dev.iops.examples.DisturbanceBenchmark 2}. Run it as root to have the tracepoints row; perf's row needs tracefs
 * mounted, and this benchmark never mounts it.
 */
public final class DisturbanceBenchmark {
    private static final int DEFAULT_RUNS = 7;
    private static final int BLOCK = 4096;
    private static final int CELL_WRITES = 1000;
    private static final long CELL_READS = CELL_WRITES + 1; // the last read finds the end of the file
    private static final int CALLS = 10_000;
    /** Warm empty blocks per source for each run asked (the median of many, one block is too noisy to quote). */
    private static final int WARM_PER_RUN = 10;
    private static final int WARM_UP_BLOCKS = 5;
    private static final double PYTHON_CELL_MS = 1117;
    private static final int NEIGHBOUR_DD_COUNT = 20_000;
    private static final long TIMEOUT_SECONDS = 120;
    private static final String CHILD = "first";
    /**
     * Pause before each timed measurement, so that none starts while the previous source's background work runs
     * (tracepoints closes its events on a library thread after the block: the kernel holds its event lock for
     * 60 to 100 ms while it releases four tracepoints, and a start meanwhile waits for it): each source is charged
     * with its own cost only, as notebook cells seconds apart would see it. Back-to-back blocks are in the docs.
     */
    private static final long SETTLE_MS = 150;

    private static final Source NONE = new Source("none", null, false);
    private static final Source DEFAULT = new Source("default", null, true);
    private static final Source TRACEPOINTS = new Source(TracepointProfiler.NAME, TracepointProfiler.NAME, false);
    private static final List<Source> SOURCES = List.of(NONE, TRACEPOINTS,
            new Source(PerfProfiler.NAME, PerfProfiler.NAME, false),
            new Source(StraceProfiler.NAME, StraceProfiler.NAME, false),
            new Source(JfrProfiler.NAME, JfrProfiler.NAME, false),
            new Source(ProcfsProfiler.NAME, ProcfsProfiler.NAME, false),
            new Source(CountedDetailProfiler.NAME, CountedDetailProfiler.NAME, false),
            DEFAULT);

    private DisturbanceBenchmark() {
    }

    /**
     * Runs the benchmark and prints both tables.
     *
     * @param args none for {@value #DEFAULT_RUNS} runs per figure, or the number of runs (2 for a smoke run);
     *             {@code first <source>} is internal (one first block in a child JVM, printed in nanoseconds)
     * @throws Exception if a workload or a child process fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals(CHILD)) {
            firstBlockInThisJvm(args[1]);
            return;
        }
        int runs = args.length == 0 ? DEFAULT_RUNS : Integer.parseInt(args[0]);
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1, got " + runs);
        }
        long t0 = System.nanoTime();
        Path dir = Files.createTempDirectory("iops-disturbance-");
        try {
            double quietCell = mainTable(runs, dir);
            System.out.println();
            neighbourTable(runs, dir, quietCell);
        } finally {
            deleteTree(dir);
        }
        System.out.printf(Locale.ROOT, "%nwhole run: %.0f s; load average at the end: %.2f%n",
                (System.nanoTime() - t0) / 1e9, loadAverage());
    }

    /** A source of measurement: a profiler by name, what selection picks ({@code automatic}), or none. */
    private record Source(String label, String profiler, boolean automatic) {
        boolean measures() {
            return profiler != null || automatic;
        }

        <E extends Exception> IopsReport measure(IoRunnable<E> block) throws E {
            return profiler == null ? Iops.with().measure(block) : Iops.with().profiler(profiler).measure(block);
        }
    }

    /** What one source gave, run by run; a failed run adds no sample and is counted, with its first message. */
    private static final class Figures {
        final List<Double> first = new ArrayList<>();
        final List<Double> warm = new ArrayList<>();
        final List<Double> cellWall = new ArrayList<>();
        final List<Double> cellElapsed = new ArrayList<>();
        final List<Double> small = new ArrayList<>();
        final List<Double> large = new ArrayList<>();
        /** The cell's counts ("2001 (1000 w / 1001 r)") and in how many runs each was seen. */
        final Map<String, Integer> cellOps = new LinkedHashMap<>();
        final Set<String> picked = new LinkedHashSet<>();
        int exactCells;
        int failures;
        String failure;

        void failed(RuntimeException e) {
            failures++;
            if (failure == null) {
                failure = firstChars(e instanceof IncompleteReportException ? e.getMessage()
                        : e.getClass().getSimpleName() + ": " + e.getMessage(), 80);
            }
        }

        void counted(IopsReport r) {
            picked.add(r.profiler());
            OptionalLong w = r.figure(dev.iops.Figure.WRITE_OPS);
            OptionalLong rd = r.figure(dev.iops.Figure.READ_OPS);
            String key = w.isPresent() && rd.isPresent()
                    ? (w.getAsLong() + rd.getAsLong()) + " (" + w.getAsLong() + " w / " + rd.getAsLong() + " r)"
                    : "ops not measured";
            cellOps.merge(key, 1, Integer::sum);
            if (w.orElse(-1) == CELL_WRITES && rd.orElse(-1) == CELL_READS) {
                exactCells++;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- main table

    /** @return the unmeasured cell's median, in milliseconds, for the second table */
    private static double mainTable(int runs, Path dir) throws Exception {
        Map<String, ProfilerInfo> infos = new LinkedHashMap<>();
        for (ProfilerInfo p : Iops.profilers()) {
            infos.put(p.name(), p);
        }
        List<Source> live = new ArrayList<>();
        Map<Source, String> unusable = new LinkedHashMap<>();
        for (Source s : SOURCES) {
            ProfilerInfo info = s.profiler() == null ? null : infos.get(s.profiler());
            if (s.profiler() != null && info == null) {
                unusable.put(s, "not installed (no provider named " + s.profiler() + " on the class path)");
            } else if (info != null && !info.usable()) {
                unusable.put(s, info.reason());
            } else {
                live.add(s);
            }
        }
        Map<Source, Figures> figures = new LinkedHashMap<>();
        for (Source s : live) {
            figures.put(s, new Figures());
        }
        System.out.printf(Locale.ROOT, "iops disturbance benchmark: medians of %d runs (warm empty blocks: %d per "
                        + "source), %d CPUs, Java %s, load average %.2f at the start%n", runs, runs * WARM_PER_RUN,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage());
        Path file = dir.resolve("cell.bin");
        firstBlocks(live, runs, figures, dir);
        warmBlocks(live, runs, figures);
        cells(live, runs, figures, file);
        perCall(live, runs, figures, file);
        Files.deleteIfExists(file);
        printMainTable(runs, figures, unusable);
        return Stats.median(unboxed(figures.get(NONE).cellWall));
    }

    /** Column 1, first half: the first measured empty block of a fresh JVM, one child JVM per run. */
    private static void firstBlocks(List<Source> live, int runs, Map<Source, Figures> figures, Path dir)
            throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path out = dir.resolve("child.out");
        for (int i = 0; i < runs; i++) {
            for (Source s : live) {
                if (!s.measures()) {
                    continue;
                }
                Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        DisturbanceBenchmark.class.getName(), CHILD, s.label())
                        .redirectErrorStream(true).redirectOutput(out.toFile()).start();
                try {
                    if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                        throw new IOException("a child JVM measuring its first " + s.label() + " block did not end in "
                                + TIMEOUT_SECONDS + " s");
                    }
                } finally {
                    p.destroyForcibly();
                }
                String line = Files.readAllLines(out, StandardCharsets.UTF_8).stream()
                        .filter(l -> l.startsWith("first-block-ns ")).reduce((a, b) -> b).orElse(null);
                Figures f = figures.get(s);
                if (line == null) {
                    f.failed(new IllegalStateException("child JVM (exit " + p.exitValue() + "): "
                            + String.join(" | ", Files.readAllLines(out, StandardCharsets.UTF_8))));
                    continue;
                }
                String[] parts = line.split(" ");
                f.first.add(Long.parseLong(parts[1]) / 1e6);
                f.picked.add(parts[2]);
            }
        }
        Files.deleteIfExists(out);
    }

    /** In a child JVM: times the first measured empty block (the library is loaded by it) and prints it. */
    private static void firstBlockInThisJvm(String label) {
        Source s = SOURCES.stream().filter(x -> x.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no source " + label));
        long t0 = System.nanoTime();
        IopsReport r = s.measure(() -> { });
        long ns = System.nanoTime() - t0;
        System.out.println("first-block-ns " + ns + " " + r.profiler());
    }

    /** Column 1, second half: warm empty blocks in this JVM, round robin over the sources. */
    private static void warmBlocks(List<Source> live, int runs, Map<Source, Figures> figures)
            throws InterruptedException {
        for (int i = 0; i < WARM_UP_BLOCKS + runs * WARM_PER_RUN; i++) {
            for (Source s : live) {
                Figures f = figures.get(s);
                Thread.sleep(SETTLE_MS);
                long t0 = System.nanoTime();
                try {
                    if (s.measures()) {
                        f.picked.add(s.measure(() -> { }).profiler());
                    } else {
                        emptyBlock();
                    }
                } catch (RuntimeException e) {
                    f.failed(e);
                    continue;
                }
                double ms = (System.nanoTime() - t0) / 1e6;
                if (i >= WARM_UP_BLOCKS) {
                    f.warm.add(ms);
                }
            }
        }
    }

    private static void emptyBlock() {
        // what a measured block's body is here: nothing
    }

    /** Columns 2, 3 and 5: the notebook cell, unmeasured and measured, round robin. */
    private static void cells(List<Source> live, int runs, Map<Source, Figures> figures, Path file)
            throws IOException, InterruptedException {
        for (int i = 0; i < 2; i++) { // JIT, class loading and each source's first cell out of the way
            for (Source s : live) {
                try {
                    if (s.measures()) {
                        s.measure(() -> cell(file));
                    } else {
                        cell(file);
                    }
                } catch (RuntimeException e) {
                    // counted in the measured rounds if it happens again
                }
            }
        }
        for (int i = 0; i < runs; i++) {
            for (Source s : live) {
                Figures f = figures.get(s);
                Thread.sleep(SETTLE_MS);
                long t0 = System.nanoTime();
                if (!s.measures()) {
                    cell(file);
                    f.cellWall.add((System.nanoTime() - t0) / 1e6);
                    continue;
                }
                try {
                    IopsReport r = s.measure(() -> cell(file));
                    f.cellWall.add((System.nanoTime() - t0) / 1e6);
                    f.cellElapsed.add(r.elapsed().toNanos() / 1e6);
                    f.counted(r);
                } catch (RuntimeException e) {
                    f.failed(e);
                }
            }
        }
    }

    /** Column 4: 10,000 writes of 64 B and of 4 KiB, timed inside the block, against the same writes unmeasured. */
    private static void perCall(List<Source> live, int runs, Map<Source, Figures> figures, Path file)
            throws IOException, InterruptedException {
        writes(file, CALLS, 64); // JIT out of the way
        writes(file, CALLS, BLOCK);
        for (int i = 0; i < runs; i++) {
            for (int size : new int[]{64, BLOCK}) {
                for (Source s : live) {
                    Figures f = figures.get(s);
                    List<Double> into = size == 64 ? f.small : f.large;
                    Thread.sleep(SETTLE_MS);
                    if (!s.measures()) {
                        into.add(writes(file, CALLS, size));
                        continue;
                    }
                    double[] inside = new double[1];
                    try {
                        s.measure(() -> {
                            inside[0] = writes(file, CALLS, size);
                        });
                        into.add(inside[0]);
                    } catch (RuntimeException e) {
                        f.failed(e);
                    }
                }
            }
        }
    }

    /** The notebook cell: 1000 x 4 KiB writes, then read back 4 KiB at a time (2001 system calls). */
    private static void cell(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            for (int i = 0; i < CELL_WRITES; i++) {
                out.write(block);
            }
        }
        try (InputStream in = new FileInputStream(file.toFile())) {
            while (in.read(block) >= 0) {
                // read to the end: 1000 reads of 4 KiB and one of 0 bytes
            }
        }
    }

    /** @return milliseconds for {@code count} unbuffered writes of {@code size} bytes */
    private static double writes(Path file, int count, int size) throws IOException {
        byte[] data = new byte[size];
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            long t0 = System.nanoTime();
            for (int i = 0; i < count; i++) {
                out.write(data);
            }
            return (System.nanoTime() - t0) / 1e6;
        }
    }

    private static final String ROW = "%-30s %12s %11s %14s %13s %11s %11s  %-26s %s%n";

    private static void printMainTable(int runs, Map<Source, Figures> figures, Map<Source, String> unusable) {
        Figures none = figures.get(NONE);
        double cell = Stats.median(unboxed(none.cellWall));
        double small = Stats.median(unboxed(none.small));
        double large = Stats.median(unboxed(none.large));
        double warmNone = Stats.median(unboxed(none.warm));
        System.out.println("\"+\": added to the measured code against none; \"=\": absolute, unmeasured; x: a ratio; "
                + "first block: library cold, one fresh JVM per run; " + SETTLE_MS + " ms pause before each timing");
        System.out.printf(Locale.ROOT, ROW, "source", "first block", "warm block", "notebook cell", "elapsed",
                "64 B write", "4 KiB write", "cell ops (exact: 2001 =", "note");
        System.out.printf(Locale.ROOT, ROW, "", "(fresh JVM)", "(empty)", "(whole call)", "/ unmeasured",
                "(per call)", "(per call)", "1000 w / 1001 r)", "");
        for (Source s : SOURCES) {
            String label = s == DEFAULT ? defaultLabel(figures.get(s)) : s.label();
            if (unusable.containsKey(s)) {
                System.out.printf(Locale.ROOT, "%-30s not usable here: %s%n", label, unusable.get(s));
                continue;
            }
            Figures f = figures.get(s);
            if (!s.measures()) {
                System.out.printf(Locale.ROOT, ROW, label, "-", "=" + ms(warmNone), "=" + ms(cell), "1.00x",
                        "=" + us(small * 1000 / CALLS), "=" + us(large * 1000 / CALLS), "- (not counted)",
                        "the same work unmeasured");
                continue;
            }
            int blocks = f.failures + f.first.size() + f.warm.size() + f.cellWall.size() + f.small.size()
                    + f.large.size();
            String note = f.failures == 0 ? "" : "failed " + f.failures + " of " + blocks + " blocks: " + f.failure;
            if (s == DEFAULT && f.picked.size() > 1) {
                note = ("picked " + String.join(", ", f.picked) + " (not always the same); " + note).trim();
            }
            System.out.printf(Locale.ROOT, ROW, label,
                    f.first.isEmpty() ? "n/a" : plusMs(Stats.median(unboxed(f.first))),
                    f.warm.isEmpty() ? "n/a" : plusMs(Stats.median(unboxed(f.warm)) - warmNone),
                    f.cellWall.isEmpty() ? "n/a" : plusMs(Stats.median(unboxed(f.cellWall)) - cell),
                    f.cellElapsed.isEmpty() ? "n/a" : ratio(Stats.median(unboxed(f.cellElapsed)) / cell),
                    f.small.isEmpty() ? "n/a" : plusUs((Stats.median(unboxed(f.small)) - small) * 1000 / CALLS),
                    f.large.isEmpty() ? "n/a" : plusUs((Stats.median(unboxed(f.large)) - large) * 1000 / CALLS),
                    ops(f), note);
        }
        System.out.printf(Locale.ROOT, ROW, "iops-profiler %iops (Python)", "-", "-", plusMs(PYTHON_CELL_MS), "-",
                "-", "-", "-", "quoted, not measured in this run (measured earlier on this machine)");
        System.out.println("targets (issue 17, the default as root without tracefs): exact 2001, <= 5 ms added warm, "
                + "elapsed <= 1.3x unmeasured, <= 0.5 us added per 64 B write");
    }

    private static String defaultLabel(Figures f) {
        if (f == null || f.picked.isEmpty()) {
            return "default";
        }
        return "default (picked " + String.join("/", f.picked) + ")";
    }

    private static String ops(Figures f) {
        if (f.cellOps.isEmpty()) {
            return "n/a";
        }
        int runs = f.cellOps.values().stream().mapToInt(Integer::intValue).sum();
        if (f.exactCells == runs) {
            return "2001 exact, " + runs + "/" + runs;
        }
        StringBuilder b = new StringBuilder();
        f.cellOps.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue(Comparator.reverseOrder()))
                .forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(" x").append(e.getValue()));
        return "NOT exact " + f.exactCells + "/" + runs + ": " + b;
    }

    // ------------------------------------------------------------------------------------- beside a neighbour

    /** The second table: the cell beside a {@code dd} loop, and what a tracepoints block costs that neighbour. */
    private static void neighbourTable(int runs, Path dir, double quietCell) throws Exception {
        Path busy = dir.resolve("neighbour.bin");
        String loop = "while :; do dd if=/dev/zero of='" + busy + "' bs=4096 count=2000 status=none; done";
        System.out.println("beside a busy neighbour: /bin/sh -c '" + loop.replace(busy.toString(), "F")
                + "' (a separate process), medians of " + runs);
        ProfilerInfo tp = Iops.profilers().stream().filter(p -> p.name().equals(TracepointProfiler.NAME)).findFirst()
                .orElse(null);
        if (tp == null || !tp.usable()) {
            System.out.println("tracepoints: not usable here: " + (tp == null ? "not installed" : tp.reason()));
            return;
        }
        Path file = dir.resolve("neighbour-cell.bin");
        Path timed = dir.resolve("timed-dd.bin");
        Figures none = new Figures();
        Figures traced = new Figures();
        List<DdRun> alone = new ArrayList<>();
        List<DdRun> beside = new ArrayList<>();
        List<DdRun> under = new ArrayList<>();
        try (Neighbours neighbours = new Neighbours(dir)) {
            neighbours.start(new ProcessBuilder("/bin/sh", "-c", loop));
            Thread.sleep(300); // the loop is writing
            for (int i = -1; i < runs; i++) { // round -1 warms up
                Thread.sleep(SETTLE_MS);
                long t0 = System.nanoTime();
                cell(file);
                if (i >= 0) {
                    none.cellWall.add((System.nanoTime() - t0) / 1e6);
                }
                Thread.sleep(SETTLE_MS);
                try {
                    t0 = System.nanoTime();
                    IopsReport r = TRACEPOINTS.measure(() -> cell(file));
                    if (i >= 0) {
                        traced.cellWall.add((System.nanoTime() - t0) / 1e6);
                        traced.cellElapsed.add(r.elapsed().toNanos() / 1e6);
                        traced.counted(r);
                    }
                } catch (IncompleteReportException e) {
                    if (i >= 0) {
                        traced.failed(e);
                    }
                }
            }
            neighbours.killAll(); // the throughput runs time a dd of their own, alone on the machine's I/O
            for (int i = 0; i < runs; i++) {
                alone.add(timedDd(neighbours, timed, dir, null, file));
                beside.add(timedDd(neighbours, timed, dir, NONE, file));
                under.add(timedDd(neighbours, timed, dir, TRACEPOINTS, file));
            }
        } finally {
            Files.deleteIfExists(busy);
            Files.deleteIfExists(timed);
            Files.deleteIfExists(file);
        }
        double cell = Stats.median(unboxed(none.cellWall));
        double rateAlone = Stats.median(alone.stream().mapToDouble(DdRun::mibPerSecond).toArray());
        double rateBeside = Stats.median(beside.stream().mapToDouble(DdRun::mibPerSecond).toArray());
        double rateUnder = Stats.median(under.stream().mapToDouble(DdRun::mibPerSecond).toArray());
        String row = "%-14s %-32s %12s  %-40s %s%n";
        System.out.printf(Locale.ROOT, row, "source", "notebook cell", "elapsed", "report (exact: 2001 = 1000 w / "
                + "1001 r)", "neighbour's throughput: dd bs=4096 count=" + NEIGHBOUR_DD_COUNT + " timed, with a loop "
                + "of cells beside it");
        System.out.printf(Locale.ROOT, row, "", "", "/ unmeasured", "", "");
        System.out.printf(Locale.ROOT, row, "none", String.format(Locale.ROOT, "=%s (%s the quiet cell)", ms(cell),
                        ratio(cell / quietCell)), "1.00x", "- (not counted)",
                String.format(Locale.ROOT, "%.0f MiB/s beside unmeasured cells (alone: %.0f MiB/s)", rateBeside,
                        rateAlone));
        int measured = traced.cellOps.values().stream().mapToInt(Integer::intValue).sum();
        String report = (traced.cellOps.isEmpty() ? "" : ops(traced))
                + (traced.failures == 0 ? "" : (measured == 0 ? "" : "; ") + "failed " + traced.failures + "/"
                + runs + ": " + traced.failure);
        int blocks = under.stream().mapToInt(DdRun::blocks).sum();
        int failed = under.stream().mapToInt(DdRun::failed).sum();
        System.out.printf(Locale.ROOT, row, "tracepoints",
                traced.cellWall.isEmpty() ? "n/a" : plusMs(Stats.median(unboxed(traced.cellWall)) - cell)
                        + " (whole call)",
                traced.cellElapsed.isEmpty() ? "n/a" : ratio(Stats.median(unboxed(traced.cellElapsed)) / cell),
                report, String.format(Locale.ROOT, "%.0f MiB/s beside measured cells (%+.1f%% against unmeasured); "
                                + "enabled %.0f%% of dd's run; %d of %d blocks failed", rateUnder,
                        (rateUnder / rateBeside - 1) * 100,
                        100 * Stats.median(under.stream().mapToDouble(DdRun::enabledShare).toArray()), failed,
                        blocks));
        under.stream().map(DdRun::failure).filter(m -> m != null).findFirst()
                .ifPresent(m -> System.out.println("  the first block that failed beside the timed dd: " + m));
    }

    /**
     * One timed {@code dd} (the neighbour), with a loop of cells on this thread until it ends: unmeasured
     * ({@code NONE}), measured ({@code TRACEPOINTS}), or none at all ({@code null}). The dd is started before any
     * block, so a tracepoints block does not take it for a child of this process.
     */
    private static DdRun timedDd(Neighbours neighbours, Path target, Path dir, Source cells, Path cellFile)
            throws IOException, InterruptedException {
        Path err = dir.resolve("dd.err");
        ProcessBuilder pb = new ProcessBuilder("dd", "if=/dev/zero", "of=" + target, "bs=" + BLOCK,
                "count=" + NEIGHBOUR_DD_COUNT).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile());
        pb.environment().put("LC_ALL", "C"); // "copied, 0.123 s," with a decimal point
        long t0 = System.nanoTime();
        Process dd = neighbours.start(pb);
        long deadline = t0 + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        double enabledMs = 0;
        int blocks = 0;
        int failed = 0;
        String failure = null;
        while (cells != null && dd.isAlive() && System.nanoTime() < deadline) {
            if (!cells.measures()) {
                cell(cellFile);
                continue;
            }
            blocks++;
            try {
                enabledMs += cells.measure(() -> cell(cellFile)).elapsed().toNanos() / 1e6;
            } catch (IncompleteReportException e) {
                failed++;
                failure = failure != null ? failure : firstChars(e.getMessage(), 400);
            }
        }
        if (!dd.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
            dd.destroyForcibly();
            throw new IOException("the timed dd did not end in " + TIMEOUT_SECONDS + " s");
        }
        double wallSeconds = (System.nanoTime() - t0) / 1e9;
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        Files.deleteIfExists(err);
        if (dd.exitValue() != 0) {
            throw new IOException("dd failed (exit " + dd.exitValue() + "): " + stderr.trim());
        }
        // dd's own figure leaves out its exec and start; the wall clock is the fallback
        Matcher m = Pattern.compile("copied, ([0-9.]+) s").matcher(stderr);
        double seconds = m.find() ? Double.parseDouble(m.group(1)) : wallSeconds;
        return new DdRun((double) NEIGHBOUR_DD_COUNT * BLOCK / 1048576.0 / seconds,
                enabledMs / 1000 / wallSeconds, blocks, failed, failure);
    }

    /** One timed neighbour run: its rate, the share of its run with a block enabled, the blocks beside it. */
    private record DdRun(double mibPerSecond, double enabledShare, int blocks, int failed, String failure) {
    }

    /**
     * The neighbour processes started here, killed with their children on every path: when closed, and by a
     * shutdown hook if the JVM is stopped first. A {@code dd} forked by the shell loop just before the shell was
     * killed is found by its command line, which names a file in this run's temporary directory.
     */
    private static final class Neighbours implements AutoCloseable {
        private final List<Process> started = new ArrayList<>();
        private final String marker;
        private final Thread hook = new Thread(this::killAll, "iops-benchmark-neighbours");

        Neighbours(Path dir) {
            this.marker = dir.toString();
            Runtime.getRuntime().addShutdownHook(hook);
        }

        synchronized Process start(ProcessBuilder pb) throws IOException {
            Process p = pb.start();
            started.add(p);
            return p;
        }

        synchronized void killAll() {
            List<ProcessHandle> all = new ArrayList<>();
            for (Process p : started) {
                List<ProcessHandle> children = p.descendants().toList();
                p.destroyForcibly();
                all.add(p.toHandle());
                children.forEach(ProcessHandle::destroyForcibly);
                all.addAll(children);
            }
            started.clear();
            long self = ProcessHandle.current().pid();
            try (Stream<ProcessHandle> every = ProcessHandle.allProcesses()) {
                every.filter(h -> h.pid() != self)
                        .filter(h -> h.info().commandLine().map(c -> c.contains(marker)).orElse(false))
                        .forEach(h -> {
                            h.destroyForcibly();
                            all.add(h);
                        });
            }
            for (ProcessHandle h : all) {
                try {
                    h.onExit().get(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                } catch (ExecutionException | TimeoutException e) {
                    // killed with SIGKILL: nothing more to do than wait a bounded time
                }
            }
        }

        @Override
        public void close() {
            killAll();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs (again) and finds nothing left
            }
        }
    }

    // ------------------------------------------------------------------------------------------------- helpers

    private static double[] unboxed(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String ms(double v) {
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a < 10 ? "%.2f ms" : a < 100 ? "%.1f ms" : "%.0f ms", v);
    }

    private static String us(double v) {
        return String.format(Locale.ROOT, Math.abs(v) < 10 ? "%.2f us" : "%.1f us", v);
    }

    /** @return the time with its sign: "+" added, "-" saved (within the noise) */
    private static String plusMs(double v) {
        return (v >= 0 ? "+" : "") + ms(v);
    }

    private static String plusUs(double v) {
        return (v >= 0 ? "+" : "") + us(v);
    }

    private static String ratio(double v) {
        return String.format(Locale.ROOT, "%.2fx", v);
    }

    private static String firstChars(String s, int n) {
        String one = String.valueOf(s).replace('\n', ' ');
        return one.length() <= n ? one : one.substring(0, n) + "...";
    }

    private static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
