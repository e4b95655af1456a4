package dev.iops.macos;

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

/**
 * A capture saved from {@code sudo fs_usage -w -f filesys <pid> > FILE} on a Mac, read by
 * {@link dev.iops.Iops#analyze(Path)} with the parser and window the live {@code fs_usage} provider uses: the
 * whole capture counts (there are no markers), {@code B=} is the bytes moved, metadata calls are not reads, and
 * disk lines ({@code RdData}/{@code WrData}) are storage-level, never operations.
 *
 * <p>Thread-safe (stateless).
 */
public final class FsUsageTraceFormat implements TraceFormat {
    private static final int LINES_CHECKED = 8;

    /** Creates the format. */
    public FsUsageTraceFormat() {
    }

    @Override
    public String name() {
        return FsUsageProfiler.NAME;
    }

    @Override
    public String recordedBy() {
        return "fs_usage -w -f filesys <pid>";
    }

    /** @return true when the first lines (up to 8, blank ones skipped) are all lines fs_usage writes */
    @Override
    public boolean detects(byte[] head, int length) {
        return TraceFormat.leadingLinesMatch(head, length, LINES_CHECKED, (b, from, to) -> {
            String line = new String(b, from, to - from, StandardCharsets.UTF_8);
            return FsUsageParser.parse(line) != null || FsUsageParser.isOverrun(line);
        });
    }

    @Override
    public RecordingResult parse(Path trace, OpSink sink) throws IOException {
        FsUsageWindow window = FsUsageWindow.whole(sink);
        try (BufferedReader in = Files.newBufferedReader(trace, StandardCharsets.UTF_8)) {
            for (String line; (line = in.readLine()) != null; ) {
                window.accept(line);
            }
        }
        FsUsageWindow.Summary s = window.summary();
        List<String> notes = new ArrayList<>();
        if (s.overrun()) {
            notes.add("PARTIAL: the capture says fs_usage dropped events (buffer overrun): these figures undercount");
        }
        if (s.unsized() > 0) {
            notes.add(s.unsized() + " read/write calls have no byte count (captured without -w) and are not counted");
        }
        if (s.storageReadBytes() > 0 || s.storageWriteBytes() > 0) {
            notes.add("storage level (RdData/WrData of the captured process): " + s.storageReadBytes()
                    + " bytes read, " + s.storageWriteBytes() + " bytes written");
        }
        if (s.otherDiskLines() > 0) {
            notes.add(s.otherDiskLines() + " disk lines of other processes (fs_usage does not filter them) left out");
        }
        return RecordingResult.ofOperations(notes.toArray(new String[0]));
    }
}
