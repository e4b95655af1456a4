package dev.iops.examples;

import dev.iops.Iops;
import dev.iops.Scope;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;

/**
 * Prints what the procfs profiler adds to a measured block: the time of {@code Iops.measure} around an empty
 * block in each scope, and the cost of one counter snapshot (one {@code pread} of the procfs file). Each figure is
 * the median of {@value #RUNS} runs of {@value #ITERATIONS} calls, after a warm-up.
 */
public final class ProcfsBenchmark {
    static final int RUNS = 9;
    static final int ITERATIONS = 20_000;

    private ProcfsBenchmark() {
    }

    /**
     * Runs the benchmark.
     *
     * @param args ignored
     * @throws IOException if a procfs file cannot be read
     */
    public static void main(String[] args) throws IOException {
        dev.iops.IoRunnable<RuntimeException> empty = () -> { };
        Runnable thread = () -> Iops.with().profiler("procfs").scope(Scope.THREAD).measure(empty);
        Runnable process = () -> Iops.with().profiler("procfs").scope(Scope.PROCESS).measure(empty);
        ByteBuffer buf = ByteBuffer.allocate(512);
        try (FileChannel threadIo = FileChannel.open(Path.of("/proc/thread-self/io"), StandardOpenOption.READ);
             FileChannel selfIo = FileChannel.open(Path.of("/proc/self/io"), StandardOpenOption.READ)) {
            Runnable threadSnapshot = () -> pread(threadIo, buf);
            Runnable selfSnapshot = () -> pread(selfIo, buf);

            System.out.printf(Locale.ROOT, "procfs overhead: median of %d runs x %d calls (2 cores, noisy VM)%n",
                    RUNS, ITERATIONS);
            System.out.printf(Locale.ROOT, "%-44s %12s %12s %12s %10s%n", "what", "median", "min run", "max run", "target");
            row("measured empty block, Scope.THREAD", thread, "<= 20 us");
            row("measured empty block, Scope.PROCESS", process, "<= 20 us");
            row("snapshot: pread /proc/thread-self/io", threadSnapshot, "");
            row("snapshot: pread /proc/self/io", selfSnapshot, "");
            row("baseline: empty Runnable", empty::run, "");
        }
    }

    private static void pread(FileChannel ch, ByteBuffer buf) {
        try {
            buf.clear();
            ch.read(buf, 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void row(String what, Runnable r, String target) {
        double[] perCall = new double[RUNS];
        for (int i = 0; i < ITERATIONS; i++) {
            r.run(); // warm-up
        }
        for (int run = 0; run < RUNS; run++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < ITERATIONS; i++) {
                r.run();
            }
            perCall[run] = (System.nanoTime() - t0) / (double) ITERATIONS;
        }
        System.out.printf(Locale.ROOT, "%-44s %12s %12s %12s %10s%n", what, us(Stats.median(perCall)),
                us(Arrays.stream(perCall).min().orElseThrow()), us(Arrays.stream(perCall).max().orElseThrow()), target);
    }

    private static String us(double nanos) {
        return String.format(Locale.ROOT, "%.2f us", nanos / 1000);
    }
}
