package dev.iops.examples;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.linux.PerfProfiler;
import dev.iops.linux.StraceProfiler;

import java.io.BufferedWriter;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/**
 * Benchmarks of the strace provider, printed as a table of medians. Run with
 * {@code mvn -q install -DskipTests && mvn -q exec:exec -pl iops-examples -Ddemo.main=dev.iops.examples.StraceBenchmark}.
 *
 * <ol>
 *   <li>time added per measured empty block: the first block of a fresh JVM (attach included, one child JVM per
 *       run), a block that attaches again in a warm JVM (the default: strace detaches after each block), and a
 *       warm block that reuses a lingering tracer ({@code iops.strace.linger=1000}, opt-in);</li>
 *   <li>the price of lingering: 1000 writes of 64 bytes of unmeasured code right after a block, with strace
 *       detached (the default) and still attached (linger);</li>
 *   <li>cost per traced system call on 10,000 writes of 64 bytes: untraced, and traced with each
 *       {@code iops.strace.pin} mode ({@code false}, {@code true}, {@code thread});</li>
 *   <li>parser throughput on a generated 1,000,000-line trace, and the heap it needs;</li>
 *   <li>attach time against the number of threads in the JVM;</li>
 *   <li>the {@code perf} provider beside strace in the same run ({@link PerfRows}).</li>
 * </ol>
 * The whole run takes about a minute. Temporary files are deleted on every path.
 */
public final class StraceBenchmark {
    private static final int RUNS = 5;
    private static final int WRITES = 10_000;
    /** Read once, before any pinning: availableProcessors() follows the calling thread's affinity. */
    private static final int CPUS = Runtime.getRuntime().availableProcessors();

    private StraceBenchmark() {
    }

