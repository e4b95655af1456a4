package dev.iops;

/**
 * A block of code to measure that returns nothing and may throw a checked exception, such as
 * {@code () -> Files.delete(path)} or {@code () -> Files.write(path, data)} (its value is ignored).
 *
 * @param <E> the checked exception the block may throw; inferred as {@link RuntimeException} when it throws none
 */
@FunctionalInterface
public interface IoRunnable<E extends Exception> {
    /**
     * Runs the block.
     *
     * @throws E what the block throws
     */
    void run() throws E;
}
