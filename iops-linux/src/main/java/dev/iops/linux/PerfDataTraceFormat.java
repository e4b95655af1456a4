package dev.iops.linux;

import dev.iops.UnreadableTraceException;
import dev.iops.spi.OpSink;
import dev.iops.spi.RecordingResult;
import dev.iops.spi.TraceFormat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@code perf.data} file of {@code perf record -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit ...} (in either
 * order; other events are skipped), read by {@link dev.iops.Iops#analyze(Path)} with the provider's own Java
 * reader. No paths (descriptor numbers only); system call numbers are read as this JVM's architecture; lost events
 * are reported in the notes. A file whose {@code perf record} was killed (its header says 0 B of records) is read
 * up to its end, and a damaged one up to the damage, with notes; a header whose sizes do not fit the file is
 * refused with an {@link UnreadableTraceException} before anything is allocated.
 *
 * <p>Thread-safe (stateless).
 */
public final class PerfDataTraceFormat implements TraceFormat {
    private static final byte[] MAGIC = {'P', 'E', 'R', 'F', 'I', 'L', 'E', '2'};

    /** Creates the format. */
    public PerfDataTraceFormat() {
    }

    @Override
    public String name() {
        return "perf-data";
    }

    @Override
    public String recordedBy() {
        return "perf record -e raw_syscalls:sys_enter -e raw_syscalls:sys_exit";
    }

    @Override
    public boolean detects(byte[] head, int length) {
        return length >= MAGIC.length && java.util.Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length);
    }

    @Override
    public RecordingResult parse(Path trace, OpSink sink) throws IOException {
        PerfSyscalls table = PerfScriptTraceFormat.table();
        PlausibleSizes plausible = new PlausibleSizes(sink);
        PerfWindow window = PerfWindow.offline(table, plausible);
        List<String> notes = new ArrayList<>();
        notes.add(PerfScriptTraceFormat.archNote(name()));
        PerfData.Summary summary;
        try (FileChannel data = FileChannel.open(trace, StandardOpenOption.READ)) {
            summary = PerfData.readOffline(data, window, name(), notes);
        } catch (PerfData.DamagedException e) {
            throw new UnreadableTraceException(trace + " is a perf.data file iops cannot read: " + e.getMessage()
                    + ". " + e.advice() + ".", e);
        }
        if (summary.lost() > 0) {
            notes.add("INCOMPLETE: " + PerfMessages.lost(summary.lost(), summary.samples()));
        }
        plausible.notes(name(), notes);
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }
}
