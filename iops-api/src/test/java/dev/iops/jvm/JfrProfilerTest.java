package dev.iops.jvm;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.PathStats;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.SizeHistogram;
import dev.iops.TargetKind;
import dev.iops.spi.Capability;
import dev.iops.testkit.Workloads;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What jfr adds beyond the compatibility kit: histograms, detail, coexistence, clean-up, its own I/O. */
class JfrProfilerTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireUsable() {
        ProfilerInfo info = info();
        assumeTrue(info.usable(), () -> "jfr is not usable here: " + info.reason());
    }

    private static ProfilerInfo info() {
        return Iops.profilers().stream().filter(p -> p.name().equals(JfrProfiler.NAME)).findFirst()
                .orElseThrow(() -> new AssertionError("jfr is not registered: " + Iops.profilers()));
    }

    private static IopsReport measure(Scope scope, Workloads.IoWork work, Path file) throws IOException {
        work.run(file); // warm: class loading reads jar files, which a thread-scoped profiler rightly counts
        return Iops.with().profiler(JfrProfiler.NAME).scope(scope).histogram().measureValue(() -> {
            work.run(file);
            return null;
        }).report();
    }

    @Test
    void declaresItselfAsTheJvmLevelPerOperationProvider() {
        ProfilerInfo info = info();
        assertThat(info.priority()).isEqualTo(150);
        assertThat(info.capabilities()).containsExactlyInAnyOrder(Capability.OPERATION_SIZES,
                Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY, Capability.TIMELINE,
                Capability.CALL_SITES);
    }

    @Test
    void putsAThousandEqualWritesInOneHistogramBucket() throws IOException {
        IopsReport r = measure(Scope.THREAD, Workloads::writeStream, dir.resolve("h.bin"));
        SizeHistogram h = r.histogram().orElseThrow();
        List<SizeHistogram.Bucket> used = h.buckets().stream().filter(x -> x.totalOps() > 0).collect(Collectors.toList());
        assertThat(used).hasSize(1);
        SizeHistogram.Bucket b = used.get(0);
        assertThat(b.writeOps()).isEqualTo(1000);
        assertThat(b.writeBytes()).isEqualTo(Workloads.TOTAL);
        assertThat(b.lowerBoundBytes()).isLessThanOrEqualTo(4096);
        assertThat(b.upperBoundBytes()).isGreaterThanOrEqualTo(4096);
        assertThat(b.readOps()).isZero();
    }

    @Test
    void countsTheEndOfFileReadAsAZeroByteRead() throws IOException {
        Path file = dir.resolve("e.bin");
        Workloads.writeStream(file);
        IopsReport r = measure(Scope.THREAD, Workloads::readStream, file);
        SizeHistogram h = r.histogram().orElseThrow();
        assertThat(h.readOps()).isEqualTo(1001);
        assertThat(h.bucket(SizeHistogram.bucketIndex(0)).readOps()).isEqualTo(1);
        assertThat(h.bucket(SizeHistogram.bucketIndex(4096)).readOps()).isEqualTo(1000);
    }

    @Test
    void reportsThePathLatencyAndTimelineOfEachOperation() throws IOException {
        Path file = dir.resolve("p.bin");
        IopsReport r = measure(Scope.THREAD, Workloads::writeChannel, file);
        var detail = r.detail().orElseThrow();
        assertThat(detail.topPaths()).containsExactly(new PathStats(file.toString(), TargetKind.FILE,
                new dev.iops.IoTotals(0, 1000, 0, Workloads.TOTAL)));
        assertThat(detail.byTarget()).containsOnlyKeys(TargetKind.FILE);
        assertThat(detail.latency()).containsOnlyKeys(OpKind.WRITE);
        assertThat(detail.latency().get(OpKind.WRITE).count()).isEqualTo(1000);
        var grid = detail.timeline().orElseThrow();
        assertThat(grid.totalOps()).isEqualTo(1000);
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("jfr sees JVM-level operations only")
                .contains("memory-mapped", "transferTo", "Files.copy", "AsynchronousFileChannel"));
    }

    @Test
    void countsSocketWritesAndReadsWithTheirEndpoint() throws Exception {
        byte[] chunk = new byte[1000];
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread echo = new Thread(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                    out.write(in.readNBytes(2 * 10 * chunk.length)); // warm-up round and measured round
                } catch (Throwable t) {
                    error.set(t);
                }
            }, "iops-test-echo");
            echo.start();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                OutputStream out = client.getOutputStream();
                InputStream in = client.getInputStream();
                for (int i = 0; i < 10; i++) {
                    out.write(chunk); // warm-up: loads the classes the measured round uses
                }
                IopsReport r = Iops.with().profiler(JfrProfiler.NAME).scope(Scope.THREAD).histogram().measureValue(() -> {
                    for (int i = 0; i < 10; i++) {
                        out.write(chunk);
                    }
                    return in.readNBytes(2 * 10 * chunk.length);
                }).report();
                assertThat(r.writeOps()).isEqualTo(10);
                assertThat(r.bytesWritten()).isEqualTo(10_000);
                assertThat(r.bytesRead()).isEqualTo(20_000);
                assertThat(r.readOps()).isPositive();
                var detail = r.detail().orElseThrow();
                assertThat(detail.byTarget()).containsOnlyKeys(TargetKind.SOCKET);
                assertThat(detail.topPaths()).extracting(PathStats::path).singleElement(
                        org.assertj.core.api.InstanceOfAssertFactories.STRING).endsWith(":" + server.getLocalPort());
            }
            echo.join();
            assertThat(error.get()).isNull();
        }
    }

    @Test
    void keepsAUsersOwnRecordingRunningAndComplete() throws IOException {
        Path file = dir.resolve("u.bin");
        Path userFile = dir.resolve("user.jfr");
        Workloads.writeStream(file);
        try (jdk.jfr.Recording user = new jdk.jfr.Recording()) {
            user.enable("jdk.FileWrite").withThreshold(java.time.Duration.ZERO).withoutStackTrace();
            user.start();
            Workloads.writeStream(file); // before the block: the user's recording has it, ours must not
            IopsReport r = Iops.with().profiler(JfrProfiler.NAME).scope(Scope.THREAD).measureValue(() -> {
                Workloads.writeStream(file);
                return null;
            }).report();
            assertThat(r.writeOps()).isEqualTo(Workloads.BLOCKS);
            assertThat(user.getState()).isEqualTo(jdk.jfr.RecordingState.RUNNING);
            Workloads.writeStream(file); // after the block
            user.stop();
            user.dump(userFile);
        }
        long writes;
        try (RecordingFile in = new RecordingFile(userFile)) {
            writes = 0;
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                if (e.getEventType().getName().equals("jdk.FileWrite") && file.toString().equals(e.getString("path"))) {
                    writes++;
                }
            }
        }
        assertThat(writes).as("the user's recording keeps every write: before, inside and after the block")
                .isEqualTo(3L * Workloads.BLOCKS);
    }

    @Test
    void leavesNoFileNorRecordingBehind() throws IOException {
        Path file = dir.resolve("l.bin");
        measure(Scope.THREAD, Workloads::writeStream, file);
        // also a recording that is abandoned (closed without stop) and one whose block throws
        try (var s = Iops.with().profiler(JfrProfiler.NAME).scope(Scope.PROCESS).start()) {
            Workloads.readStream(file);
        }
        try {
            Iops.with().profiler(JfrProfiler.NAME).measure(() -> {
                throw new IOException("boom");
            });
        } catch (IOException expected) {
            assertThat(expected).hasMessage("boom");
        }
        assertThat(ownFiles()).isEmpty();
        assertThat(FlightRecorder.getFlightRecorder().getRecordings())
                .noneMatch(rec -> rec.getName().startsWith("iops "));
    }

    @Test
    void abandonedRecordingIsClosedAndItsFileDeleted() {
        JfrProfiler p = new JfrProfiler();
        var recording = p.start(new dev.iops.spi.RecordingRequest(Scope.THREAD, Thread.currentThread(), true));
        assertThat(ownFiles()).hasSize(1);
        recording.close();
        recording.close(); // idempotent
        assertThat(ownFiles()).isEmpty();
        assertThat(FlightRecorder.getFlightRecorder().getRecordings())
                .noneMatch(rec -> rec.getName().startsWith("iops "));
    }

    @Test
    void keepsNoDescriptorOpenAfterManyBlocks() throws IOException {
        Path fds = Path.of("/proc/self/fd");
        assumeTrue(Files.isDirectory(fds), "needs /proc/self/fd to count descriptors");
        Path file = dir.resolve("d.bin");
        measure(Scope.THREAD, Workloads::writeStream, file);
        long before = count(fds);
        for (int i = 0; i < 20; i++) {
            measure(Scope.THREAD, Workloads::writeStream, file);
        }
        assertThat(count(fds)).isLessThanOrEqualTo(before);
    }

    @Test
    void neverCountsAnotherSessionReadingItsRecordingBack() throws Exception {
        Path file = dir.resolve("o.bin");
        Workloads.writeStream(file);
        Runnable inner = () -> {
            try {
                measure(Scope.THREAD, Workloads::readStream, file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
        inner.run();
        // Nested on the same thread: the inner session writes and reads its .jfr inside the outer window.
        IopsReport nested = Iops.with().profiler(JfrProfiler.NAME).scope(Scope.THREAD).measureValue(() -> {
            inner.run();
            return null;
        }).report();
        // Concurrent on another thread, seen by a process-wide outer session.
        IopsReport concurrent = Iops.with().profiler(JfrProfiler.NAME).scope(Scope.PROCESS).measureValue(() -> {
            Thread t = new Thread(inner, "iops-test-inner");
            t.start();
            t.join();
            return null;
        }).report();
        for (IopsReport r : List.of(nested, concurrent)) {
            assertThat(r.detail().orElseThrow().topPaths()).extracting(PathStats::path)
                    .noneMatch(p -> p.endsWith(".jfr"))
                    .contains(file.toString());
        }
        // The nested block did the workload twice (warm-up and measured). The JVM may also load a class inside the
        // window (a real read of a jar, rightly counted), so the exact truth is asserted on the workload's own path.
        PathStats workload = nested.detail().orElseThrow().topPaths().stream()
                .filter(p -> p.path().equals(file.toString())).findFirst().orElseThrow();
        assertThat(workload.totals().readOps()).as(nested.toText()).isEqualTo(2L * (Workloads.BLOCKS + 1));
        assertThat(workload.totals().bytesRead()).isEqualTo(2 * Workloads.TOTAL);
        assertThat(nested.writeOps()).as(nested.toText()).isZero();
    }

    @Test
    void processScopeOfAnEmptyBlockHasNothingOfTheLibrary() throws IOException {
        IopsReport r = measure(Scope.PROCESS, f -> { }, dir.resolve("none"));
        // Other threads of the JVM (the test runner) may do I/O meanwhile; none of it may be ours.
        assertThat(r.detail().orElseThrow().topPaths()).extracting(PathStats::path)
                .noneMatch(p -> p.endsWith(".jfr") || p.contains("iops-jfr-"));
    }

    @Test
    void doesNotSeeTransferToNorMemoryMappedWritesAsItsNotesSay() throws IOException {
        Path source = dir.resolve("s.bin");
        Path target = dir.resolve("t.bin");
        Workloads.writeStream(source);
        Workloads.IoWork copyAndMap = f -> {
            try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
                 FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.READ, StandardOpenOption.TRUNCATE_EXISTING)) {
                long done = 0;
                while (done < Workloads.TOTAL) {
                    done += in.transferTo(done, Workloads.TOTAL - done, out);
                }
                MappedByteBuffer map = out.map(FileChannel.MapMode.READ_WRITE, 0, Workloads.BLOCK);
                map.put(0, (byte) 1);
            }
        };
        IopsReport r = measure(Scope.THREAD, copyAndMap, target);
        assertThat(Files.size(target)).isEqualTo(Workloads.TOTAL); // the I/O did happen...
        assertThat(r.totalOps()).isZero(); // ...and jfr cannot see it
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).contains("transferTo", "memory-mapped"));
    }

    @Test
    void concurrentThreadSessionsEachCountTheirOwnThreadExactly() throws Exception {
        int threads = 2;
        List<AtomicReference<Object>> results = new java.util.ArrayList<>();
        List<Thread> workers = new java.util.ArrayList<>();
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(threads);
        for (int i = 0; i < threads; i++) {
            Path file = dir.resolve("c" + i + ".bin");
            AtomicReference<Object> result = new AtomicReference<>();
            results.add(result);
            workers.add(new Thread(() -> {
                try {
                    Workloads.writeStream(file);
                    IopsReport r = Iops.with().profiler(JfrProfiler.NAME).scope(Scope.THREAD).measureValue(() -> {
                        together.await(); // both windows open at once, both threads writing
                        Workloads.writeStream(file);
                        return null;
                    }).report();
                    result.set(r);
                } catch (Exception | AssertionError e) {
                    result.set(e);
                }
            }, "iops-test-session-" + i));
        }
        workers.forEach(Thread::start);
        for (Thread t : workers) {
            t.join();
        }
        for (AtomicReference<Object> result : results) {
            assertThat(result.get()).isInstanceOf(IopsReport.class);
            IopsReport r = (IopsReport) result.get();
            assertThat(r.writeOps()).isEqualTo(Workloads.BLOCKS);
            assertThat(r.bytesWritten()).isEqualTo(Workloads.TOTAL);
            assertThat(r.readOps()).isZero();
        }
    }

    private static List<Path> ownFiles() {
        try (Stream<Path> files = Files.list(OwnFiles.DIR)) {
            return files.filter(f -> f.getFileName().toString().startsWith(OwnFiles.PREFIX)).collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
