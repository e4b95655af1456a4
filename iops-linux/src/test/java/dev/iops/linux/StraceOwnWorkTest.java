package dev.iops.linux;

import dev.iops.tracer.TraceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.SynchronousQueue;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a strace window starts reading the shared trace: where it is now, or earlier, where a stretch of own work
 * still running on another thread began (its begin mark is there, and its thread's calls after it are the
 * library's). The trace is a file this test appends to.
 */
class StraceOwnWorkTest {
    @TempDir
    Path dir;

    private static void append(Path file, int bytes) throws Exception {
        Files.write(file, new byte[bytes], StandardOpenOption.APPEND);
    }

    @Test
    void aWindowReadsFromTheBeginOfAnotherThreadsStretchStillRunning() throws Exception {
        Path file = Files.write(dir.resolve("trace"), new byte[100]);
        try (TraceFile trace = TraceFile.open(file)) {
            StraceOwnWork marks = new StraceOwnWork(trace);
            assertThat(marks.readFrom()).as("no stretch: where the trace is").isEqualTo(100);
            SynchronousQueue<String> toOther = new SynchronousQueue<>();
            SynchronousQueue<String> fromOther = new SynchronousQueue<>();
            CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
                try {
                    marks.begin();
                    fromOther.put("begun");
                    toOther.take();
                    marks.end();
                    fromOther.put("ended");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            fromOther.take();
            append(file, 50); // the begin mark's line and more
            assertThat(marks.readFrom()).as("a stretch still running began at 100").isEqualTo(100);
            marks.begin(); // this thread's own stretch, nested in nothing
            append(file, 10);
            marks.end();
            assertThat(marks.readFrom()).as("this thread's stretch ended: still the other's").isEqualTo(100);
            toOther.put("end");
            fromOther.take();
            other.get();
            assertThat(marks.readFrom()).as("every stretch ended before now").isEqualTo(160);
        }
    }
}
