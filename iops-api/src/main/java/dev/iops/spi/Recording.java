package dev.iops.spi;

/**
 * One running measurement window of a profiler, from {@link Profiler#start} to {@link #stop}.
 *
 * <p>The session calls {@link #stop} at most once, possibly from another thread than the one that started
 * the recording, then always calls {@link #close}. {@code close} alone (without {@code stop}) abandons the
 * recording. Either way, when {@code close} returns, every resource the recording held (child processes, temp
 * files, descriptors, JFR recordings) is released. Implementations need not be thread-safe beyond that.
 */
public interface Recording extends AutoCloseable {
    /**
     * Ends the window and returns what was measured. The first action must be to close the window (take the
     * end snapshot, emit the end marker) so that the session's own work after the block is not counted.
     * Per-operation profilers give every operation of the window to {@code sink} before returning.
     *
     * @param sink receives the window's operations; counting profilers ignore it
     * @return counter deltas or notes
     * @throws RecordingFailedException if the source failed during the window
     */
    RecordingResult stop(OpSink sink);

    /**
     * Releases every resource. Idempotent, never throws.
     */
    @Override
    void close();
}
