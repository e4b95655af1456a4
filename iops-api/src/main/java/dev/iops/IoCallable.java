package dev.iops;

/**
 * A block of code that returns a value and may throw a checked exception, for
 * {@link Iops#measureValue(IoCallable)}. The exception type is inferred, so a block that throws
 * {@link java.io.IOException} makes {@code measure} throw {@code IOException}, and a block that throws
 * nothing checked makes it throw nothing checked.
 *
 * @param <T> result type
 * @param <E> checked exception type the block may throw
 */
@FunctionalInterface
public interface IoCallable<T, E extends Exception> {
    /**
     * Runs the block.
     *
     * @return the block's result
     * @throws E what the block throws
     */
    T call() throws E;
}
