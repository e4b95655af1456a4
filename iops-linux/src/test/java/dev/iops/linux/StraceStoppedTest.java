package dev.iops.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stopped strace freezes the JVM it traces (issue 19, item 8): what docs/profilers/strace.md tells a user to do,
 * done to a child JVM measuring a block. {@code kill -STOP} on strace freezes the block, {@code kill -TERM} does
 * not help, {@code kill -CONT} lets it go on exact; {@code kill -KILL} frees the JVM at once and the session ends with
 * an {@code IncompleteReportException}. The JVM under test is a child: this one must not be the one frozen.
 */
@EnabledIf("dev.iops.linux.StraceAcceptanceTest#usable")
@Timeout(120)
class StraceStoppedTest {
    @TempDir
    Path tmp;

    private static long size(Path file) throws IOException {
        return Files.size(file);
    }

    /** @return true if the file grew within 300 ms */
    private static boolean grows(Path file) throws Exception {
        long before = size(file);
        Thread.sleep(300);
        return size(file) > before;
    }

    private static void signal(String signal, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        assertThat(kill.waitFor()).as("kill -" + signal + " " + pid).isZero();
    }

    private ChildJvm started(Path stop) throws Exception {
        ChildJvm jvm = ChildJvm.start(WhileStraceIsStopped.class, tmp, List.of("-Diops.warmup=false"),
                stop.toString());
        jvm.awaitOutput("strace ", 60);
        return jvm;
    }

    @Test
    void aStoppedStraceFreezesTheBlockUntilContinued() throws Exception {
        Path stop = tmp.resolve("stop");
        try (ChildJvm jvm = started(stop)) {
            String[] line = jvm.output().get(0).split(" ");
            long strace = Long.parseLong(line[1]);
            Path block = Path.of(line[2]);
            assertThat(grows(block)).as("the block runs").isTrue();
            signal("STOP", strace);
            Thread.sleep(100);
            assertThat(grows(block)).as("frozen while strace is stopped").isFalse();
            signal("TERM", strace);
            assertThat(grows(block)).as("still frozen: a stopped process does not act on TERM").isFalse();
            signal("CONT", strace); // it now acts on TERM too: detaches, and the session says so
            Files.writeString(stop, "");
            jvm.awaitExit(60);
            assertThat(jvm.output().get(1)).startsWith("FAILED Profiler 'strace' failed during the measured block: "
                    + "strace (pid " + strace + ") stopped tracing during the measured block");
        }
    }

    @Test
    void continuingAStoppedStraceGivesAnExactReport() throws Exception {
        Path stop = tmp.resolve("stop");
        try (ChildJvm jvm = started(stop)) {
            String[] line = jvm.output().get(0).split(" ");
            long strace = Long.parseLong(line[1]);
            Path block = Path.of(line[2]);
            signal("STOP", strace);
            Thread.sleep(100);
            assertThat(grows(block)).as("frozen while strace is stopped").isFalse();
            signal("CONT", strace);
            assertThat(grows(block)).as("running again").isTrue();
            Files.writeString(stop, "");
            jvm.awaitExit(60);
            assertThat(jvm.output().get(1)).startsWith("EXACT ");
        }
    }

    @Test
    void killingAStoppedStraceFreesTheJvmAtOnceAndTheSessionSaysSo() throws Exception {
        Path stop = tmp.resolve("stop");
        try (ChildJvm jvm = started(stop)) {
            String[] line = jvm.output().get(0).split(" ");
            long strace = Long.parseLong(line[1]);
            Path block = Path.of(line[2]);
            signal("STOP", strace);
            Thread.sleep(100);
            assertThat(grows(block)).as("frozen while strace is stopped").isFalse();
            signal("KILL", strace);
            assertThat(grows(block)).as("running again").isTrue();
            Files.writeString(stop, "");
            jvm.awaitExit(60);
            assertThat(jvm.output().get(1)).startsWith("FAILED Profiler 'strace' failed during the measured block: "
                    + "strace (pid " + strace + ") stopped tracing during the measured block (exit code 137");
        }
    }
}
