package dev.iops.spi;

import dev.iops.Figure;
import dev.iops.StorageBytes;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Counter deltas over a recording window, from a counting profiler. Figures the source cannot count are left
 * out of {@code measured} and must be 0.
 *
 * <p>Immutable and thread-safe.
 *
 * @param readOps      read operations in the window
 * @param writeOps     write operations in the window
 * @param bytesRead    bytes read in the window
 * @param bytesWritten bytes written in the window
 * @param measured     which of the four figures the source counted
 * @param storage      storage-level bytes, when known
 */
public record IoCounters(long readOps, long writeOps, long bytesRead, long bytesWritten,
                         Set<Figure> measured, Optional<StorageBytes> storage) {
    /**
     * Validates the counters.
     *
     * @param readOps      read operations in the window
     * @param writeOps     write operations in the window
     * @param bytesRead    bytes read in the window
     * @param bytesWritten bytes written in the window
     * @param measured     which of the four figures the source counted
     * @param storage      storage-level bytes, when known
     * @throws IllegalArgumentException on a negative figure, or a non-zero unmeasured one
     */
    public IoCounters {
        Objects.requireNonNull(storage, "storage");
        measured = measured.isEmpty()
                ? Collections.unmodifiableSet(EnumSet.noneOf(Figure.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(measured));
        long[] values = {readOps, writeOps, bytesRead, bytesWritten};
        Figure[] figures = Figure.values();
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0) {
                throw new IllegalArgumentException(figures[i].key() + " must be >= 0, got " + values[i]
                        + " (a counter went backwards?)");
            }
            if (values[i] != 0 && !measured.contains(figures[i])) {
                throw new IllegalArgumentException(figures[i].key() + " is " + values[i] + " but not marked as measured");
            }
        }
    }

    /**
     * Counters with all four figures measured and no storage figure.
     *
     * @param readOps      read operations
     * @param writeOps     write operations
     * @param bytesRead    bytes read
     * @param bytesWritten bytes written
     * @return the counters
     */
    public static IoCounters of(long readOps, long writeOps, long bytesRead, long bytesWritten) {
        return new IoCounters(readOps, writeOps, bytesRead, bytesWritten, EnumSet.allOf(Figure.class), Optional.empty());
    }

    /**
     * Counters from a source that counts bytes only; operation counts are unmeasured.
     *
     * @param bytesRead    bytes read
     * @param bytesWritten bytes written
     * @return the counters
     */
    public static IoCounters bytesOnly(long bytesRead, long bytesWritten) {
        return new IoCounters(0, 0, bytesRead, bytesWritten, EnumSet.of(Figure.BYTES_READ, Figure.BYTES_WRITTEN),
                Optional.empty());
    }

    /**
     * @param storageBytes storage-level bytes over the same window
     * @return a copy with the storage figure
     */
    public IoCounters withStorage(StorageBytes storageBytes) {
        return new IoCounters(readOps, writeOps, bytesRead, bytesWritten, measured, Optional.of(storageBytes));
    }
}
