package dev.iops.spi;

/**
 * Receives the operations of a recording window, from {@link Recording#stop(OpSink)}. The sink aggregates as
 * operations arrive, in constant memory, so a profiler should stream operations to it rather than collect
 * them. Not thread-safe: call it from the thread that runs {@code stop}.
 */
@FunctionalInterface
public interface OpSink {
    /**
     * Takes one operation.
     *
     * @param op the operation, not {@code null}
     */
    void accept(Op op);
}
