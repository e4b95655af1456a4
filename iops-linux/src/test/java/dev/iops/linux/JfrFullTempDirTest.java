package dev.iops.linux;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * jfr with a full temp directory (issue 19, item 2): Flight Recorder shuts the whole JVM down when it cannot write
 * ({@code [jfr,system] An irrecoverable error in Jfr. Shutting down VM...}, exit 1), so jfr must refuse to record,
 * saying why and what to do, and the JVM must live. Run in a child JVM on every JDK installed under
 * {@code /usr/lib/jvm} (17 and 25 on the project's VM) and this test's own.
 *
 * <p><b>How the full disk is simulated.</b> Not by filling a file system (this machine's {@code /}, {@code /tmp} and
 * {@code /dev/shm} are shared or huge) nor by mounting a small one (the library never mounts; its tests do not
 * either). The child JVM runs with {@code LD_PRELOAD} of {@code fullfs.so}, built here from
 * {@code src/test/resources/fullfs/fullfs.c}: while a flag file exists, every write to a file under the child's
 * {@code java.io.tmpdir} fails with {@code ENOSPC} and {@code statvfs} there reports no free block, which is what a
 * full tmpfs does. Both are libc calls, so Flight Recorder's native chunk writer meets the full disk exactly as it
 * would on a real one (the same log line and exit 1 as in the issue, on JDK 17 and 25), and
 * {@code FileStore.getUsableSpace} sees it too. A code seam could not do this: the JVM is killed in the JDK's native
 * code, not in the library's. Needs a C compiler ({@code cc}); skipped without one.
 */
@Timeout(240)
class JfrFullTempDirTest {
    @TempDir
    Path full;
    @TempDir
    Path work;

    static Stream<Path> javaHomes() throws IOException {
        Set<Path> homes = new LinkedHashSet<>();
        homes.add(Path.of(System.getProperty("java.home")).toRealPath());
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (Stream<Path> s = Files.list(jvms)) {
                for (Path p : s.sorted().toList()) {
                    if (Files.isExecutable(p.resolve("bin/java")) && Files.isRegularFile(p.resolve("release"))) {
                        homes.add(p.toRealPath());
                    }
                }
            }
        }
        return homes.stream();
    }

    /** Builds the preload library into {@code work}; skips the test without a C compiler. */
    private Path fullfs() throws Exception {
        Path cc = StraceProfiler.findOnPath("cc");
        assumeThat(cc).as("a C compiler to build fullfs.so").isNotNull();
        Path source = work.resolve("fullfs.c");
        try (InputStream in = JfrFullTempDirTest.class.getResourceAsStream("/fullfs/fullfs.c")) {
            Files.copy(in, source);
        }
        Path lib = work.resolve("fullfs.so");
        Process p = new ProcessBuilder(cc.toString(), "-shared", "-fPIC", "-O2", "-o", lib.toString(),
                source.toString(), "-ldl").redirectErrorStream(true).redirectOutput(work.resolve("cc.log").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(work.resolve("cc.log"))).isZero();
        return lib;
    }

    private List<String> run(Path javaHome, Path lib, String... options) throws Exception {
        return run(javaHome, lib, full.toRealPath(), options);
    }

    private List<String> run(Path javaHome, Path lib, Path tmpdir, String... options) throws Exception {
        Path flag = work.resolve("disk-is-full");
        Files.writeString(flag, "");
        Path blocks = Files.createDirectory(work.resolve("blocks"));
        Map<String, String> env = Map.of("LD_PRELOAD", lib.toString(), "IOPS_FULL_DIR", full.toRealPath().toString(),
                "IOPS_FULL_FLAG", flag.toString());
        List<String> opts = new ArrayList<>(List.of(options));
        return ChildJvm.run(javaHome, env, JfrOnAFullTempDir.class, tmpdir, opts, blocks.toString());
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aFullTempDirMakesJfrRefuseWithoutKillingTheJvm(Path javaHome) throws Exception {
        List<String> out = run(javaHome, fullfs());
        assertThat(out).as("the child JVM's output").last().isEqualTo("ALIVE");
        assertThat(out).as("Flight Recorder's own log").noneMatch(l -> l.startsWith("[") && l.contains("[jfr,system]"));
        assertThat(out.get(0)).as("jfr named, the disk full")
                .startsWith("FAILED ")
                .contains("jfr will not record: only 0 B free in " + full.toRealPath() + " (java.io.tmpdir: ")
                .contains("Flight Recorder shuts the whole JVM down when it cannot write")
                .contains("Free space there, or move the recordings to a file system with room (-Djava.io.tmpdir=DIR)");
        assertThat(out.get(1)).as("a histogram, the provider chosen: not jfr").startsWith("EXACT ")
                .doesNotContain("EXACT jfr ");
        assertThat(out.get(2)).as("jfr named, the disk freed").isEqualTo("EXACT jfr 100");
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void aFullRepositoryElsewhereMakesJfrRefuseNamingIt(Path javaHome) throws Exception {
        // the repository in the full directory, java.io.tmpdir too: the message names the option that moves it
        Path repository = Files.createDirectory(full.resolve("repository"));
        List<String> out = run(javaHome, fullfs(), "-XX:FlightRecorderOptions:repository=" + repository);
        assertThat(out).last().isEqualTo("ALIVE");
        assertThat(out.get(0)).startsWith("FAILED ")
                .contains("0 B free in " + repository + " (Flight Recorder's repository");
        assertThat(out.get(2)).isEqualTo("EXACT jfr 100");
    }

    @ParameterizedTest
    @MethodSource("javaHomes")
    void theAdviceWorks(Path javaHome) throws Exception {
        // the same full directory, with the recordings moved off it as the message says
        Path tmpdir = Files.createDirectory(work.resolve("tmpdir"));
        Path repository = Files.createDirectory(work.resolve("repository"));
        List<String> out = run(javaHome, fullfs(), tmpdir, "-XX:FlightRecorderOptions:repository=" + repository);
        assertThat(out).containsExactly("EXACT jfr 100", out.get(1), "EXACT jfr 100", "ALIVE");
    }
}
