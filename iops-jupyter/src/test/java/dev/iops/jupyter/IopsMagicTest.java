package dev.iops.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.iops.IncompleteReportException;
import dev.iops.NoProfilerException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The magic's behaviour on and off the happy path, in process: {@link FakeKernel} runs each evaluation on a thread
 * the test picks, and procfs ({@code --thread}) counts that thread exactly.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IopsMagicTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;
    private ExecutorService evaluator;
    private ExecutorService other;
    private FakeKernel kernel;
    private final AtomicInteger bodyRuns = new AtomicInteger();

    @BeforeEach
    void setUp() {
        evaluator = Executors.newSingleThreadExecutor(r -> new Thread(r, "evaluator"));
        other = Executors.newSingleThreadExecutor(r -> new Thread(r, "other-evaluator"));
        kernel = new FakeKernel(evaluator);
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        evaluator.shutdownNow();
        other.shutdownNow();
        assertThat(evaluator.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(other.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private void bind(String name, int blocks, Object value) {
        kernel.code.put(name, () -> {
            bodyRuns.incrementAndGet();
            write(dir.resolve(name + ".bin"), blocks);
            return value;
        });
    }

    private static void write(Path file, int blocks) throws IOException {
        try (FileOutputStream o = new FileOutputStream(file.toFile())) {
            byte[] b = new byte[BLOCK];
            for (int i = 0; i < blocks; i++) {
                o.write(b);
            }
        }
    }

    private JsonNode json() throws Exception {
        for (String t : kernel.texts()) {
            if (t.startsWith("{")) {
                return JSON.readTree(t);
            }
        }
        throw new AssertionError("no JSON among " + kernel.texts());
    }

    @Test
    void threadWindowCountsTheEvaluatingThreadExactly() throws Exception {
        bind("body", 50, null);
        assertThat(kernel.cell("body", "--thread", "--profiler", "procfs", "--json")).isNull();
        JsonNode r = json();
        assertThat(r.path("writeOps").asLong()).isEqualTo(50);
        assertThat(r.path("bytesWritten").asLong()).isEqualTo(50L * BLOCK);
        assertThat(r.path("notes").toString()).contains(IopsMagic.THREAD_NOTE).doesNotContain("UNDERCOUNT");
    }

    @Test
    void saysUndercountWhenTheKernelClosesTheWindowOnAnotherThread() throws Exception {
        bind("body", 20, null);
        kernel.next.add(evaluator); // open
        kernel.next.add(other);     // the body
        kernel.next.add(other);     // close
        kernel.cell("body", "--thread", "--profiler", "procfs", "--json");
        JsonNode r = json();
        assertThat(r.path("writeOps").asLong()).isZero(); // the window's thread did none of it
        assertThat(r.path("notes").toString()).contains("UNDERCOUNT: the kernel ran the cell on more than one "
                + "thread ('evaluator' then 'other-evaluator'); --thread counted only the first.");
    }

    @Test
    void saysCompileReadsAreCountedWhenTheKernelEvaluatesOnTheMagicsThread() throws Exception {
        FakeKernel sameThread = new FakeKernel(Runnable::run); // as JJava a7+ runs nested evaluations
        sameThread.code.put("body", () -> {
            write(dir.resolve("same.bin"), 5);
            return null;
        });
        sameThread.cell("body", "--thread", "--profiler", "procfs");
        assertThat(sameThread.texts().get(0)).contains(IopsMagic.THREAD_COMPILE_NOTE);
    }

    @Test
    void failingBodyShowsTheReportOfWhatRanThenRethrowsTheSameException() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        kernel.code.put("body", () -> {
            write(dir.resolve("partial.bin"), 7);
            throw boom;
        });
        assertThatThrownBy(() -> kernel.cell("body", "--thread", "--profiler", "procfs", "--json")).isSameAs(boom);
        assertThat(json().path("writeOps").asLong()).isEqualTo(7);
    }

    @Test
    void failingBodyInProcessScopeAlsoShowsTheReportFirst() throws Exception {
        Error oom = new OutOfMemoryError("test");
        kernel.code.put("body", () -> {
            throw oom;
        });
        assertThatThrownBy(() -> kernel.cell("body", "--profiler", "procfs")).isSameAs(oom);
        assertThat(kernel.texts()).hasSize(1);
        assertThat(kernel.texts().get(0)).contains("profiler procfs, scope PROCESS").contains(IopsMagic.PROCESS_NOTE);
    }

    @Test
    void profilerThatCannotStartFailsWithItsOwnExceptionBeforeTheBodyRuns() {
        bind("body", 1, null);
        assertThatThrownBy(() -> kernel.cell("body", "--thread", "--profiler", "nosuch"))
                .isInstanceOf(NoProfilerException.class).hasMessageContaining("nosuch");
        assertThatThrownBy(() -> kernel.cell("body", "--profiler", "nosuch"))
                .isInstanceOf(NoProfilerException.class);
        assertThat(bodyRuns).hasValue(0);
        assertThat(kernel.shown).isEmpty();
    }

    @Test
    void profilerDyingDuringTheCellShowsThePartialReportThenSaysSo() {
        bind("body", 3, "value");
        for (String[] args : new String[][] {{"--profiler", DyingProfiler.NAME}, {"--thread", "--profiler",
                DyingProfiler.NAME}}) {
            kernel.shown.clear();
            assertThatThrownBy(() -> kernel.cell("body", args)).isInstanceOf(IncompleteReportException.class)
                    .hasMessageContaining(DyingProfiler.WHY);
            assertThat(kernel.texts()).hasSize(1); // the partial report, not the value of a cell we cannot vouch for
            assertThat(kernel.texts().get(0)).contains("PARTIAL: dying failed during the measured block");
        }
        assertThat(bodyRuns).hasValue(2);
    }

    @Test
    void theCellsValueIsDisplayedAfterTheReport() throws Exception {
        bind("body", 1, "the value");
        kernel.cell("body", "--profiler", "procfs");
        assertThat(kernel.texts()).hasSize(2);
        assertThat(kernel.texts().get(0)).startsWith("iops report: profiler procfs");
        assertThat(kernel.texts().get(1)).isEqualTo("the value");
    }

    @Test
    void helpShowsTheUsageAndRunsNothing() throws Exception {
        bind("body", 1, null);
        kernel.cell("body", "--help");
        assertThat(kernel.texts()).containsExactly(MagicOptions.USAGE);
        assertThat(bodyRuns).hasValue(0);
    }

    @Test
    void lineMagicRunsTheStatementItWasGiven() throws Exception {
        bind("w(3)", 3, null);
        kernel.getMagicsRegistry().evalLineMagic(kernel, IopsExtension.MAGIC,
                java.util.List.of("--thread", "--profiler", "procfs", "--json", "w(3)"));
        assertThat(json().path("writeOps").asLong()).isEqualTo(3);
    }

    @Test
    void windowMagicTypedByHandIsRefused() {
        assertThatThrownBy(() -> kernel.getMagicsRegistry().evalLineMagic(kernel, IopsMagic.WINDOW_MAGIC,
                java.util.List.of("open", "made-up"))).hasMessage("%iops-window: no open %%iops --thread window made-up");
        assertThatThrownBy(() -> kernel.getMagicsRegistry().evalLineMagic(kernel, IopsMagic.WINDOW_MAGIC,
                java.util.List.of())).hasMessage("%iops-window is internal to %%iops --thread");
    }
}
