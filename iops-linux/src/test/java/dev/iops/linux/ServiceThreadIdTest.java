package dev.iops.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** strace's PROCESS scope tells the JVM's service threads apart by thread id, on this JVM's real threads. */
@EnabledOnOs(OS.LINUX)
class ServiceThreadIdTest {
    @Test
    void aCompilerThreadIsAServiceThreadAndTheCallerIsNot() throws IOException {
        long compiler = -1;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String comm = Files.readString(t.resolve("comm"), StandardCharsets.US_ASCII);
                if (comm.startsWith("C2 CompilerThre") || comm.startsWith("C1 CompilerThre")) {
                    compiler = Long.parseLong(t.getFileName().toString());
                }
            }
        }
        assertThat(compiler).as("a JIT compiler thread in /proc/self/task").isPositive();
        long me = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        ServiceThreads service = new ServiceThreads();
        assertThat(service.isServiceTid(compiler)).isTrue();
        assertThat(service.isServiceTid(me)).isFalse();
        assertThat(service.isServiceTid(4_000_000_001L)).as("no such thread").isFalse();
    }

    @Test
    void namesTheRuntimesThreadsAndNotTheUsers() {
        // kernel names as /proc/<pid>/task/<tid>/comm holds them (15 characters, newline)
        for (String runtime : new String[]{"C1 CompilerThre\n", "C2 CompilerThre\n", "VM Thread\n", "G1 Conc#0\n",
                "GC Thread#1\n", "JFR Recorder Th\n", "JFR Periodic Ta\n", "process reaper\n"}) {
            assertThat(ServiceThreads.isService(runtime)).as(runtime.strip()).isTrue();
        }
        for (String user : new String[]{"main\n", "java\n", "pool-1-thread-1\n", "JFRish-worker\n", "Common-Cleaner\n"}) {
            assertThat(ServiceThreads.isService(user)).as(user.strip()).isFalse();
        }
    }
}
