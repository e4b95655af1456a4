package dev.iops.linux;

import dev.iops.spi.OpSink;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.TraceFormat;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The text of {@code perf script} over the {@code raw_syscalls:sys_enter} and {@code sys_exit} tracepoints
 * ({@code perf record -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit ...}, then {@code perf script [--ns]
 * [-F trace:pid,tid,time,event,trace]}), read by {@link dev.iops.Iops#analyze(Path)} with the decoder the live
 * {@code perf} provider uses. Such a trace has descriptor numbers but no paths, and system call numbers of the
 * machine that recorded it: they are read as this JVM's architecture (the report says which).
 *
 * <p>Thread-safe (stateless).
 */
public final class PerfScriptTraceFormat implements TraceFormat {
    private static final Pattern EVENT = Pattern.compile(
            "^\\s*\\S.*?\\s\\d+\\.\\d+:\\s+raw_syscalls:sys_(enter|exit): NR \\d+", Pattern.MULTILINE);

    /** Creates the format. */
    public PerfScriptTraceFormat() {
    }

    @Override
    public String name() {
        return "perf-script";
    }

    @Override
    public String recordedBy() {
        return "perf record -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit, then perf script [--ns]";
    }

    @Override
    public boolean detects(byte[] head, int length) {
        return EVENT.matcher(new String(head, 0, length, StandardCharsets.ISO_8859_1)).find();
    }

    /** @return the system call table of this JVM's architecture, which perf traces are read with */
    static PerfSyscalls table() throws IOException {
        String arch = System.getProperty("os.arch", "");
        PerfSyscalls table = PerfSyscalls.forArch(arch);
        if (table == null) {
            throw new IOException("perf traces name system calls by number, and there is no table for this JVM's "
                    + "architecture (" + arch + "); read the trace on x86-64, arm64 or riscv64");
        }
        return table;
    }

    /** @return the note every perf trace's report carries */
    static String archNote(String format) {
        return format + ": system call numbers read as " + System.getProperty("os.arch", "") + " (this JVM's "
                + "architecture); no paths (the trace has descriptor numbers only)";
    }

    @Override
    public RecordingResult parse(Path trace, OpSink sink) throws IOException {
        PerfWindow window = PerfWindow.offline(table(), sink);
        long lines = 0;
        try (BufferedReader in = Files.newBufferedReader(trace, StandardCharsets.ISO_8859_1)) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines++;
                window.accept(line);
            }
        }
        List<String> notes = new ArrayList<>();
        notes.add(archNote(name()));
        if (window.garbage() > 0) {
            notes.add("perf-script: " + window.garbage() + " of " + lines + " lines were not raw_syscalls events "
                    + "and were skipped");
        }
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }
}
