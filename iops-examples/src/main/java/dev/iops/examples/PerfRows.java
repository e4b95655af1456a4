package dev.iops.examples;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.linux.PerfProfiler;
import dev.iops.linux.StraceProfiler;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The perf provider's rows of {@link StraceBenchmark}'s table, measured in the same run on the same workloads:
 * added cost per traced call for none / perf / strace, empty blocks cold and warm, the notebook-style block
 * (1000 x 4 KiB writes, then read back) and the decoding of 1,000,000 events.
 */
final class PerfRows {
    private static final int RUNS = 7;

    private PerfRows() {
    }

    /** A block of I/O; returns the number of system calls it makes. */
    @FunctionalInterface
    private interface Work {
        long run(Path file) throws IOException;
    }

    static void run(List<String[]> rows, Path dir) throws Exception {
        if (!new PerfProfiler().availability().usable()) {
            rows.add(StraceBenchmark.row("perf: not usable here (" + new PerfProfiler().availability().reason() + ")",
                    0, "", ""));
            return;
        }
        Path file = dir.resolve("perf-bench.bin");
        perCall(rows, "10,000 x 64 B writes", f -> writes(f, 10_000, 64), file);
        perCall(rows, "1000 x 4 KiB writes", f -> writes(f, 1000, 4096), file);
        perCall(rows, "notebook block: 1000 x 4 KiB writes + read back", f -> writes(f, 1000, 4096) + readBack(f),
                file);
        rows.add(StraceBenchmark.row("empty block, first perf one in a fresh JVM (library cold)",
                StraceBenchmark.firstBlock("first-perf"), "ms", "perf spawn and attach included"));
        double[] warm = new double[20];
        for (int i = 0; i < warm.length; i++) {
            long t0 = System.nanoTime();
            Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> { });
            warm[i] = (System.nanoTime() - t0) / 1e6;
        }
        rows.add(StraceBenchmark.row("empty block, warm JVM, perf", Stats.median(warm), "ms",
                "a perf record per session (spawn and attach, enable; disable, drain, read, kill)"));
        lingering(rows, file);
        nonIoCalls(rows);
        decode(rows, dir);
        Files.deleteIfExists(file);
    }

    /**
     * With {@code iops.perf.linger}: a warm empty block (enable, disable, drain, read) and what the idle,
     * disabled perf costs the JVM's system calls outside any block.
     */
    private static void lingering(List<String[]> rows, Path file) throws Exception {
        System.setProperty(PerfProfiler.LINGER_PROPERTY, "600000");
        try {
            Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> { }); // spawns; then idles
            double[] warm = new double[50];
            for (int i = 0; i < warm.length; i++) {
                long t0 = System.nanoTime();
                Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> { });
                warm[i] = (System.nanoTime() - t0) / 1e6;
            }
            rows.add(StraceBenchmark.row("empty block, warm, perf with iops.perf.linger", Stats.median(warm), "ms",
                    "target <= 10 ms"));
            double[] plain = new double[RUNS];
            double[] notebook = new double[RUNS];
            for (int i = 0; i < RUNS; i++) {
                long t0 = System.nanoTime();
                writes(file, 1000, 4096);
                readBack(file);
                plain[i] = (System.nanoTime() - t0) / 1e6;
                t0 = System.nanoTime();
                Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measureValue(() -> writes(file, 1000, 4096)
                        + readBack(file));
                notebook[i] = (System.nanoTime() - t0) / 1e6;
            }
            double added = Stats.median(notebook) - Stats.median(plain);
            rows.add(StraceBenchmark.row("notebook block, perf with iops.perf.linger (whole measure())",
                    Stats.median(notebook), "ms", String.format(Locale.ROOT, "%.0f ms added; the Python tool: 1115 ms, "
                            + "%.0fx more", added, 1115 / Math.max(1e-9, added))));
            double[][] idle = new double[2][RUNS * 2];
            for (int i = 0; i < idle[0].length; i++) {
                long t0 = System.nanoTime();
                writes(file, 100_000, 64); // the idle perf is attached (disabled)
                idle[0][i] = (System.nanoTime() - t0) / 1e6;
            }
            System.setProperty(PerfProfiler.LINGER_PROPERTY, "1");
            Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> { }); // gives it back for 1 ms
            awaitNoPerf();
            for (int i = 0; i < idle[1].length; i++) {
                long t0 = System.nanoTime();
                writes(file, 100_000, 64);
                idle[1][i] = (System.nanoTime() - t0) / 1e6;
            }
            double with = Stats.median(idle[0]);
            double without = Stats.median(idle[1]);
            rows.add(StraceBenchmark.row("100,000 x 64 B writes outside a block, idle disabled perf attached", with,
                    "ms", String.format(Locale.ROOT, "%.3f us per call more than without (%.1f ms)",
                            (with - without) * 1000 / 100_000, without)));
        } finally {
            System.clearProperty(PerfProfiler.LINGER_PROPERTY);
        }
    }

    /**
     * What a system call that is not I/O ({@code sched_yield}) costs inside a perf block, with the kernel filter
     * (the default) and without it (the attach that survives threads ending, see PerfProfiler).
     */
    private static void nonIoCalls(List<String[]> rows) throws Exception {
        int calls = 100_000;
        double[][] added = new double[2][RUNS];
        String given = System.getProperty(PerfProfiler.KERNEL_FILTER_PROPERTY); // set for the rest of the table
        for (int k = 0; k < 2; k++) {
            System.setProperty(PerfProfiler.KERNEL_FILTER_PROPERTY, k == 0 ? "true" : "false");
            try {
                for (int i = 0; i < RUNS; i++) {
                    long t0 = System.nanoTime();
                    yields(calls);
                    long bare = System.nanoTime() - t0;
                    long[] inside = new long[1];
                    Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> {
                        long s = System.nanoTime();
                        yields(calls);
                        inside[0] = System.nanoTime() - s;
                    });
                    added[k][i] = (inside[0] - bare) / 1e3 / calls;
                }
            } finally {
                if (given == null) {
                    System.clearProperty(PerfProfiler.KERNEL_FILTER_PROPERTY);
                } else {
                    System.setProperty(PerfProfiler.KERNEL_FILTER_PROPERTY, given);
                }
            }
        }
        rows.add(StraceBenchmark.row("100,000 x Thread.yield() inside the block: perf, kernel filter", Stats.median(
                added[0]), "us/call", "added per call that is not I/O (the default)"));
        rows.add(StraceBenchmark.row("100,000 x Thread.yield() inside the block: perf, no kernel filter",
                Stats.median(added[1]), "us/call", String.format(Locale.ROOT, "%.1fx the filtered cost; the attach "
                        + "taken when threads end during it", Stats.median(added[1]) / Math.max(1e-9,
                        Stats.median(added[0])))));
    }

    private static void yields(int calls) {
        for (int i = 0; i < calls; i++) {
            Thread.yield(); // one sched_yield(2) each
        }
    }

    private static void awaitNoPerf() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline && ProcessHandle.current().children()
                .anyMatch(p -> p.info().command().map(c -> c.endsWith("/perf")).orElse(false))) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
        }
    }

    /** Wall time of {@code measure()} around the work, for none / perf / strace, and the added time per call. */
    private static void perCall(List<String[]> rows, String what, Work work, Path file) throws Exception {
        for (int i = 0; i < 3; i++) {
            work.run(file); // JIT and class loading out of the way
        }
        double[][] ms = new double[3][RUNS];
        long calls = 0;
        String[] names = {null, PerfProfiler.NAME, StraceProfiler.NAME};
        for (int i = 0; i < RUNS; i++) {
            for (int p = 0; p < names.length; p++) {
                long t0 = System.nanoTime();
                if (names[p] == null) {
                    calls = work.run(file);
                } else {
                    IopsReport r = Iops.with().profiler(names[p]).scope(Scope.THREAD).measureValue(() -> work.run(file))
                            .report();
                    if (r.totalOps() != calls) {
                        throw new IllegalStateException(names[p] + " measured " + r.totalOps() + " operations of "
                                + what + ", expected " + calls);
                    }
                }
                ms[p][i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        double none = Stats.median(ms[0]);
        double perf = Stats.median(ms[1]);
        double strace = Stats.median(ms[2]);
        rows.add(StraceBenchmark.row(what + ", unmeasured", none, "ms", calls + " system calls"));
        rows.add(StraceBenchmark.row(what + ", perf (whole measure())", perf, "ms",
                String.format(Locale.ROOT, "%.0f ms added (start, block, stop); the Python tool: 1115 ms "
                        + "(issue #3)", perf - none)));
        rows.add(StraceBenchmark.row(what + ", strace (whole measure())", strace, "ms",
                String.format(Locale.ROOT, "%.0f ms added; strace/perf added time: %.1fx", strace - none,
                        (strace - none) / Math.max(1e-9, perf - none))));
        // the block alone, as the report times it: the cost inside the window, start and stop excluded
        double[][] inside = new double[2][RUNS];
        for (int i = 0; i < RUNS; i++) {
            for (int p = 1; p < names.length; p++) {
                inside[p - 1][i] = Iops.with().profiler(names[p]).scope(Scope.THREAD).measureValue(() -> work.run(file))
                        .report().elapsed().toNanos() / 1e6;
            }
        }
        double perfIn = Stats.median(inside[0]);
        double straceIn = Stats.median(inside[1]);
        double perfUs = (perfIn - none) * 1000 / calls;
        double straceUs = (straceIn - none) * 1000 / calls;
        // below the noise of the unmeasured median, a per-call figure and a ratio would be meaningless
        boolean resolved = perfUs > 0.05;
        rows.add(StraceBenchmark.row(what + ", inside the block: perf", perfUs, "us/call",
                String.format(Locale.ROOT, "block %.1f ms%s", perfIn, resolved ? "" : " (within the noise)")));
        // strace's cost per call depends on whether the kernel runs strace and the thread on one CPU (each stop is
        // a wake-up of the other): on this VM it is bimodal, so the ratio is also given against its fastest run
        double straceBestUs = (java.util.Arrays.stream(inside[1]).min().orElse(straceIn) - none) * 1000 / calls;
        rows.add(StraceBenchmark.row(what + ", inside the block: strace", straceUs, "us/call",
                String.format(Locale.ROOT, "block %.1f ms; strace/perf per call: %s", straceIn,
                        resolved ? String.format(Locale.ROOT, "%.0fx (%.0fx against strace's fastest run, %.1f us/call)",
                                straceUs / perfUs, straceBestUs / perfUs, straceBestUs) : "n/a (perf in the noise)")));
    }

    private static long writes(Path file, int count, int size) throws IOException {
        byte[] block = new byte[size];
        try (OutputStream out = new FileOutputStream(file.toFile())) {
            for (int i = 0; i < count; i++) {
                out.write(block);
            }
        }
        return count;
    }

    private static long readBack(Path file) throws IOException {
        byte[] block = new byte[4096];
        long calls = 0;
        try (InputStream in = new FileInputStream(file.toFile())) {
            while (true) {
                calls++;
                if (in.read(block) < 0) {
                    return calls;
                }
            }
        }
    }

    /** Decodes 1,000,000 events: the provider's Java reader (through Iops.analyze) against perf script. */
    private static void decode(List<String[]> rows, Path dir) throws Exception {
        Path data = dir.resolve("decode.data");
        Path perf = Path.of(System.getProperty(PerfProfiler.PATH_PROPERTY, "/usr/bin/perf"));
        // dd makes one read and one write per byte: 250,000 bytes are 500,000 calls, 1,000,000 events
        List<String> cmd = new ArrayList<>(List.of(perf.toString(), "record", "-q", "-m", "8192", "--no-bpf-event",
                "--synth=no", "-B", "-N", "-e", "raw_syscalls:sys_enter", "--filter", "id == 0 || id == 1",
                "-e", "raw_syscalls:sys_exit", "--filter", "id == 0 || id == 1", "-o", data.toString(), "--",
                "dd", "if=/dev/zero", "of=/dev/null", "bs=1", "count=250000"));
        run(cmd);
        double[] java = new double[RUNS];
        double[] script = new double[RUNS];
        long ops = 0;
        for (int i = 0; i < RUNS; i++) {
            long t0 = System.nanoTime();
            IopsReport r = Iops.analyze(data);
            java[i] = (System.nanoTime() - t0) / 1e6;
            ops = r.totalOps();
            t0 = System.nanoTime();
            run(List.of(perf.toString(), "script", "-i", data.toString(), "--ns", "-F", "trace:pid,tid,time,event,trace"));
            script[i] = (System.nanoTime() - t0) / 1e6;
        }
        rows.add(StraceBenchmark.row("decode 1,000,000 events: Java perf.data reader", Stats.median(java), "ms",
                ops + " operations decoded; Iops.analyze, aggregation included"));
        rows.add(StraceBenchmark.row("decode 1,000,000 events: perf script (text only)", Stats.median(script), "ms",
                String.format(Locale.ROOT, "%.1fx the Java reader", Stats.median(script) / Stats.median(java))));
        Files.deleteIfExists(data);
    }

    private static void run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + cmd);
        }
    }
}
