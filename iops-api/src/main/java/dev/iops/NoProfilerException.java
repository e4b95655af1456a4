package dev.iops;

import java.util.List;

/**
 * No profiler can measure what was asked here. The message lists every candidate with the reason it was not
 * used, and what to add or change.
 */
public class NoProfilerException extends IopsException {
    private static final long serialVersionUID = 1L;

    private final transient List<ProfilerInfo> candidates;

    /**
     * @param message    the full explanation
     * @param candidates every profiler that was considered, with its state
     */
    public NoProfilerException(String message, List<ProfilerInfo> candidates) {
        super(message);
        this.candidates = List.copyOf(candidates);
    }

    /** @return every profiler that was considered, in selection order */
    public List<ProfilerInfo> candidates() {
        return candidates == null ? List.of() : candidates;
    }
}
