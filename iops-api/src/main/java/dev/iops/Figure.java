package dev.iops;

/**
 * The four base figures of a report. A profiler that cannot count one of them leaves it unmeasured, and
 * the report says so ({@link IopsReport#isMeasured(Figure)}) rather than showing a zero.
 */
public enum Figure {
    /** Number of completed read operations (system calls, or JVM-level reads for JVM providers). */
    READ_OPS("readOps"),
    /** Number of completed write operations. */
    WRITE_OPS("writeOps"),
    /** Bytes transferred by read operations. */
    BYTES_READ("bytesRead"),
    /** Bytes transferred by write operations. */
    BYTES_WRITTEN("bytesWritten");

    private final String key;

    Figure(String key) {
        this.key = key;
    }

    /**
     * The name of this figure in the JSON export and in messages, e.g. {@code "readOps"}.
     *
     * @return the camel-case key, never {@code null}
     */
    public String key() {
        return key;
    }
}
