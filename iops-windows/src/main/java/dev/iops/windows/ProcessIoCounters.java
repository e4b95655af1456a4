package dev.iops.windows;

import dev.iops.spi.IoCounters;
import dev.iops.spi.RecordingResult;

import java.util.ArrayList;
import java.util.List;

/**
 * One reading of the Windows {@code IO_COUNTERS} structure of a process. Pure: built from the structure's six
 * values, compared with another reading, no native call, no clock; so it is tested on fixtures on any OS.
 *
 * <p>Windows counts every I/O request of the process, whatever its target: files, devices, pipes and network
 * alike. Read and write requests are the operation counts; "other" requests (neither read nor write, such as
 * device-control calls) are kept apart and reported in a note.
 *
 * @param readOperations     {@code ReadOperationCount}: read requests
 * @param writeOperations    {@code WriteOperationCount}: write requests
 * @param otherOperations    {@code OtherOperationCount}: requests other than read and write
 * @param readTransferBytes  {@code ReadTransferCount}: bytes read
 * @param writeTransferBytes {@code WriteTransferCount}: bytes written
 * @param otherTransferBytes {@code OtherTransferCount}: bytes moved by other requests
 */
record ProcessIoCounters(long readOperations, long writeOperations, long otherOperations,
                         long readTransferBytes, long writeTransferBytes, long otherTransferBytes) {
    /** Number of 64-bit fields in {@code IO_COUNTERS}. */
    static final int FIELDS = 6;

    /** Validates the reading: counters are unsigned 64-bit values, and none reaches 2^63 in practice. */
    ProcessIoCounters {
        if (readOperations < 0 || writeOperations < 0 || otherOperations < 0 || readTransferBytes < 0
                || writeTransferBytes < 0 || otherTransferBytes < 0) {
            throw new IllegalArgumentException("an IO_COUNTERS value is >= 2^63 (read as negative): " + List.of(
                    readOperations, writeOperations, otherOperations, readTransferBytes, writeTransferBytes,
                    otherTransferBytes));
        }
    }

    /**
     * A reading from the structure's fields in declaration order: {@code ReadOperationCount},
     * {@code WriteOperationCount}, {@code OtherOperationCount}, {@code ReadTransferCount},
     * {@code WriteTransferCount}, {@code OtherTransferCount} (six {@code ULONGLONG}s, 48 bytes).
     *
     * @param fields the six values
     * @return the reading
     * @throws IllegalArgumentException on a wrong number of values or a value of 2^63 or more
     */
    static ProcessIoCounters ofStructure(long[] fields) {
        if (fields.length != FIELDS) {
            throw new IllegalArgumentException("IO_COUNTERS has " + FIELDS + " fields, got " + fields.length);
        }
        return new ProcessIoCounters(fields[0], fields[1], fields[2], fields[3], fields[4], fields[5]);
    }

    /**
     * What the process did between two readings: read and write requests and their bytes as the figures,
     * other requests in a note.
     *
     * @param before the reading when the window opened
     * @param after  the reading when it closed
     * @return counter deltas and notes
     * @throws IllegalArgumentException if a counter went backwards (readings of two processes, or swapped)
     */
    static RecordingResult window(ProcessIoCounters before, ProcessIoCounters after) {
        long otherOps = delta("OtherOperationCount", before.otherOperations, after.otherOperations);
        long otherBytes = delta("OtherTransferCount", before.otherTransferBytes, after.otherTransferBytes);
        IoCounters counters = IoCounters.of(
                delta("ReadOperationCount", before.readOperations, after.readOperations),
                delta("WriteOperationCount", before.writeOperations, after.writeOperations),
                delta("ReadTransferCount", before.readTransferBytes, after.readTransferBytes),
                delta("WriteTransferCount", before.writeTransferBytes, after.writeTransferBytes));
        List<String> notes = new ArrayList<>(2);
        notes.add(ALL_IO_NOTE);
        if (otherOps > 0 || otherBytes > 0) {
            notes.add(otherOps + " other I/O request" + (otherOps == 1 ? "" : "s")
                    + " (neither read nor write, such as device-control calls) moved " + otherBytes
                    + " bytes; they are not in these figures");
        }
        return RecordingResult.ofCounters(counters, notes.toArray(new String[0]));
    }

    /** The note every iocounters report carries. */
    static final String ALL_IO_NOTE = "iocounters counts every read and write request of the whole process "
            + "(GetProcessIoCounters): files, devices, pipes and network alike, on every thread";

    private static long delta(String field, long before, long after) {
        if (after < before) {
            throw new IllegalArgumentException(field + " went backwards, from " + before + " to " + after
                    + ": the two readings are not of the same process, or are swapped");
        }
        return after - before;
    }
}
