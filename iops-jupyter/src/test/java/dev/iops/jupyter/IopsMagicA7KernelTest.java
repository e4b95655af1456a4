package dev.iops.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.iops.jupyter.JupyterClientRun.Cell;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static dev.iops.jupyter.IopsMagicKernelTest.BLOCK;
import static dev.iops.jupyter.IopsMagicKernelTest.BLOCKS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same magic in {@link TestKernel} emulating JJava 1.0-a7 ({@code -Diops.test.jjava=a7}): nested snippets run
 * on the magic's thread and the kernel offers the telemetry hook, so {@code %%iops} measures each statement's
 * invocation and keeps JShell's compilation out. Driven through jupyter_client like {@link IopsMagicKernelTest}.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class IopsMagicA7KernelTest {
    @TempDir
    static Path work;
    private static List<Cell> cells;

    @BeforeAll
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    static void runCells() throws Exception {
        Optional<String> why = JupyterClientRun.unavailable();
        Assumptions.assumeTrue(why.isEmpty(), () -> "skipped: " + why.orElseThrow());
        String perOp = IopsMagicKernelTest.onPath("strace") ? "strace" : "jfr";
        cells = JupyterClientRun.run(List.of(
                IopsMagicKernelTest.WRITE_BLOCKS,
                // three statements, so three invocations added up
                "%%iops --thread --profiler procfs --json\n"
                        + "int n = " + BLOCKS + ";\n"
                        + "writeBlocks(\"" + file("thread") + "\", n);\n"
                        + "done",
                "%%iops --histogram --thread --profiler " + perOp + " --json\n"
                        + "int half = " + BLOCKS / 2 + ";\n"
                        + "writeBlocks(\"" + file("histogram") + "\", 2 * half);",
                "%%iops --profiler procfs --json\n"
                        + "void nothing() { }",
                "%%iops --thread --profiler procfs --json\n"
                        + "writeBlocks(\"" + file("throwing") + "\", 10);\n"
                        + "if (true) throw new IllegalStateException(\"boom after 10 writes\");"),
                Duration.ofMinutes(4), List.of("-Djava.awt.headless=true", "-D" + TestKernel.VERSION_PROPERTY + "=a7"));
        assertThat(cells.get(0).ok()).as("setup cell: %s", cells.get(0)).isTrue();
    }

    @Test
    void telemetryCountsExactlyTheStatementsInvocationsAddedUp() throws Exception {
        Cell c = cells.get(1);
        assertThat(c.ok()).as("%s", c).isTrue();
        JsonNode r = c.jsonReport();
        assertThat(r.path("scope").asText()).isEqualTo("THREAD");
        assertThat(r.path("writeOps").asLong()).isEqualTo(BLOCKS);
        assertThat(r.path("bytesWritten").asLong()).isEqualTo((long) BLOCKS * BLOCK);
        assertThat(r.path("notes").toString()).contains(IopsMagic.TELEMETRY_THREAD_NOTE)
                .doesNotContain("UNDERCOUNT").doesNotContain("JShell compiled the cell on another thread");
        assertThat(c.displays().get(c.displays().size() - 1).path("text/plain").asText()).isEqualTo("done-42");
    }

    @Test
    void histogramsOfTheInvocationsAreMergedAndCharted() throws Exception {
        Cell c = cells.get(2);
        assertThat(c.ok()).as("%s", c).isTrue();
        JsonNode r = c.jsonReport();
        long writesOf4KiB = 0;
        for (JsonNode b : r.path("histogram").path("buckets")) {
            if (b.path("minBytes").asLong() == 4096) {
                writesOf4KiB = b.path("writeOps").asLong();
            }
        }
        assertThat(writesOf4KiB).isEqualTo(BLOCKS);
        assertThat(r.path("writeOps").asLong()).isEqualTo(BLOCKS);

        assertThat(c.displays().stream().filter(d -> d.has(ReportDisplay.PNG)).count()).isEqualTo(2);
    }

    @Test
    void cellOfDeclarationsOnlySaysItRanNothing() throws Exception {
        Cell c = cells.get(3);
        assertThat(c.ok()).as("%s", c).isTrue();
        JsonNode r = c.jsonReport();
        assertThat(r.path("scope").asText()).isEqualTo("PROCESS");
        assertThat(r.path("notes").toString()).contains(IopsMagic.NOTHING_INVOKED_NOTE)
                .contains(IopsMagic.TELEMETRY_PROCESS_NOTE);
    }

    @Test
    void throwingCellShowsOneWindowsReportThenTheUsersExceptionOnce() throws Exception {
        Cell c = cells.get(4);
        assertThat(c.ok()).isFalse();
        assertThat(c.jsonReport().path("writeOps").asLong()).isEqualTo(10);
        assertThat(c.types().get(c.types().size() - 1)).isEqualTo("error");
        assertThat(c.reply().path("evalue").asText()).endsWith("java.lang.IllegalStateException: boom after 10 writes")
                .doesNotContain("RuntimeException: java.lang.IllegalStateException");
    }

    private static String file(String name) {
        return work.resolve(name + ".bin").toString();
    }
}