    /**
     * Runs every benchmark and prints the table.
     *
     * @param args none for every benchmark, or some of {@code empty linger writes parser attach};
     *             {@code first} is internal (measures one first block in a child JVM and prints nanoseconds)
     * @throws Exception if a benchmark cannot run
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].equals("first-perf")) {
            long t0 = System.nanoTime();
            Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> { });
            System.out.println(System.nanoTime() - t0);
            return;
        }
        if (args.length >= 1 && args[0].equals("first")) {
            if (args.length == 2) {
                Iops.with().profiler(args[1]).scope(Scope.THREAD).measure(() -> { }); // library loaded and warm
            }
            long t0 = System.nanoTime();
            Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measure(() -> { });
            System.out.println(System.nanoTime() - t0);
            return;
        }
        if (!new StraceProfiler().availability().usable()) {
            System.out.println("strace is not usable here: " + new StraceProfiler().availability().reason());
            return;
        }
        boolean all = args.length == 0;
        Path dir = Files.createTempDirectory("iops-bench-");
        List<String[]> rows = new ArrayList<>();
        try {
            if (all || Arrays.asList(args).contains("empty")) {
                emptyBlocks(rows);
            }
            if (all || Arrays.asList(args).contains("linger")) {
                linger(rows, dir);
            }
            if (all || Arrays.asList(args).contains("writes")) {
                tracedWrites(rows, dir);
            }
            if (all || Arrays.asList(args).contains("parser")) {
                parser(rows, dir);
            }
            if (all || Arrays.asList(args).contains("attach")) {
                attach(rows);
            }
            if (all || Arrays.asList(args).contains("perf")) {
                PerfRows.run(rows, dir);
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
        print(rows);
    }

    private static void emptyBlocks(List<String[]> rows) throws Exception {
        rows.add(row("empty block, first in a fresh JVM (library cold)", firstBlock("first"), "ms", "attach included"));
        rows.add(row("empty block, first strace one, after a procfs block", firstBlock("first", "procfs"), "ms",
                "attach included; target <= 20 ms"));

        double[] reattach = new double[RUNS * 4];
        for (int i = 0; i < reattach.length; i++) {
            reattach[i] = timeEmptyBlock(); // the default: attaches, and detaches when the block ends
        }
        double attachAgain = Stats.median(reattach);
        rows.add(row("empty block, warm JVM, attach + detach (default)", attachAgain, "ms", ""));

        System.setProperty(StraceProfiler.LINGER_PROPERTY, "1000");
        double[] warm = new double[200];
        timeEmptyBlock(); // attaches; the tracer then lingers between blocks
        for (int i = 0; i < warm.length; i++) {
            warm[i] = timeEmptyBlock();
        }
        double reuse = Stats.median(warm);
        rows.add(row("empty block, warm, lingering tracer (linger=1000)", reuse, "ms",
                String.format(Locale.ROOT, "re-attach costs %.1f ms more", attachAgain - reuse)));
        detachTracer();
        System.setProperty(StraceProfiler.LINGER_PROPERTY, "1000");
        System.setProperty(StraceProfiler.PIN_PROPERTY, "thread");
        timeEmptyBlock();
        for (int i = 0; i < warm.length; i++) {
            warm[i] = timeEmptyBlock();
        }
        System.clearProperty(StraceProfiler.PIN_PROPERTY);
        detachTracer();
        rows.add(row("empty block, warm, lingering tracer, pin=thread", Stats.median(warm), "ms", ""));
        double[] procfs = new double[200];
        for (int i = 0; i < procfs.length; i++) {
            long t0 = System.nanoTime();
            Iops.with().profiler("procfs").scope(Scope.THREAD).measure(() -> { });
            procfs[i] = (System.nanoTime() - t0) / 1e6;
        }
        rows.add(row("empty block, warm, procfs (for comparison)", Stats.median(procfs), "ms", ""));
    }

    /**
     * Median time of the first block of a fresh JVM: {@code first [profiler]} times a strace block (after one block
     * of that profiler), {@code first-perf} a perf block.
     */
    static double firstBlock(String... childArgs) throws IOException, InterruptedException {
        double[] first = new double[RUNS];
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < RUNS; i++) {
            List<String> cmd = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                    StraceBenchmark.class.getName()));
            cmd.addAll(List.of(childArgs));
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            p.waitFor();
            first[i] = Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow()) / 1e6;
        }
        return Stats.median(first);
    }

    /** One block without linger: the shared tracer detaches when it ends, so the next block attaches afresh. */
    private static void detachTracer() {
        System.clearProperty(StraceProfiler.LINGER_PROPERTY);
        timeEmptyBlock();
    }

    private static final int AFTER_WRITES = 1000;

    /** Unmeasured user code right after a block: 1000 x 64 B writes, timed with strace detached or lingering. */
    private static void linger(List<String[]> rows, Path dir) throws IOException {
        Path file = dir.resolve("after.bin");
        for (int i = 0; i < 30; i++) {
            smallWrites(file, AFTER_WRITES); // JIT and class loading out of the way
        }
        int runs = 21; // the machine is noisy: single runs spike to 20 ms whatever the tracer
        double[] alone = new double[runs];
        double[] detached = new double[runs];
        double[] lingering = new double[runs];
        for (int i = 0; i < runs; i++) {
            alone[i] = smallWrites(file, AFTER_WRITES);
            timeEmptyBlock(); // the default: strace detaches at the block's end
            detached[i] = smallWrites(file, AFTER_WRITES);
            System.setProperty(StraceProfiler.LINGER_PROPERTY, "1000");
            timeEmptyBlock(); // strace stays attached for a second
            lingering[i] = smallWrites(file, AFTER_WRITES);
            detachTracer();
        }
        double base = Stats.median(alone);
        double d = Stats.median(detached);
        double l = Stats.median(lingering);
        rows.add(row("1000 x 64 B writes, no strace block before", base, "ms", ""));
        rows.add(row("1000 x 64 B writes right after a block (default)", d, "ms",
                String.format(Locale.ROOT, "%.1fx the unmeasured time", d / base)));
        rows.add(row("1000 x 64 B writes right after a block, linger=1000", l, "ms",
                String.format(Locale.ROOT, "%.1fx the unmeasured time, unmeasured", l / base)));
    }

    /** @return milliseconds for {@code count} unbuffered 64-byte writes */
    private static double smallWrites(Path file, int count) throws IOException {
        byte[] small = new byte[64];
        long t0 = System.nanoTime();
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            for (int i = 0; i < count; i++) {
                out.write(small);
            }
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double timeEmptyBlock() {
        long t0 = System.nanoTime();
        Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measure(() -> { });
        return (System.nanoTime() - t0) / 1e6;
    }

    private static void writes(Path file) throws IOException {
        byte[] small = new byte[64];
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            for (int i = 0; i < WRITES; i++) {
                out.write(small);
            }
        }
    }

    private static void tracedWrites(List<String[]> rows, Path dir) throws Exception {
        Path file = dir.resolve("writes.bin");
        for (int i = 0; i < 3; i++) {
            writes(file); // JIT and class loading out of the way
        }
        double[] plain = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            writes(file);
            plain[i] = (System.nanoTime() - t0) / 1e6;
        }
        String[] modes = {"false", "true", "thread"};
        double[][] traced = new double[modes.length][RUNS];
        for (int i = 0; i < RUNS; i++) {
            for (int pinned = 0; pinned < modes.length; pinned++) {
                System.setProperty(StraceProfiler.PIN_PROPERTY, modes[pinned]);
                IopsReport r = Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measureValue(() -> {
                    writes(file);
                    return null;
                }).report();
                if (r.writeOps() != WRITES) {
                    throw new IllegalStateException("expected " + WRITES + " writes, measured " + r.writeOps());
                }
                traced[pinned][i] = r.elapsed().toNanos() / 1e6;
            }
        }
        System.clearProperty(StraceProfiler.PIN_PROPERTY);
        double base = Stats.median(plain);
        rows.add(row("10,000 x 64 B writes, untraced", base, "ms", ""));
        String[] how = {"unpinned (default)", "pin=true (strace pinned)", "pin=thread (strace + thread)"};
        for (int pinned = 0; pinned < modes.length; pinned++) {
            double m = Stats.median(traced[pinned]);
            rows.add(row("10,000 x 64 B writes, strace " + how[pinned], m, "ms",
                    String.format(Locale.ROOT, "%.1f us added per call", (m - base) * 1000 / WRITES)));
        }
    }

    private static void parser(List<String[]> rows, Path dir) throws IOException {
        Path trace = dir.resolve("generated.trace");
        int lines = 1_000_000;
        try (BufferedWriter w = Files.newBufferedWriter(trace, StandardCharsets.ISO_8859_1)) {
            for (int i = 0; i < lines; i++) {
                long tid = 1000 + i % 4;
                String ts = "1795607998." + String.format(Locale.ROOT, "%06d", i % 1_000_000);
                switch (i % 5) {
                    case 0 -> w.write(tid + " " + ts + " write(7</tmp/work/data-" + (i % 50) + ".bin>, "
                            + "\"\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\"..., "
                            + "4096) = 4096 <0.000041>\n");
                    case 1 -> w.write(tid + " " + ts + " pread64(8</tmp/work/in.dat>, \"a)b\\\"c\\n\"..., 8192, "
                            + i + ") = 8192 <0.000025>\n");
                    case 2 -> w.write(tid + " " + ts + " read(9<pipe:[35050]>,  <unfinished ...>\n");
                    case 3 -> w.write((tid - 1) + " " + ts + " <... read resumed>\"hello\", 64) = 5 <0.000726>\n");
                    default -> w.write(tid + " " + ts + " futex(0x7f00, FUTEX_WAKE_PRIVATE, 1) = 0 <0.000005>\n");
                }
            }
        }
        long[] ops = new long[1];
        double[] rate = new double[3];
        long peak = 0;
        for (int i = 0; i < rate.length; i++) {
            System.gc();
            long before = heapUsed();
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                pool.resetPeakUsage();
            }
            ops[0] = 0;
            long t0 = System.nanoTime();
            long n = StraceProfiler.parseTrace(trace, op -> ops[0]++);
            double seconds = (System.nanoTime() - t0) / 1e9;
            rate[i] = n / seconds;
            peak = Math.max(peak, peakHeap() - before);
        }
        rows.add(row("parser, 1,000,000 generated lines (" + ops[0] + " ops)", Stats.median(rate) / 1e6, "M lines/s",
                String.format(Locale.ROOT, "%.0f MiB file", Files.size(trace) / 1048576.0)));
        rows.add(row("parser, peak heap above baseline (garbage included)", peak / 1048576.0, "MiB",
                "retained: one pending call per thread"));
        Files.delete(trace);
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long peakHeap() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    private static void attach(List<String[]> rows) throws Exception {
        System.clearProperty(StraceProfiler.LINGER_PROPERTY); // detach after each block: every block attaches
        try {
            for (int target : new int[]{20, 200, 1000}) {
                CountDownLatch done = new CountDownLatch(1);
                List<Thread> parked = new ArrayList<>();
                int have = threads();
                for (int i = have; i < target; i++) {
                    Thread t = new Thread(() -> {
                        try {
                            done.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                    parked.add(t);
                }
                double[] times = new double[3];
                for (int i = 0; i < times.length; i++) {
                    times[i] = timeEmptyBlock();
                }
                rows.add(row("attach + empty block, " + threads() + " threads", Stats.median(times), "ms", ""));
                done.countDown();
                for (Thread t : parked) {
                    t.join();
                }
            }
        } finally {
            System.clearProperty(StraceProfiler.LINGER_PROPERTY);
        }
    }

    private static int threads() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/task"))) {
            return (int) s.count();
        }
    }


    static String[] row(String what, double value, String unit, String note) {
        return new String[]{what, String.format(Locale.ROOT, "%.2f", value), unit, note};
    }

    private static void print(List<String[]> rows) {
        System.out.printf(Locale.ROOT, "strace provider benchmark (medians; %d CPUs, %s)%n",
                CPUS, System.getProperty("java.vm.version"));
        System.out.printf(Locale.ROOT, "%-58s %10s  %-10s %s%n", "benchmark", "median", "unit", "note");
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "%-58s %10s  %-10s %s%n", r[0], r[1], r[2], r[3]);
        }
    }
}
