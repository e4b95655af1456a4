package dev.iops;

/**
 * Operation and byte totals of one slice of a measurement (one target kind, one path).
 *
 * <p>Immutable and thread-safe.
 *
 * @param readOps      completed read operations, {@code >= 0}
 * @param writeOps     completed write operations, {@code >= 0}
 * @param bytesRead    bytes read, {@code >= 0}
 * @param bytesWritten bytes written, {@code >= 0}
 */
public record IoTotals(long readOps, long writeOps, long bytesRead, long bytesWritten) {
    /** Totals of nothing. */
    public static final IoTotals ZERO = new IoTotals(0, 0, 0, 0);

    /**
     * Validates the figures.
     *
     * @param readOps      completed read operations, {@code >= 0}
     * @param writeOps     completed write operations, {@code >= 0}
     * @param bytesRead    bytes read, {@code >= 0}
     * @param bytesWritten bytes written, {@code >= 0}
     * @throws IllegalArgumentException if a figure is negative
     */
    public IoTotals {
        if (readOps < 0 || writeOps < 0 || bytesRead < 0 || bytesWritten < 0) {
            throw new IllegalArgumentException("totals must be >= 0, got readOps=" + readOps + ", writeOps="
                    + writeOps + ", bytesRead=" + bytesRead + ", bytesWritten=" + bytesWritten);
        }
    }

    /** @return read plus write operations */
    public long totalOps() {
        return readOps + writeOps;
    }

    /** @return bytes read plus bytes written */
    public long totalBytes() {
        return bytesRead + bytesWritten;
    }

    /**
     * Sums two totals.
     *
     * @param other the totals to add, not {@code null}
     * @return a new value holding the sums
     */
    public IoTotals plus(IoTotals other) {
        return new IoTotals(readOps + other.readOps, writeOps + other.writeOps,
                bytesRead + other.bytesRead, bytesWritten + other.bytesWritten);
    }
}
