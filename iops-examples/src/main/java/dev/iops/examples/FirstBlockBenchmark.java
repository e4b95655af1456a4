package dev.iops.examples;

import dev.iops.Iops;
import dev.iops.IopsReport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The first measured block of a fresh JVM, with and without the background warm-up ({@code -Diops.warmup}), for
 * {@code jfr} and {@code strace}: a table of medians over fresh JVMs. Each JVM touches the library
 * ({@code Iops.profilers()}), waits (0 ms: the block comes at once; 1000 ms: the library was loaded a second
 * before, as after a notebook's extension load or a test class's first call), then times one
 * {@code histogram()} block that writes 4 KiB, wall clock around the whole {@code measure()} call.
 *
 * <pre>mvn -q exec:exec -pl iops-examples -Ddemo.main=dev.iops.examples.FirstBlockBenchmark</pre>
 */
public final class FirstBlockBenchmark {
    private static final int RUNS = 5;

    private FirstBlockBenchmark() {
    }

    /**
     * @param args empty for the table; {@code child <profiler> <delayMs>} in each fresh JVM
     * @throws Exception if a child JVM fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("child")) {
            child(args[1], Long.parseLong(args[2]));
            return;
        }
        System.out.printf(Locale.ROOT, "first histogram() block of a fresh JVM, wall ms, median of %d JVMs (%s)%n",
                RUNS, Runtime.version());
        System.out.printf(Locale.ROOT, "%-8s %-28s %12s %12s %8s%n", "profiler", "library loaded before", "warm-up off",
                "warm-up on", "ratio");
        for (String profiler : List.of("jfr", "strace")) {
            for (long delay : List.of(0L, 1000L)) {
                double off = median(profiler, delay, false);
                double on = median(profiler, delay, true);
                System.out.printf(Locale.ROOT, "%-8s %-28s %12.1f %12.1f %7.2fx%n", profiler,
                        delay == 0 ? "no (block at once)" : delay + " ms before", off, on, off / on);
            }
        }
        System.out.println("targets (issue 13): jfr <= 150 ms and strace <= 100 ms when loaded >= 1 s before; "
                + "no worse than off when not");
    }

    private static double median(String profiler, long delay, boolean warmUp) throws Exception {
        double[] ms = new double[RUNS];
        for (int i = 0; i < RUNS; i++) {
            ms[i] = runChild(profiler, delay, warmUp);
        }
        return Stats.median(ms);
    }

    private static double runChild(String profiler, long delay, boolean warmUp) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // -Diops.profiler names it, as a notebook or a test setup would: the warm-up warms what selection picks
        Process p = new ProcessBuilder(java, "-Diops.warmup=" + warmUp, "-Diops.profiler=" + profiler, "-cp", System.getProperty("java.class.path"),
                FirstBlockBenchmark.class.getName(), "child", profiler, Long.toString(delay))
                .redirectErrorStream(true).start();
        String last = null;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("first-block-ms ")) {
                    last = line.substring("first-block-ms ".length());
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("a child JVM did not finish in 120 s");
        }
        if (last == null) {
            throw new IllegalStateException("a child JVM (" + profiler + ") printed no figure; exit " + p.exitValue());
        }
        return Double.parseDouble(last);
    }

    private static void child(String profiler, long delayMs) throws Exception {
        Path file = Files.createTempFile("iops-first-block", ".bin");
        try {
            byte[] data = new byte[4096];
            Iops.profilers(); // the library's first touch
            Thread.sleep(delayMs);
            long t0 = System.nanoTime();
            IopsReport r = Iops.with().histogram().measure(() -> Files.write(file, data));
            if (!r.profiler().equals(profiler)) {
                throw new IllegalStateException("measured by " + r.profiler() + ", not " + profiler);
            }
            long t1 = System.nanoTime();
            if (r.bytesWritten() != 4096) {
                throw new IllegalStateException("expected 4096 bytes written, got " + r.toText());
            }
            System.out.println("first-block-ms " + (t1 - t0) / 1e6);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
