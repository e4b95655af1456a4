package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.SizeHistogram;
import dev.iops.TargetKind;
import dev.iops.internal.Selection;
import dev.iops.jvm.JfrProfiler;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.IoCounters;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingFailedException;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The undistorted default: which profiler a request gets on Linux, and procfs+jfr's exact counts with jfr's detail.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CountedDetailProfilerTest {
    @TempDir
    Path dir;

    private static final int PROCFS = new ProcfsProfiler().priority();

    @Test
    void everySourceThatLeavesTheTimingTruthfulRanksAboveStrace() {
        assertThat(StraceProfiler.PRIORITY).isLessThan(JfrProfiler.PRIORITY);
        assertThat(JfrProfiler.PRIORITY).isLessThan(CountedDetailProfiler.PRIORITY);
        assertThat(CountedDetailProfiler.PRIORITY).isLessThan(PROCFS);
        assertThat(PROCFS).isLessThan(new PerfProfiler().priority());
        assertThat(new CountedDetailProfiler().capabilities()).containsExactlyInAnyOrder(Capability.OPERATION_SIZES,
                Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY, Capability.TIMELINE,
                Capability.CALL_SITES, Capability.STORAGE_BYTES);
    }

    /**
     * Runs {@code work} with the profilers that only root (or {@code CAP_PERFMON}) can use kept from measuring, as
     * on an ordinary user's machine: perf cannot be found, and tracepoints cannot start (a buffer size that is not a
     * power of two), so selection passes them over and goes on down the order.
     */
    private static <T> T asAnOrdinaryUser(java.util.concurrent.Callable<T> work) throws Exception {
        System.setProperty(PerfProfiler.PATH_PROPERTY, "/nonexistent/perf");
        System.setProperty(TracepointProfiler.BUFFER_PROPERTY, "3");
        try {
            return work.call();
        } finally {
            System.clearProperty(PerfProfiler.PATH_PROPERTY);
            System.clearProperty(TracepointProfiler.BUFFER_PROPERTY);
        }
    }

    @Test
    void onThisMachineAPlainMeasurePicksProcfsAndIsExact() throws Exception {
        Path file = dir.resolve("plain.bin");
        Workloads.writeStream(file); // first use outside the window
        // Scope.THREAD: passing over tracepoints logs a warning, which the test harness forwards from another thread
        IopsReport r = asAnOrdinaryUser(() -> Iops.with().scope(Scope.THREAD).measure(
                () -> Workloads.writeStream(file)));
        assertThat(r.profiler()).isEqualTo(ProcfsProfiler.NAME);
        Workloads.assertExact("a plain Iops.measure", r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
    }

    @Test
    void onThisMachineAHistogramPicksProcfsPlusJfrWithProcfsCountsAndJfrSizes() throws Exception {
        Path file = dir.resolve("histogram.bin");
        Workloads.writeStream(file);
        IopsReport r = asAnOrdinaryUser(() -> Iops.with().scope(Scope.THREAD).histogram().measure(
                () -> Workloads.writeStream(file)));
        assertThat(r.profiler()).isEqualTo(CountedDetailProfiler.NAME);
        Workloads.assertExact("a histogram() request", r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        SizeHistogram h = r.histogram().orElseThrow();
        SizeHistogram.Bucket fourKiB = h.bucket(SizeHistogram.bucketIndex(Workloads.BLOCK));
        assertThat(fourKiB.writeOps()).isEqualTo(Workloads.BLOCKS);
        assertThat(fourKiB.writeBytes()).isEqualTo(Workloads.TOTAL);
        String real = file.toRealPath().toString();
        assertThat(r.detail().orElseThrow().topPaths()).anySatisfy(p -> {
            assertThat(p.path()).isEqualTo(real);
            assertThat(p.totals().writeOps()).isEqualTo(Workloads.BLOCKS);
        });
        assertThat(r.notes()).contains("procfs+jfr: the operation counts, bytes and elapsed time are procfs's (exact "
                + "system calls, nothing stopped); the size histogram, paths, latency and timeline are jfr's, from the "
                + "0 reads (0 B) and 1000 writes (3.9 MiB) it saw at the JVM level");
        assertThat(r.notes()).noneMatch(n -> n.startsWith("procfs counted") || n.startsWith("jfr saw"));
        assertThat(r.notes()).noneMatch(n -> n.startsWith("passed over strace")); // never tried: it ranks below
    }

    @Test
    void callSitesInThreadScopeAreExactAndNamed() throws IOException {
        Path file = dir.resolve("sites.bin");
        Workloads.writeStream(file);
        IopsReport r = Iops.with().profiler(CountedDetailProfiler.NAME).scope(Scope.THREAD).callSites()
                .measure(() -> Workloads.writeStream(file));
        Workloads.assertExact("call sites", r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        assertThat(r.detail().orElseThrow().topSites()).anySatisfy(s -> assertThat(s.site())
                .startsWith("dev.iops.testkit.Workloads.writeStream:"));
    }

    @Test
    void whatJfrCannotSeeIsSaidAsTheDifferenceBetweenTheTwoCounts() throws IOException {
        Path from = dir.resolve("from.bin");
        Path to = dir.resolve("to.bin");
        Workloads.writeStream(from);
        Workloads.IoWork copy = f -> {
            try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING)) {
                long done = 0;
                while (done < Workloads.TOTAL) {
                    done += in.transferTo(done, Workloads.TOTAL - done, out); // in the kernel: no JVM-level event
                }
            }
        };
        copy.run(to); // first use outside the window
        IopsReport r = Iops.with().profiler(CountedDetailProfiler.NAME).scope(Scope.THREAD)
                .measure(() -> copy.run(to));
        SizeHistogram h = r.histogram().orElseThrow();
        long unseenReads = r.readOps() - h.readOps();
        long unseenWrites = r.writeOps() - h.writeOps();
        assertThat(r.bytesWritten()).as(r.toText()).isEqualTo(Workloads.TOTAL); // procfs counts the copy exactly
        assertThat(unseenReads + unseenWrites).as(r.toText()).isPositive();
        assertThat(r.notes()).as(r.toText()).anySatisfy(n -> assertThat(n).startsWith("procfs counted " + unseenReads
                + " read calls (").contains(") and " + unseenWrites + " write calls (" + dev.iops.Units.bytes(
                r.bytesWritten() - h.bytesWritten()) + ") more than jfr saw: I/O the JVM does not report"));
    }

    @Test
    void differencesAreNumbersInEachDirection() {
        CountedDetailProfiler.Tally t = new CountedDetailProfiler.Tally();
        t.accept(new Op(OpKind.READ, 100, 1, TargetKind.FILE, "/a", 0, 0, false));
        t.accept(new Op(OpKind.WRITE, 4096, 1, TargetKind.FILE, "/a", 0, 0, false));
        assertThat(CountedDetailProfiler.difference("procfs", "jfr", IoCounters.of(1, 1, 100, 4096), t)).isNull();
        assertThat(CountedDetailProfiler.difference("procfs", "jfr", IoCounters.of(3, 1, 4196, 4096), t))
                .startsWith("procfs counted 2 read calls (4.0 KiB) and 0 write calls (0 B) more than jfr saw: ");
        assertThat(CountedDetailProfiler.difference("procfs", "jfr", IoCounters.of(0, 1, 0, 4096), t))
                .startsWith("jfr saw 1 reads (100 B) and 0 writes (0 B) more than procfs counted: ");
    }

    /** An ordinary user's machine, simulated: the real providers, with one that needs root unusable. */
    @Nested
    class AnOrdinaryUsersMachine {
        private final Profiler rootOnly = new Scripted("perf", 350, EnumSet.of(Capability.OPERATION_SIZES,
                Capability.THREAD_SCOPE)).unusable("perf may not trace this JVM: run as root or grant CAP_PERFMON");
        private final List<Profiler> machine = List.of(new StraceProfiler(), new JfrProfiler(),
                new CountedDetailProfiler(), new ProcfsProfiler(), rootOnly);

        private String picks(Scope scope, boolean histogram, boolean callSites) {
            Selection.Started s = Selection.start(machine, new Selection.Options(null, scope, histogram, callSites),
                    k -> null);
            s.recording().close();
            return s.profiler().name();
        }

        @Test
        void everyRequestGetsASourceThatDoesNotStopTheProcessAndStraceNeverAttaches() {
            long attaches = StraceTracer.attaches();
            for (Scope scope : Scope.values()) {
                assertThat(picks(scope, false, false)).isEqualTo(ProcfsProfiler.NAME);
                assertThat(picks(scope, true, false)).isEqualTo(CountedDetailProfiler.NAME);
                assertThat(picks(scope, true, true)).isEqualTo(CountedDetailProfiler.NAME);
                assertThat(picks(scope, false, true)).isEqualTo(CountedDetailProfiler.NAME);
            }
            assertThat(StraceTracer.attaches()).isEqualTo(attaches);
        }
    }

    @Nested
    class WhenAPartFails {
        private final Scripted counts = new Scripted("procfs", 200, EnumSet.of(Capability.THREAD_SCOPE,
                Capability.STORAGE_BYTES));
        private final Scripted detail = new Scripted("jfr", 150, EnumSet.of(Capability.OPERATION_SIZES,
                Capability.THREAD_SCOPE, Capability.PATHS));
        private final CountedDetailProfiler both = new CountedDetailProfiler(counts, detail);
        private final RecordingRequest request = new RecordingRequest(Scope.PROCESS, Thread.currentThread(), true);
        private final List<Op> received = new ArrayList<>();

        @Test
        void itIsUsableOnlyWhenBothPartsAreAndSaysWhichIsNot() {
            assertThat(both.availability().usable()).isTrue();
            detail.unusable("Flight Recorder is not available in this JVM");
            assertThat(both.availability().reason()).isEqualTo("its jfr part is not usable: Flight Recorder is not "
                    + "available in this JVM");
            counts.unusable("/proc/self/io is not readable");
            assertThat(both.availability().reason()).isEqualTo("its procfs part is not usable: /proc/self/io is not "
                    + "readable");
            assertThat(both.capabilities()).doesNotContain(Capability.LATENCY, Capability.CALL_SITES)
                    .contains(Capability.OPERATION_SIZES, Capability.THREAD_SCOPE, Capability.STORAGE_BYTES);
        }

        @Test
        void aCountingPartThatCannotStartClosesTheDetailPartAndIsNamed() {
            counts.failStart = true;
            assertThatThrownBy(() -> both.start(request)).isInstanceOf(ProfilerStartException.class)
                    .hasMessage("procfs+jfr: its procfs part (the exact counts) could not start: procfs refused");
            assertThat(detail.opened).isEqualTo(1);
            assertThat(detail.closed).isEqualTo(1);
        }

        @Test
        void aDetailPartThatCannotStartIsNamedAndNoCounterWindowOpens() {
            detail.failStart = true;
            assertThatThrownBy(() -> both.start(request)).isInstanceOf(ProfilerStartException.class)
                    .hasMessage("procfs+jfr: its jfr part (sizes, paths, latency) could not start: jfr refused");
            assertThat(counts.opened).isEqualTo(counts.closed); // only the priming run, closed
        }

        @Test
        void countsComeFromTheCounterAndOperationsFromTheDetailWithNotesNamingBoth() {
            try (Recording r = both.start(request)) {
                RecordingResult result = r.stop(received::add);
                assertThat(result.counters()).contains(IoCounters.of(5, 2, 500, 8192));
                assertThat(received).hasSize(2);
                assertThat(result.notes()).containsExactly(
                        "procfs+jfr: the operation counts, bytes and elapsed time are procfs's (exact system calls, "
                                + "nothing stopped); the size histogram, paths, latency and timeline are jfr's, from "
                                + "the 1 reads (100 B) and 1 writes (4.0 KiB) it saw at the JVM level",
                        "procfs counted 4 read calls (400 B) and 1 write calls (4.0 KiB) more than jfr saw: I/O the "
                                + "JVM does not report (FileChannel.transferTo and Files.copy through sendfile or "
                                + "copy_file_range, native code, AsynchronousFileChannel, the JVM's own reads such as "
                                + "class loading, a Java call the kernel split into several system calls); the "
                                + "histogram and the detail do not cover it",
                        "note from procfs", "note from jfr");
            }
            assertThat(counts.closed).isEqualTo(counts.opened);
            assertThat(detail.closed).isEqualTo(detail.opened);
        }

        @Test
        void aCountingPartThatFailsAtStopStillDeliversTheDetailAndIsNamed() {
            counts.failStop = true;
            try (Recording r = both.start(request)) {
                assertThatThrownBy(() -> r.stop(received::add)).isInstanceOf(RecordingFailedException.class)
                        .hasMessage("procfs+jfr: its procfs part (the exact counts) failed: procfs broke; the partial "
                                + "report holds the 2 operations its jfr part saw at the JVM level");
            }
            assertThat(received).hasSize(2);
        }

        @Test
        void aDetailPartThatFailsAtStopIsNamedWithWhatTheCounterCounted() {
            detail.failStop = true;
            try (Recording r = both.start(request)) {
                assertThatThrownBy(() -> r.stop(received::add)).isInstanceOf(RecordingFailedException.class)
                        .hasMessage("procfs+jfr: its jfr part (sizes, paths, latency) failed: jfr broke; its procfs "
                                + "part counted 5 read and 2 write calls (500 B read, 8.0 KiB written)");
            }
        }
    }

    /** A scripted part: counts, or two operations; fails where told. */
    static final class Scripted implements Profiler {
        private final String name;
        private final int priority;
        private final Set<Capability> capabilities;
        private Availability availability = Availability.ready();
        boolean failStart;
        boolean failStop;
        int opened;
        int closed;

        Scripted(String name, int priority, Set<Capability> capabilities) {
            this.name = name;
            this.priority = priority;
            this.capabilities = Set.copyOf(capabilities);
        }

        Scripted unusable(String reason) {
            availability = Availability.unusable(reason);
            return this;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public int priority() {
            return priority;
        }

        @Override
        public Set<Capability> capabilities() {
            return capabilities;
        }

        @Override
        public Availability availability() {
            return availability;
        }

        @Override
        public Recording start(RecordingRequest request) {
            if (failStart) {
                throw new ProfilerStartException(name + " refused");
            }
            opened++;
            boolean perOperation = capabilities.contains(Capability.OPERATION_SIZES);
            return new Recording() {
                @Override
                public RecordingResult stop(OpSink sink) {
                    if (perOperation) {
                        sink.accept(new Op(OpKind.READ, 100, 1, TargetKind.FILE, "/a", 0, 0, false));
                        sink.accept(new Op(OpKind.WRITE, 4096, 1, TargetKind.FILE, "/a", 0, 0, false));
                    }
                    if (failStop) {
                        throw new RecordingFailedException(name + " broke");
                    }
                    return perOperation ? RecordingResult.ofOperations("note from " + name)
                            : RecordingResult.ofCounters(IoCounters.of(5, 2, 500, 8192), "note from " + name);
                }

                @Override
                public void close() {
                    closed++;
                }
            };
        }
    }
}
