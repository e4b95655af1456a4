package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsException;
import dev.iops.IopsReport;
import dev.iops.OpKind;
import dev.iops.PathStats;
import dev.iops.Scope;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code Iops.analyze} on traces this test records itself, of a child process with a known workload: four
 * threads each writing 250 x 64 B (the data full of {@code )}, quotes and a fake {@code <unfinished ...>}) to
 * their own file, then the main thread reading the first file back in 4 KiB reads (4 full reads and the end of
 * file: 16,000 B in 5 reads). The child is Debian's {@code /usr/bin/python3 -S -B}, which writes nothing else.
 */
@Timeout(120)
class AnalyzeTraceTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String WORKLOAD = String.join("\n",
            "import os, sys, threading",
            "d = sys.argv[1]",
            "payload = (b'\") <unfinished ...> = 64 <0.1>\\n(' + b'x' * 64)[:64]",
            "def writer(k):",
            "    fd = os.open(os.path.join(d, 'w%d.bin' % k), os.O_CREAT | os.O_TRUNC | os.O_WRONLY)",
            "    for i in range(250):",
            "        os.write(fd, payload)",
            "    os.close(fd)",
            "ts = [threading.Thread(target=writer, args=(k,)) for k in range(4)]",
            "for t in ts: t.start()",
            "for t in ts: t.join()",
            "fd = os.open(os.path.join(d, 'w0.bin'), os.O_RDONLY)",
            "while os.read(fd, 4096):",
            "    pass",
            "os.close(fd)",
            "");

    @TempDir
    Path dir;

    @BeforeEach
    void needsPython() {
        assumeTrue(Files.isExecutable(PYTHON), "no " + PYTHON + " to run the workload");
    }

    private void record(List<String> tracer) throws Exception {
        Path script = dir.resolve("workload.py");
        Files.writeString(script, WORKLOAD);
        List<String> cmd = new ArrayList<>(tracer);
        cmd.addAll(List.of(PYTHON.toString(), "-S", "-B", script.toString(), dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile())
                .start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the traced workload finished").isTrue();
        assertThat(p.exitValue()).as(Files.readString(dir.resolve("out.txt"))).isZero();
    }

    private Path strace(String... options) throws Exception {
        Path exe = StraceProfiler.executable();
        assumeTrue(exe != null, "no strace");
        Path trace = dir.resolve("trace.txt");
        List<String> cmd = new ArrayList<>(List.of(exe.toString()));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-o", trace.toString()));
        record(cmd);
        return trace;
    }

    private static void assertExactWrites(IopsReport r) {
        assertThat(r.writeOps()).as(r.toText()).isEqualTo(1000);
        assertThat(r.bytesWritten()).isEqualTo(64_000);
        assertThat(r.histogram().orElseThrow().buckets()).filteredOn(b -> b.writeOps() > 0).singleElement()
                .satisfies(b -> assertThat(b.writeOps()).isEqualTo(1000));
    }

    @Test
    void plainStraceOfAThreadedChildIsExact() throws Exception {
        Path trace = strace("-f");
        assertThat(Files.readString(trace, StandardCharsets.ISO_8859_1)).as("the trace splits calls of threads")
                .contains("<unfinished ...>").contains("resumed>");
        IopsReport r = Iops.analyze(trace);
        assertExactWrites(r);
        assertThat(r.profiler()).isEqualTo("strace");
        assertThat(r.scope()).isEqualTo(Scope.PROCESS);
        assertThat(r.notes()).containsExactly("read from " + trace + " (strace trace, strace -f [-y] [-T] "
                + "[-tt|-ttt] -o FILE)");
    }

    @Test
    void straceWithPathsLatencyAndTimestampsIsExactPerPath() throws Exception {
        Path trace = strace("-f", "-y", "-T", "-ttt");
        IopsReport r = Iops.analyze(trace);
        assertExactWrites(r);
        String w0 = dir.resolve("w0.bin").toRealPath().toString();
        for (int k = 0; k < 4; k++) {
            String path = dir.resolve("w" + k + ".bin").toRealPath().toString();
            assertThat(r.detail().orElseThrow().topPaths()).filteredOn(p -> p.path().equals(path)).singleElement()
                    .extracting(PathStats::totals)
                    .satisfies(t -> assertThat(t.writeOps()).isEqualTo(250))
                    .satisfies(t -> assertThat(t.bytesWritten()).isEqualTo(16_000))
                    .satisfies(t -> assertThat(t.readOps()).isEqualTo(path.equals(w0) ? 5 : 0))
                    .satisfies(t -> assertThat(t.bytesRead()).isEqualTo(path.equals(w0) ? 16_000 : 0));
        }
        assertThat(r.detail().orElseThrow().latency()).containsKeys(OpKind.READ, OpKind.WRITE);
    }

    @Test
    void perfDataAndPerfScriptOfTheSameWorkloadAreExact() throws Exception {
        assumeTrue(new PerfProfiler().availability().usable(), "perf is not usable here");
        Path data = dir.resolve("perf.data");
        String filter = PerfSyscalls.forArch(System.getProperty("os.arch")).filter();
        record(List.of(PerfProfiler.executable().toString(), "record", "-q", "--no-bpf-event", "--synth=no", "-B",
                "-N", "-e", "raw_syscalls:sys_enter", "--filter", filter, "-e", "raw_syscalls:sys_exit", "--filter",
                filter, "-o", data.toString(), "--"));
        Path text = dir.resolve("perf.txt");
        Process script = new ProcessBuilder(PerfProfiler.executable().toString(), "script", "-i", data.toString())
                .redirectOutput(text.toFile()).redirectError(dir.resolve("script.err").toFile()).start();
        assertThat(script.waitFor(60, TimeUnit.SECONDS)).isTrue();
        IopsReport r = Iops.analyze(text);
        assertExactWrites(r);
        assertThat(r.profiler()).isEqualTo("perf-script");
        assertThat(r.notes()).anySatisfy(n -> assertThat(n).startsWith("perf-script: system call numbers read as "));
        IopsReport binary = Iops.analyze(data);
        assertExactWrites(binary);
        assertThat(binary.profiler()).isEqualTo("perf-data");
        assertThat(binary.readOps()).isEqualTo(r.readOps());
        assertThat(binary.bytesRead()).isEqualTo(r.bytesRead());
    }

    @Test
    void aFileInNoKnownFormatIsRefusedWithTheFormatsKnown() throws IOException {
        Path notes = dir.resolve("notes.txt");
        Files.writeString(notes, "dear diary\nnothing happened today\n");
        assertThatThrownBy(() -> Iops.analyze(notes)).isInstanceOf(IopsException.class).hasMessage(notes
                + " is not a trace iops can read (its first line: \"dear diary\"). Formats known: perf-data (perf "
                + "record -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit); perf-script (perf "
                + "record -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit, then perf script [--ns]); strace "
                + "(strace -f [-y] [-T] [-tt|-ttt] -o FILE).");
    }
}
