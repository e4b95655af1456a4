package dev.iops.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a recording returns when it stops: counter deltas from a counting profiler, or nothing but notes from
 * a per-operation profiler (whose operations went to the {@link OpSink}); and, from a source that stops the measured
 * code, how much it slowed the block.
 *
 * <p>Immutable and thread-safe.
 *
 * @param counters counter deltas, present for counting profilers, empty for per-operation ones
 * @param notes    caveats the report should carry (what the source cannot see, for example)
 * @param slowdown what the source added to the block's time, present for a source that stops the measured code
 *                 (the session sets it against the elapsed time in a note)
 */
public record RecordingResult(Optional<IoCounters> counters, List<String> notes, Optional<Slowdown> slowdown) {
    /**
     * Validates and copies the value.
     *
     * @param counters counter deltas, present for counting profilers, empty for per-operation ones
     * @param notes    caveats the report should carry (what the source cannot see, for example)
     * @param slowdown what the source added to the block's time, or empty
     */
    public RecordingResult {
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(slowdown, "slowdown");
        notes = List.copyOf(notes);
    }

    /**
     * A result from a source that does not slow the block.
     *
     * @param counters counter deltas, present for counting profilers, empty for per-operation ones
     * @param notes    caveats the report should carry
     */
    public RecordingResult(Optional<IoCounters> counters, List<String> notes) {
        this(counters, notes, Optional.empty());
    }

    /**
     * @param counters the deltas over the window
     * @param notes    caveats for the report
     * @return the result of a counting recording
     */
    public static RecordingResult ofCounters(IoCounters counters, String... notes) {
        return new RecordingResult(Optional.of(counters), List.of(notes));
    }

    /**
     * @param notes caveats for the report
     * @return the result of a per-operation recording, whose operations were given to the sink
     */
    public static RecordingResult ofOperations(String... notes) {
        return new RecordingResult(Optional.empty(), List.of(notes));
    }

    /**
     * @param s what the source added to the block's time
     * @return a copy that carries it
     */
    public RecordingResult withSlowdown(Slowdown s) {
        return new RecordingResult(counters, notes, Optional.of(s));
    }
}
