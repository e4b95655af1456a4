package dev.iops.jvm;

import dev.iops.Iops;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A JVM that exits while the background warm-up is making jfr's first recording (a short program that only touched
 * the library) leaves no recording file behind.
 */
class ExitDuringWarmUpTest {
    /**
     * The child: touches the library, so the warm-up starts, waits until the warm-up's recording file exists, and
     * exits while it is being made.
     *
     * @param args ignored
     * @throws InterruptedException never here
     */
    public static void main(String[] args) throws InterruptedException {
        Iops.profilers();
        String prefix = "iops-jfr-" + ProcessHandle.current().pid() + "-";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String[] mine = new File(OwnFiles.DIR.toString()).list((d, name) -> name.startsWith(prefix));
            if (mine != null && mine.length > 0) {
                System.out.println("exiting with " + mine.length + " recording file(s) open");
                return;
            }
            Thread.sleep(1);
        }
        System.out.println("the warm-up made no recording file in 30 s");
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void leavesNoRecordingFileBehind() throws Exception {
        String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int i = 0; i < 5; i++) { // the exit races the warm-up: several tries
            Process p = new ProcessBuilder(javaExe, "-Diops.profiler=jfr", "-cp", System.getProperty("java.class.path"),
                    ExitDuringWarmUpTest.class.getName()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the child exits").isTrue();
            assertThat(out).as("the child's output").contains("exiting with ");
            String prefix = "iops-jfr-" + p.pid() + "-";
            String[] left = new File(OwnFiles.DIR.toString()).list((d, name) -> name.startsWith(prefix));
            assertThat(left).as("files of pid %d", p.pid()).isEmpty();
        }
    }
}
