package dev.iops;

/**
 * Bytes that reached the storage layer (for example the block layer on Linux), as opposed to the bytes
 * the process passed through system calls. Reads served from the page cache do not show here, and writes
 * show when the kernel flushes them, which may be after the block ended.
 *
 * <p>Immutable and thread-safe.
 *
 * @param bytesRead    bytes read from storage, {@code >= 0}
 * @param bytesWritten bytes sent to storage, {@code >= 0}
 */
public record StorageBytes(long bytesRead, long bytesWritten) {
    /**
     * Validates the figures.
     *
     * @param bytesRead    bytes read from storage, {@code >= 0}
     * @param bytesWritten bytes sent to storage, {@code >= 0}
     * @throws IllegalArgumentException if either figure is negative
     */
    public StorageBytes {
        if (bytesRead < 0 || bytesWritten < 0) {
            throw new IllegalArgumentException(
                    "storage bytes must be >= 0, got bytesRead=" + bytesRead + ", bytesWritten=" + bytesWritten);
        }
    }
}
