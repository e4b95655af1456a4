package dev.iops;

/**
 * Which threads' I/O a session counts.
 *
 * <p>Not every profiler can measure every scope: {@link dev.iops.spi.Capability#THREAD_SCOPE} says which
 * can count a single thread. Selection skips profilers that cannot do the scope asked for.
 */
public enum Scope {
    /** Every thread of the JVM (and, for tracers that follow them, child processes started in the block). Default. */
    PROCESS,
    /** Only the thread that started the session. I/O that the block hands to other threads is not counted. */
    THREAD
}
