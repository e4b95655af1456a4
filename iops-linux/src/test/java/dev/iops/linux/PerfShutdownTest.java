package dev.iops.linux;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM that exits with perf still running (an idle recorder kept by {@code iops.perf.linger}, or a session never
 * stopped) leaves no perf process and no directory behind.
 */
@EnabledIf("dev.iops.linux.PerfAcceptanceTest#usable")
@Timeout(120)
class PerfShutdownTest {
    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"linger", "open"})
    void exitKillsPerfAndDeletesItsDirectory(String how) throws Exception {
        List<String> out = ChildJvm.run(ExitWhilePerfRuns.class, tmp, List.of(), how);
        long perfPid = Long.parseLong(out.get(out.size() - 1).trim());
        // perf is killed by the JVM's exit hook; give the kernel a moment to finish reaping it (bounded
        // generously: whoever reaps the orphan may run late on a loaded machine; the wait ends when it is gone)
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (ProcessHandle.of(perfPid).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(ProcessHandle.of(perfPid).map(ProcessHandle::isAlive)).as("perf pid " + perfPid)
                .isIn(Optional.empty(), Optional.of(false));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("left in the temp directory").isEmpty();
        }
    }
}
