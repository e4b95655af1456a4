package dev.iops.spi;

/**
 * What a profiler can measure beyond process-wide operation and byte counts. Selection only considers
 * profilers that have every capability a request needs.
 */
public enum Capability {
    /** Sees each operation and its size, so it can fill a {@link dev.iops.SizeHistogram}. Needed by {@code histogram()}. */
    OPERATION_SIZES,
    /** Can count the I/O of the session's thread alone. Needed by {@link dev.iops.Scope#THREAD}. */
    THREAD_SCOPE,
    /** Reports the path or descriptor target of each operation. */
    PATHS,
    /** Reports the duration of each operation. */
    LATENCY,
    /** Reports when each operation happened within the block, for timelines and heatmaps. */
    TIMELINE,
    /** Reports bytes that reached storage, as opposed to bytes passed through system calls. */
    STORAGE_BYTES,
    /**
     * Names the Java code that made each operation (its first stack frame outside the JDK and iops). Needed by
     * {@link dev.iops.Iops.Builder#callSites()}.
     */
    CALL_SITES
}
