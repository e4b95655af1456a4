package dev.iops.spi;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a recording returns when it stops: counter deltas from a counting profiler, or nothing but notes from
 * a per-operation profiler (whose operations went to the {@link OpSink}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param counters counter deltas, present for counting profilers, empty for per-operation ones
 * @param notes    caveats the report should carry (what the source cannot see, for example)
 */
public record RecordingResult(Optional<IoCounters> counters, List<String> notes) {
    /**
     * Validates and copies the value.
     *
     * @param counters counter deltas, present for counting profilers, empty for per-operation ones
     * @param notes    caveats the report should carry (what the source cannot see, for example)
     */
    public RecordingResult {
        Objects.requireNonNull(counters, "counters");
        notes = List.copyOf(notes);
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
}
