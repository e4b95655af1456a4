package dev.iops.linux;

import dev.iops.spi.OpSink;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.TraceFormat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
        PerfSyscalls table = table();
        PlausibleSizes plausible = new PlausibleSizes(sink);
        PerfWindow window = PerfWindow.offline(table, plausible);
        SnapshotLines lines = new SnapshotLines();
        lines.read(trace, new SnapshotLines.Sink() {
            @Override
            public void line(byte[] b, int from, int to) {
                long garbage = window.garbage();
                window.accept(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
                if (window.garbage() > garbage) {
                    lines.skipped();
                }
            }

            @Override
            public void longLineStart() {
                // no perf script line is this long: skipped unread
            }

            @Override
            public void piece(byte[] b, int from, int to) {
                // skipped unread
            }

            @Override
            public void longLineEnd(boolean read) {
                if (read) {
                    lines.skipped();
                }
            }
        });
        List<String> notes = new ArrayList<>();
        notes.add(archNote(name()));
        lines.notes(name(), "were not raw_syscalls events", notes);
        plausible.notes(name(), notes);
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }
}
