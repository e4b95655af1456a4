package dev.iops.jupyter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Drives {@link TestKernel} through a real Jupyter client: writes a kernelspec into a temporary
 * {@code JUPYTER_PATH}, runs {@code /usr/bin/python3 jupyter_driver.py} (jupyter_client starts the kernel, executes
 * the cells, shuts it down) and returns what the client received. Every path ends the python process and the
 * kernel (descendants first) and deletes the temporary folder.
 */
final class JupyterClientRun {
    static final Path PYTHON = Path.of("/usr/bin/python3");
    static final String KERNEL = "iops-test";

    private static final ObjectMapper JSON = new ObjectMapper();

    private JupyterClientRun() {
    }

    /** Why the Jupyter tests cannot run here, or empty when python3 and jupyter_client are installed. */
    static Optional<String> unavailable() {
        if (!Files.isExecutable(PYTHON)) {
            return Optional.of(PYTHON + " not found; install python3-jupyter-client (apt-get install -y "
                    + "python3-jupyter-client), as .ci/run does");
        }
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), "-c", "import jupyter_client")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("python3 -c 'import jupyter_client' did not finish in 30 s");
            }
            return p.exitValue() == 0 ? Optional.empty() : Optional.of("python3 has no jupyter_client module; "
                    + "install python3-jupyter-client (apt-get install -y python3-jupyter-client), as .ci/run does");
        } catch (IOException e) {
            return Optional.of("cannot run " + PYTHON + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while checking for jupyter_client");
        }
    }

    /** One executed cell: the execute_reply content and the iopub outputs in the order the client got them. */
    record Cell(JsonNode reply, List<JsonNode> outputs) {
        boolean ok() {
            return "ok".equals(reply.path("status").asText());
        }

        /** The {@code data} maps of display_data / execute_result outputs, in order. */
        List<JsonNode> displays() {
            List<JsonNode> d = new ArrayList<>();
            for (JsonNode o : outputs) {
                String t = o.path("type").asText();
                if (t.equals("display_data") || t.equals("execute_result")) {
                    d.add(o.path("content").path("data"));
                }
            }
            return d;
        }

        String stdout() {
            StringBuilder b = new StringBuilder();
            for (JsonNode o : outputs) {
                if (o.path("type").asText().equals("stream")) {
                    b.append(o.path("content").path("text").asText());
                }
            }
            return b.toString();
        }

        /** The report that {@code --json} displayed, parsed. */
        JsonNode jsonReport() throws IOException {
            for (JsonNode d : displays()) {
                String t = d.path("text/plain").asText();
                if (t.startsWith("{") && t.contains("\"schema\"")) {
                    return JSON.readTree(t);
                }
            }
            throw new AssertionError("no JSON report among the outputs: " + outputs);
        }

        /** Output types in order, e.g. [stream, display_data, error]. */
        List<String> types() {
            return outputs.stream().map(o -> o.path("type").asText()).toList();
        }
    }

    /**
     * Runs the cells in one kernel, in order.
     *
     * @param kernelJvmArgs extra JVM options for the kernel
     */
    static List<Cell> run(List<String> cells, Duration timeout, List<String> kernelJvmArgs) throws Exception {
        Path dir = Files.createTempDirectory("iops-jupyter-test-");
        Process python = null;
        try {
            Path spec = writeKernelspec(dir, kernelJvmArgs);
            Path driver = dir.resolve("jupyter_driver.py");
            try (InputStream in = JupyterClientRun.class.getResourceAsStream("/jupyter_driver.py")) {
                Files.copy(in, driver);
            }
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("kernel", KERNEL);
            job.put("cells", cells);
            job.put("ready_timeout", 60);
            job.put("cell_timeout", 120);
            Path jobFile = dir.resolve("job.json");
            JSON.writeValue(jobFile.toFile(), job);
            Path out = dir.resolve("out.json");
            Path err = dir.resolve("err.txt");
            ProcessBuilder pb = new ProcessBuilder(PYTHON.toString(), driver.toString(), jobFile.toString())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).directory(dir.toFile());
            Map<String, String> env = pb.environment();
            env.put("JUPYTER_PATH", spec.toString());
            env.put("JUPYTER_RUNTIME_DIR", dir.resolve("runtime").toString());
            env.put("JUPYTER_DATA_DIR", dir.resolve("data").toString());
            env.put("JUPYTER_CONFIG_DIR", dir.resolve("config").toString());
            env.put("JUPYTER_PLATFORM_DIRS", "1");
            python = pb.start();
            if (!python.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("the Jupyter client did not finish in " + timeout + "; its stderr:\n"
                        + Files.readString(err));
            }
            if (python.exitValue() != 0) {
                throw new AssertionError("the Jupyter client failed (exit " + python.exitValue() + "); its stderr:\n"
                        + Files.readString(err));
            }
            JsonNode result = JSON.readTree(out.toFile());
            List<Cell> list = new ArrayList<>();
            for (JsonNode c : result) {
                List<JsonNode> outs = new ArrayList<>();
                c.path("outputs").forEach(outs::add);
                list.add(new Cell(c.path("reply"), outs));
            }
            return list;
        } finally {
            if (python != null) {
                kill(python.toHandle());
            }
            deleteTree(dir);
        }
    }

    static Path writeKernelspec(Path dir, List<String> jvmArgs) throws IOException {
        Path root = dir.resolve("jupyter");
        Path kernelDir = Files.createDirectories(root.resolve("kernels").resolve(KERNEL));
        List<String> argv = new ArrayList<>();
        argv.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        argv.addAll(jvmArgs);
        argv.add("-cp");
        // surefire hides the test class path in a manifest-only jar; it publishes the real one here
        argv.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        argv.add(TestKernel.class.getName());
        argv.add("{connection_file}");
        Map<String, Object> spec = new LinkedHashMap<>();
        spec.put("argv", argv);
        spec.put("display_name", "iops test kernel (JJava 1.0-a6 API)");
        spec.put("language", "java");
        spec.put("interrupt_mode", "message");
        Files.writeString(kernelDir.resolve("kernel.json"), JSON.writeValueAsString(spec), StandardCharsets.UTF_8);
        return root;
    }

    /** Ends a process tree: children first (the kernel JVM), then the process itself; waits for each. */
    static void kill(ProcessHandle root) {
        List<ProcessHandle> all = new ArrayList<>(root.descendants().toList());
        all.add(root);
        for (ProcessHandle p : all) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : all) {
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("process " + p.pid() + " did not end within 10 s of SIGKILL", e);
            }
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
