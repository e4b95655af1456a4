package dev.iops.examples;

import dev.iops.Iops;
import dev.iops.IopsSession;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * What the {@code jfr} profiler costs, as medians: the first block of a JVM (with its one-off warm-up), a warm
 * empty block (the whole {@code measure()} call, then its start and stop halves), and the cost of one small
 * write without a recording, inside a jfr block, and inside a recording with stack traces (what an opt-in for
 * call sites would cost). Prints one table; takes about ten seconds. Run it in a fresh JVM, since the first row is
 * only true once per JVM:
 * <pre>{@code
 * mvn -q install -DskipTests && mvn -q exec:exec -pl iops-examples -Ddemo.main=dev.iops.examples.JfrBenchmark
 * }</pre>
 * Target: at most 5 ms added per warm block. Most of a block's cost is parsing the recording's JFR metadata
 * (about 100 KB per chunk) on read-back, which gets fast only once the JIT has compiled the parser, so the
 * table shows the blocks after the first one in two phases: early and after {@value #WARM_BLOCKS} blocks.
 */
public final class JfrBenchmark {
    private static final int WARM_BLOCKS = 1000;
    /** Blocks in each reported phase: the JIT compiles JFR's parser over the first several hundred blocks. */
    private static final int PHASE = 200;
    private static final int OP_ROUNDS = 31;
    private static final int OPS = 20_000;
    private static final byte[] SMALL = new byte[64];
    private static final double TARGET_MS = 5.0;

    private JfrBenchmark() {
    }

    /**
     * Runs the benchmark and prints the table.
     *
     * @param args ignored
     * @throws IOException if the scratch file cannot be written
     */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("iops-jfr-bench-");
        Path scratch = dir.resolve("scratch.bin");
        // /dev/null keeps the system call cheap, so that the recording's share stands out; a file elsewhere.
        File sink = new File("/dev/null").canWrite() ? new File("/dev/null") : scratch.toFile();
        try {
            run(sink);
        } finally {
            Files.deleteIfExists(scratch);
            Files.deleteIfExists(dir);
        }
    }

    private static void run(File sink) throws IOException {
        long t0 = System.nanoTime();
        Iops.with().profiler("jfr").measure(() -> { });
        double firstMs = (System.nanoTime() - t0) / 1e6;

        double[] total = new double[WARM_BLOCKS];
        double[] start = new double[WARM_BLOCKS];
        double[] stop = new double[WARM_BLOCKS];
        for (int i = 0; i < WARM_BLOCKS; i++) {
            long a = System.nanoTime();
            IopsSession s = Iops.with().profiler("jfr").scope(Scope.THREAD).start();
            long b = System.nanoTime();
            s.stop();
            long c = System.nanoTime();
            start[i] = (b - a) / 1e6;
            stop[i] = (c - b) / 1e6;
            total[i] = (c - a) / 1e6;
        }

        double procfsMs = Double.NaN;
        boolean procfs = Iops.profilers().stream().anyMatch(p -> p.name().equals("procfs") && p.usable());
        if (procfs) {
            double[] p = new double[WARM_BLOCKS];
            Iops.with().profiler("procfs").measure(() -> { });
            for (int i = 0; i < WARM_BLOCKS; i++) {
                long a = System.nanoTime();
                Iops.with().profiler("procfs").measure(() -> { });
                p[i] = (System.nanoTime() - a) / 1e6;
            }
            procfsMs = Stats.median(p);
        }

        double[] plain = new double[OP_ROUNDS];
        double[] jfr = new double[OP_ROUNDS];
        double[] stacks = new double[OP_ROUNDS];
        try (OutputStream out = new FileOutputStream(sink)) {
            for (int i = 0; i < 3; i++) { // JIT warm-up of every variant
                writes(out);
                inJfrBlock(out);
                inStackRecording(out);
            }
            for (int i = 0; i < OP_ROUNDS; i++) { // interleaved, so that drift hits all three alike
                plain[i] = writes(out);
                jfr[i] = inJfrBlock(out);
                stacks[i] = inStackRecording(out);
            }
        }

        double plainNs = Stats.median(plain);
        double jfrNs = Stats.median(jfr);
        double stacksNs = Stats.median(stacks);
        double earlyMs = Stats.median(Arrays.copyOfRange(total, 0, PHASE));
        double warmMs = Stats.median(Arrays.copyOfRange(total, WARM_BLOCKS - PHASE, WARM_BLOCKS));
        System.out.printf(Locale.ROOT, "jfr benchmark: Java %s, %s %s, %d cores, medians%n",
                System.getProperty("java.version"), System.getProperty("os.name"), System.getProperty("os.arch"),
                Runtime.getRuntime().availableProcessors());
        String row = "%-58s %12s  %s%n";
        System.out.printf(Locale.ROOT, row, "what", "median", "runs");
        System.out.printf(Locale.ROOT, row, "first jfr block of the JVM (includes the one-off warm-up)", ms(firstMs), "1");
        String last = "blocks " + (WARM_BLOCKS - PHASE + 2) + ".." + (WARM_BLOCKS + 1);
        System.out.printf(Locale.ROOT, row, "empty jfr block, start()+stop(), blocks 2.." + (PHASE + 1), ms(earlyMs), PHASE);
        System.out.printf(Locale.ROOT, row, "empty jfr block, start()+stop(), " + last, ms(warmMs), PHASE);
        System.out.printf(Locale.ROOT, row, "  of which start() (recording file + JFR start)",
                ms(Stats.median(Arrays.copyOfRange(start, WARM_BLOCKS - PHASE, WARM_BLOCKS))), PHASE);
        System.out.printf(Locale.ROOT, row, "  of which stop() (JFR stop, read back, delete)",
                ms(Stats.median(Arrays.copyOfRange(stop, WARM_BLOCKS - PHASE, WARM_BLOCKS))), PHASE);
        if (procfs) {
            System.out.printf(Locale.ROOT, row, "empty procfs block, for comparison", ms(procfsMs), WARM_BLOCKS);
        }
        System.out.printf(Locale.ROOT, row, "64-byte write, no recording", ns(plainNs), OP_ROUNDS + " x " + OPS);
        System.out.printf(Locale.ROOT, row, "64-byte write, inside a jfr block", ns(jfrNs)
                + String.format(Locale.ROOT, " (%+.0f ns)", jfrNs - plainNs), OP_ROUNDS + " x " + OPS);
        System.out.printf(Locale.ROOT, row, "64-byte write, recording with stack traces", ns(stacksNs)
                + String.format(Locale.ROOT, " (%+.0f ns)", stacksNs - plainNs), OP_ROUNDS + " x " + OPS);
        System.out.printf(Locale.ROOT, "target: <= %.1f ms added per warm block: %s once JIT-compiled (%.2f ms, %s), "
                        + "%s for blocks 2..%d (%.2f ms)%n", TARGET_MS, warmMs <= TARGET_MS ? "met" : "NOT met", warmMs,
                last, earlyMs <= TARGET_MS ? "met" : "NOT met", PHASE + 1, earlyMs);
        System.out.printf(Locale.ROOT, "load average while measuring: %.2f (medians are only comparable on an idle machine)%n",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        for (ProfilerInfo p : Iops.profilers()) {
            if (p.name().equals("jfr") && !p.usable()) {
                System.out.println("jfr is not usable here: " + p.reason());
            }
        }
    }

    /** @return nanoseconds per write for {@link #OPS} writes */
    private static double writes(OutputStream out) throws IOException {
        long a = System.nanoTime();
        for (int i = 0; i < OPS; i++) {
            out.write(SMALL);
        }
        return (System.nanoTime() - a) / (double) OPS;
    }

    private static double inJfrBlock(OutputStream out) throws IOException {
        double[] perOp = new double[1];
        Iops.with().profiler("jfr").scope(Scope.THREAD).measure(() -> {
            perOp[0] = writes(out);
        });
        return perOp[0];
    }

    /** The same writes inside a plain JFR recording with stack traces on, as a call-site option would need. */
    private static double inStackRecording(OutputStream out) throws IOException {
        try (jdk.jfr.Recording r = new jdk.jfr.Recording()) {
            r.enable("jdk.FileWrite").withThreshold(Duration.ZERO).withStackTrace();
            r.setToDisk(true);
            r.start();
            double perOp = writes(out);
            r.stop();
            return perOp;
        }
    }


    private static String ms(double v) {
        return String.format(Locale.ROOT, "%.2f ms", v);
    }

    private static String ns(double v) {
        return String.format(Locale.ROOT, "%.0f ns/op", v);
    }
}
