package dev.iops.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM killed outright (SIGKILL: no exit hook runs) leaves the library's files behind; the next JVM that touches
 * the library deletes them, and leaves JFR's own repository (JFR can rebuild a crashed recording from it).
 */
@Timeout(180)
class KilledJvmLeftoversTest {
    @TempDir
    Path tmp;

    private List<String> ours(long pid) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("iops-[a-z_]+-" + pid + "-.*"))
                    .toList();
        }
    }

    @Test
    void theNextJvmDeletesWhatAKilledOneLeft() throws Exception {
        List<String> left;
        long pid;
        try (ChildJvm held = ChildJvm.start(KilledWhileMeasuring.class, tmp, List.of("-Diops.warmup=false"), "hold")) {
            held.awaitOutput("ready", 60);
            pid = held.process().pid();
            left = ours(pid);
            assertThat(left).as("files of the open sessions").isNotEmpty();
            held.process().destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no exit hook runs
        }
        assertThat(ours(pid)).as("what SIGKILL leaves").containsExactlyInAnyOrderElementsOf(left);
        // perf, its child, exits by itself once the JVM it traced is gone
        assertThat(ChildJvm.run(KilledWhileMeasuring.class, tmp, List.of("-Diops.warmup=false"), "touch"))
                .contains("swept");
        assertThat(ours(pid)).as("left after the next JVM touched the library").isEmpty();
    }
}
