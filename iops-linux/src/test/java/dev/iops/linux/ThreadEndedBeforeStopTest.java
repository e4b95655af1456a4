package dev.iops.linux;

import dev.iops.Figure;
import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsSession;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * A {@link Scope#THREAD} session started on a thread that ended before {@code stop()} (issue 19, item 7): the block
 * the caller stops ran on another thread, so the figures (the ended thread's) would be a silent 0 under strace, perf,
 * tracepoints and jfr, and procfs failed naming {@code /proc/thread-self/io}. Every provider now ends it with one
 * {@link IncompleteReportException} that says what happened and what to do, carrying what the ended thread did.
 */
@Timeout(60)
class ThreadEndedBeforeStopTest {
    @TempDir
    Path dir;

    private void write(String name, int times) throws IOException {
        try (OutputStream out = new FileOutputStream(dir.resolve(name).toFile())) {
            for (int i = 0; i < times; i++) {
                out.write(new byte[64]);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"strace", "jfr", "procfs", "tracepoints", "perf", "procfs+jfr"})
    void aSessionWhoseThreadEndedBeforeStopSaysSo(String profiler) throws Exception {
        ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals(profiler)).findFirst().orElseThrow();
        assumeThat(info.usable()).as(profiler + ": " + info.reason()).isTrue();
        write("warm", 1);
        AtomicReference<IopsSession> started = new AtomicReference<>();
        Thread starter = new Thread(() -> {
            started.set(Iops.with().profiler(profiler).scope(Scope.THREAD).start());
            try {
                write("before-the-end", 3); // the starting thread's own I/O
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "starter");
        starter.start();
        starter.join();
        write("block", 10); // the block the caller meant, on this thread
        IopsSession session = started.get();
        IncompleteReportException e = catchThrowableOfType(IncompleteReportException.class, session::stop);
        assertThat(e).as(profiler).isNotNull();
        assertThat(e.getMessage()).isEqualTo("Scope.THREAD measures the thread that started the session, "
                + "'starter', and it ended before stop() (called on '" + Thread.currentThread().getName() + "'): the "
                + "figures stop where that thread ended and cover none of the work of any other thread. Start and "
                + "stop a Scope.THREAD session on the thread that runs the block (try-with-resources, or "
                + "Iops.measure), or measure Scope.PROCESS. The partial report is attached "
                + "(IncompleteReportException.partialReport()).");
        assertThat(e.partialReport().notes()).anyMatch(n -> n.startsWith("PARTIAL: the thread it measured, "
                + "'starter', ended before stop()"));
        if (profiler.startsWith("procfs")) {
            assertThat(e.partialReport().isMeasured(Figure.WRITE_OPS)).as("a thread's counters end with it").isFalse();
        } else if (e.partialReport().isMeasured(Figure.WRITE_OPS)) {
            assertThat(e.partialReport().writeOps()).as("what the ended thread did").isEqualTo(3);
        }
        session.close(); // quietly: the failure was thrown once
        assertThat(catchThrowableOfType(IncompleteReportException.class, session::report)).isSameAs(e);
    }
}
