package dev.iops.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A fresh JVM on this test's class path, running one test main: for what only a new JVM shows (its first session,
 * its exit, its death). Its standard output and error go to files outside the temp directory it is given (tests
 * list that directory), read back by {@link #output()} and {@link #errors()}; every wait is bounded. Not
 * thread-safe.
 */
final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private ChildJvm(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * @param main    the class whose {@code main} runs
     * @param tmpdir  its {@code java.io.tmpdir}, or {@code null} for this JVM's
     * @param options JVM options ({@code -D...}) before the class
     * @param args    its arguments
     * @return the running JVM
     */
    static ChildJvm start(Class<?> main, Path tmpdir, List<String> options, String... args) throws IOException {
        return start(Path.of(System.getProperty("java.home")), java.util.Map.of(), main, tmpdir, options, args);
    }

    /**
     * @param javaHome the Java runtime to run, such as another JDK than this test's
     * @param env      environment variables to add
     * @param main     the class whose {@code main} runs
     * @param tmpdir   its {@code java.io.tmpdir}, or {@code null} for this JVM's
     * @param options  JVM options ({@code -D...}) before the class
     * @param args     its arguments
     * @return the running JVM
     */
    static ChildJvm start(Path javaHome, java.util.Map<String, String> env, Class<?> main, Path tmpdir,
                          List<String> options, String... args) throws IOException {
        Path out = Files.createTempFile("child-jvm", ".out");
        Path err = Files.createTempFile("child-jvm", ".err");
        List<String> cmd = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("java").toString()));
        if (tmpdir != null) {
            cmd.add("-Djava.io.tmpdir=" + tmpdir);
        }
        cmd.addAll(options);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        return new ChildJvm(p, out, err);
    }

    /**
     * Runs one to its end and checks that it exited with 0.
     *
     * @return its output lines
     */
    static List<String> run(Class<?> main, Path tmpdir, List<String> options, String... args) throws Exception {
        return run(Path.of(System.getProperty("java.home")), java.util.Map.of(), main, tmpdir, options, args);
    }

    /**
     * Runs one to its end, on a given Java runtime and with more environment variables, and checks that it exited
     * with 0.
     *
     * @return its output lines
     */
    static List<String> run(Path javaHome, java.util.Map<String, String> env, Class<?> main, Path tmpdir,
                            List<String> options, String... args) throws Exception {
        try (ChildJvm jvm = start(javaHome, env, main, tmpdir, options, args)) {
            jvm.awaitExit(90);
            assertThat(jvm.process.exitValue()).as("child output: %s%nits standard error:%n%s", jvm.output(),
                    jvm.errors()).isZero();
            return jvm.output();
        }
    }

    /** Waits, bounded, for the exit; kills it if it does not come. */
    void awaitExit(long seconds) throws InterruptedException {
        boolean exited = process.waitFor(seconds, TimeUnit.SECONDS); // a file, not a pipe: the wait is bounded
        if (!exited) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(exited).as("child JVM exited within " + seconds + " s").isTrue();
    }

    /** Waits, bounded, for a line of its output to contain a text. */
    void awaitOutput(String text, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!String.join("\n", output()).contains(text) && process.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(output()).as("child output").anyMatch(l -> l.contains(text));
    }

    /** @return what it printed so far */
    List<String> output() throws IOException {
        return Files.readAllLines(out, StandardCharsets.UTF_8);
    }

    /** @return what it wrote to its standard error so far (its log, a stack trace) */
    String errors() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** @return its process */
    Process process() {
        return process;
    }

    /** Kills it if still running and deletes its output file. */
    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            try {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
    }
}
