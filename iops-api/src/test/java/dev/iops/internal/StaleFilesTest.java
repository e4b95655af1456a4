package dev.iops.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** What a killed JVM left of the library is deleted; everything else stays. */
class StaleFilesTest {
    @TempDir
    Path tmp;

    @Test
    void deletesOnlyTheLibrarysEntriesOfDeadJvms() throws IOException {
        long self = ProcessHandle.current().pid();
        Files.createFile(tmp.resolve("iops-jfr-111-3.jfr"));                  // dead JVM's recording
        Path perfDir = Files.createDirectory(tmp.resolve("iops-perf-111-1"));   // dead JVM's perf directory
        Files.createFile(perfDir.resolve("io.data"));
        Files.createFile(perfDir.resolve("record.log"));
        Files.createFile(tmp.resolve("iops-strace-111-111-2.trace"));
        Files.createFile(tmp.resolve("iops-jfr-222-1.jfr"));                  // a live JVM's
        Files.createFile(tmp.resolve("iops-jfr-" + self + "-9.jfr"));          // this JVM's
        Files.createDirectory(tmp.resolve("iops-jfr-bench-1234"));            // not a pid: not ours to judge
        Files.createDirectory(tmp.resolve("2026_12_01_20_45_17_111"));        // JFR's repository of the dead JVM
        Files.createFile(tmp.resolve("user-111-file.bin"));

        int deleted = StaleFiles.sweep(tmp, pid -> pid == 222);

        assertThat(deleted).isEqualTo(3);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("iops-jfr-222-1.jfr",
                    "iops-jfr-" + self + "-9.jfr", "iops-jfr-bench-1234", "2026_12_01_20_45_17_111", "user-111-file.bin");
        }
    }

    @Test
    void aDirectoryThatCannotBeListedIsNotAnError() {
        assertThat(StaleFiles.sweep(tmp.resolve("missing"), pid -> false)).isZero();
    }
}
