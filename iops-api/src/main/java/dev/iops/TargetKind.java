package dev.iops;

/**
 * What an operation's descriptor referred to, when the profiler can tell. Count-only profilers do not
 * classify targets; their reports have no per-target breakdown.
 */
public enum TargetKind {
    /** A regular file or block device. */
    FILE,
    /** A pipe or FIFO. */
    PIPE,
    /** A socket of any family. */
    SOCKET,
    /** A terminal (for example the JVM's stdout on a console). */
    TTY,
    /** Something else the profiler identified (eventfd, anon inode, character device, ...). */
    OTHER,
    /** The profiler did not say. */
    UNKNOWN
}
