package dev.iops.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM that exits while a session is open leaves no strace process and no temp file behind. */
@EnabledIf("dev.iops.linux.StraceAcceptanceTest#usable")
@Timeout(120)
class StraceShutdownTest {
    @TempDir
    Path tmp;

    @Test
    void theShutdownHookKillsTheTracerAndDeletesItsFiles() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path output = Files.createTempFile("child-jvm", ".out"); // not in tmp: the test lists that directory
        try {
            Process jvm = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp,
                    "-cp", System.getProperty("java.class.path"), ExitWhileTracing.class.getName())
                    .redirectOutput(output.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            boolean exited = jvm.waitFor(60, TimeUnit.SECONDS); // a file, not a pipe: the wait is bounded
            if (!exited) {
                jvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            assertThat(exited).as("child JVM exited").isTrue();
            check(jvm, Files.readString(output, StandardCharsets.US_ASCII).trim());
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private void check(Process jvm, String out) throws Exception {
        assertThat(jvm.exitValue()).as("child output: " + out).isZero();
        long stracePid = Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(ProcessHandle.of(stracePid).map(ProcessHandle::isAlive)).as("strace pid " + stracePid)
                .isIn(Optional.empty(), Optional.of(false));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("iops-strace-"))).isEmpty();
        }
    }
}
