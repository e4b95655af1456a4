package dev.iops.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
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

    private Process jvm(String mode, Path out) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        return new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp, "-Diops.warmup=false",
                "-cp", System.getProperty("java.class.path"), KilledWhileMeasuring.class.getName(), mode)
                .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    }

    private List<String> ours(long pid) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("iops-[a-z_]+-" + pid + "-.*"))
                    .toList();
        }
    }

    @Test
    void theNextJvmDeletesWhatAKilledOneLeft() throws Exception {
        Path out = Files.createTempFile("killed-jvm", ".out"); // not in tmp: the test lists that directory
        try {
            Process held = jvm("hold", out);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(out, StandardCharsets.US_ASCII).contains("ready") && held.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(out, StandardCharsets.US_ASCII)).as("the held JVM opened its sessions")
                    .contains("ready");
            List<String> left = ours(held.pid());
            assertThat(left).as("files of the open sessions").isNotEmpty();
            held.destroyForcibly().waitFor(30, TimeUnit.SECONDS); // SIGKILL: no exit hook runs
            assertThat(ours(held.pid())).as("what SIGKILL leaves").containsExactlyInAnyOrderElementsOf(left);
            // perf, its child, dies on its own: its JVM is gone and with it the events it traced
            Process next = jvm("touch", out);
            assertThat(next.waitFor(60, TimeUnit.SECONDS)).as("the next JVM exited").isTrue();
            assertThat(Files.readString(out, StandardCharsets.US_ASCII)).contains("swept");
            assertThat(ours(held.pid())).as("left after the next JVM touched the library").isEmpty();
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
