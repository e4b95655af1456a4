package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.spi.SelfIo;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sessions in {@code Scope.PROCESS} on several threads at once, every block empty (issue 19, item 3). Each window
 * sees the other sessions' own work (their counter reads, their metered starts and stops) in the process's counters,
 * and must take all of it out: each report is exactly zero, or says in a note by how much it may be off (and is
 * within that), or the session fails with a specific exception. Found: 60 of 1000 reports with reads &gt; 0, and 83
 * failing with "readOps must be &gt;= 0, got -1".
 *
 * <p>The test's threads do no I/O of their own while sessions run (reports are kept and checked afterwards): another
 * thread's process-wide window would count it. The one exception, the test harness's I/O (Surefire's command reader,
 * see {@link Workloads#whileHarnessQuiet}, and its event writer), is watched with reads booked as the library's own,
 * and a report that is off while the harness did I/O is set aside.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ConcurrentProcessSessionsTest {
    @Test
    void procfsSessionsOnTwoThreadsNeverCountEachOthersOwnWork() throws Exception {
        Outcome o = run("procfs", 2, 600);
        assertThat(o.wrong).as("silently wrong reports of " + o.total).isEmpty();
        assertThat(o.failed).as("failed sessions of " + o.total).isEmpty();
        assertThat(o.harness).as("reports disturbed by the test harness").isLessThanOrEqualTo(5);
    }

    @Test
    void procfsSessionsOnFourThreadsNeverCountEachOthersOwnWork() throws Exception {
        Outcome o = run("procfs", 4, 300);
        assertThat(o.wrong).as("silently wrong reports of " + o.total).isEmpty();
        assertThat(o.failed).as("failed sessions of " + o.total).isEmpty();
        assertThat(o.harness).as("reports disturbed by the test harness").isLessThanOrEqualTo(5);
    }

    /**
     * strace: a window read the shared trace from where it was when its session started, so a stretch of own work
     * another thread began before that (a session stopping, reading the trace file) was unknown to it, and that
     * thread's read showed as a {@code <... read resumed>} half without a path: counted (4 of 300 reports).
     */
    @Test
    @EnabledIf("straceUsable")
    void straceSessionsOnTwoThreadsNeverCountEachOthersOwnWork() throws Exception {
        Outcome o = run("strace", 2, 500);
        assertThat(o.wrong).as("silently wrong reports of " + o.total).isEmpty();
        // Item 7 of issue 19, not this test's: a named strace session may still be refused at its start under
        // concurrency (a race between the shared tracer's state and TracerPid). Refused, never a wrong report.
        assertThat(o.failed).as("failed sessions of " + o.total)
                .allMatch(f -> f.startsWith(dev.iops.NoProfilerException.class.getName()));
        assertThat(o.harness).as("reports disturbed by the test harness").isLessThanOrEqualTo(5);
    }

    /**
     * perf: a stretch of own work was kept only if a window reading stretches was open when it began, so a perf
     * window opening while another thread was stopping its session counted that thread's reads (0.25 to 2.5 % of
     * reports). Not run where perf cannot run (it could not on the machine this was written on: the fix is proved
     * by {@code SelfIoOwnWorkTest} there). 2 x 150 sessions: a perf session starts a perf process (~200 ms), so
     * 1000 did not end within the class's timeout on a loaded CI machine, and its threads, still running, disturbed
     * the next test.
     */
    @Test
    @EnabledIf("perfUsable")
    void perfSessionsOnTwoThreadsNeverCountEachOthersOwnWork() throws Exception {
        Outcome o = run("perf", 2, 150);
        assertThat(o.wrong).as("silently wrong reports of " + o.total).isEmpty();
        assertThat(o.failed).as("failed sessions of " + o.total).isEmpty();
        assertThat(o.harness).as("reports disturbed by the test harness").isLessThanOrEqualTo(5);
    }

    static boolean straceUsable() {
        return Iops.profilers().stream().anyMatch(p -> p.name().equals("strace") && p.usable());
    }

    static boolean perfUsable() {
        return Iops.profilers().stream().anyMatch(p -> p.name().equals("perf") && p.usable());
    }

    /** Made before the race: a lambda made on a first call inside it could load classes. */
    private static final dev.iops.IoRunnable<RuntimeException> EMPTY = () -> { };

    /** What a run gave: reports not exact and not explained, failures, and how many carried a note. */
    static final class Outcome {
        final Queue<String> wrong = new ConcurrentLinkedQueue<>();
        final Queue<String> failed = new ConcurrentLinkedQueue<>();
        final AtomicInteger noted = new AtomicInteger();
        final java.util.Map<String, Integer> notes = new java.util.TreeMap<>(); // by their first words
        int harness;
        int total;
    }

    /**
     * Runs {@code perThread} empty-block sessions of a profiler in {@code Scope.PROCESS} on each of {@code threads}
     * threads at once.
     */
    static Outcome run(String profiler, int threads, int perThread) throws Exception {
        for (int i = 0; i < 50; i++) { // the library's classes loaded and linked before the threads race
            Iops.with().profiler(profiler).scope(Scope.PROCESS).measure(() -> { });
        }
        Outcome o = new Outcome();
        o.total = threads * perThread;
        Queue<Object[]> reports = new ConcurrentLinkedQueue<>(); // report, harness bytes during it
        Gate go = new Gate(threads);
        List<Thread> started = new ArrayList<>();
        try (Harness harness = new Harness()) {
            for (int t = 0; t < threads; t++) {
                Thread th = new Thread(() -> {
                    try {
                        // Twice, and the harness read once, before any window opens: the first use of that code on
                        // this thread could load classes (preads of the runtime image), real I/O of the process that
                        // a window of another thread would count, rightly
                        go.await();
                        harness.bytes();
                        go.await();
                        for (int i = 0; i < perThread; i++) {
                            long h = harness.bytes();
                            try {
                                IopsReport r = Iops.with().profiler(profiler).scope(Scope.PROCESS).measure(EMPTY);
                                reports.add(new Object[] {r, harness.bytes() - h});
                            } catch (RuntimeException e) {
                                o.failed.add(e.toString());
                            }
                        }
                        go.await(); // a thread that ends loads classes too: not while another one measures
                    } catch (Exception e) {
                        o.failed.add(e.toString());
                    }
                }, "iops-test-" + profiler + "-" + t);
                th.start();
                started.add(th);
            }
            for (Thread th : started) {
                th.join();
            }
        }
        for (Object[] entry : reports) {
            IopsReport r = (IopsReport) entry[0];
            if (!r.notes().isEmpty()) {
                o.noted.incrementAndGet();
            }
            for (String note : r.notes()) {
                o.notes.merge(note.substring(0, Math.min(40, note.length())) + "...", 1, Integer::sum);
            }
            try {
                Workloads.assertExact(profiler + ", empty block", r, 0, 0, 0, 0);
            } catch (AssertionError e) {
                if ((long) entry[1] > 0) {
                    o.harness++;
                } else {
                    o.wrong.add(Workloads.figures(r.readOps(), r.bytesRead(), r.writeOps(), r.bytesWritten())
                            + " " + r.notes());
                }
            }
        }
        System.out.println("[" + profiler + ", " + threads + " threads] " + o.total + " sessions: " + o.wrong.size()
                + " silently wrong, " + o.failed.size() + " failed, " + o.noted.get() + " with a note " + o.notes + ", "
                + o.harness + " disturbed by the harness");
        o.wrong.forEach(w -> System.out.println("  wrong: " + w));
        o.failed.forEach(f -> System.out.println("  failed: " + f));
        return o;
    }

    /**
     * Threads wait here for each other. A monitor: {@code java.util.concurrent}'s barriers load classes the first
     * time threads contend, real reads that a window of another thread would count, rightly.
     */
    static final class Gate {
        private final int parties;
        private int waiting;
        private long generation;

        Gate(int parties) {
            this.parties = parties;
        }

        synchronized void await() throws InterruptedException {
            long mine = generation;
            if (++waiting == parties) {
                waiting = 0;
                generation++;
                notifyAll();
                return;
            }
            while (generation == mine) {
                wait();
            }
        }
    }

    /**
     * The test harness's own I/O (Surefire's threads, by name), read through descriptors opened once, as a stretch
     * of the library's own work with each read booked, so that no window counts the reading (a tracer would know
     * these reads by their path, but not one in flight when its window opened).
     */
    static final class Harness implements AutoCloseable {
        private final List<RandomAccessFile> files = new ArrayList<>();
        private final byte[] buffer = new byte[512];

        Harness() throws IOException {
            File[] tasks = new File("/proc/self/task").listFiles();
            for (File t : tasks == null ? new File[0] : tasks) {
                try {
                    if (Files.readString(t.toPath().resolve("comm")).startsWith("surefire")) {
                        files.add(new RandomAccessFile(new File(t, "io"), "r"));
                    }
                } catch (IOException gone) {
                    // the thread ended
                }
            }
        }

        /** @return bytes the harness's threads read and wrote so far (its command reader, its event writer) */
        synchronized long bytes() {
            try (SelfIo.OwnWork probe = SelfIo.ownWork()) { // so that every provider drops these reads
                return read();
            }
        }

        private long read() {
            long sum = 0;
            for (RandomAccessFile f : files) {
                try (SelfIo.OwnCall call = SelfIo.ownCall()) {
                    f.seek(0);
                    int n = f.read(buffer, 0, buffer.length);
                    SelfIo.count(1, Math.max(0, n), 0, 0);
                    if (n > 0) {
                        ProcIo io = ProcIo.parse(buffer, n);
                        sum += io.rchar() + io.wchar();
                    }
                } catch (IOException | RuntimeException gone) {
                    // the thread ended: its reads are no longer anyone's
                }
            }
            return sum;
        }

        @Override
        public void close() throws IOException {
            for (RandomAccessFile f : files) {
                f.close();
            }
        }
    }
}
