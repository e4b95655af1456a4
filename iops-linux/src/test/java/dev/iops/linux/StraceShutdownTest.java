package dev.iops.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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
        List<String> out = ChildJvm.run(ExitWhileTracing.class, tmp, List.of());
        long stracePid = Long.parseLong(out.get(out.size() - 1).trim());
        assertThat(ProcessHandle.of(stracePid).map(ProcessHandle::isAlive)).as("strace pid " + stracePid)
                .isIn(Optional.empty(), Optional.of(false));
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files.filter(p -> p.getFileName().toString().startsWith("iops-strace-"))).isEmpty();
        }
    }
}
