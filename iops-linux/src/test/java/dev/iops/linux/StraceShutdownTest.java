package dev.iops.linux;

import org.junit.jupiter.api.Test;
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
class StraceShutdownTest {
    @TempDir
    Path tmp;

    @Test
    void theShutdownHookKillsTheTracerAndDeletesItsFiles() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process jvm = new ProcessBuilder(java.toString(), "-Djava.io.tmpdir=" + tmp,
                "-cp", System.getProperty("java.class.path"), ExitWhileTracing.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).as("child JVM exited").isTrue();
        assertThat(jvm.exitValue()).as("child output: " + out).isZero();
        long stracePid = Long.parseLong(out.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(ProcessHandle.of(stracePid).map(ProcessHandle::isAlive)).as("strace pid " + stracePid)
                .isIn(Optional.empty(), Optional.of(false));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("iops-strace-"))).isEmpty();
        }
    }
}
