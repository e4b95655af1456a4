package dev.iops;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a per-operation profiler (a tracer) saw beyond the totals: where the I/O went, how long it took,
 * how many calls failed, and when in the block it happened. Count-only profilers produce none.
 *
 * <p>Memory is bounded whatever the number of operations: at most {@link #MAX_TRACKED_PATHS} distinct
 * paths are tracked (later ones are counted under {@link #untrackedPaths()}), and the report keeps the
 * {@link #MAX_TOP_PATHS} busiest.
 *
 * <p>Immutable and thread-safe.
 *
 * @param byTarget       totals per kind of target; kinds with no operation are absent
 * @param topPaths       busiest paths, by operations then bytes, descending; at most {@link #MAX_TOP_PATHS}
 * @param distinctPaths  number of distinct paths tracked
 * @param untrackedPaths totals of operations on paths beyond the tracked ones (zero when none)
 * @param latency        latency per operation kind, for profilers that time operations
 * @param errors         failed calls (they are not counted as operations), {@code >= 0}
 * @param timeline       operations by time and size, when the profiler timestamps operations
 * @param topSites       busiest Java call sites, by operations then bytes, descending; empty unless call sites
 *                       were asked for ({@code Iops.with().callSites()}); at most {@link #MAX_TOP_PATHS}; sites
 *                       beyond the first {@link #MAX_TRACKED_PATHS} are not listed
 */
public record OpDetail(Map<TargetKind, IoTotals> byTarget, List<PathStats> topPaths, int distinctPaths,
                       IoTotals untrackedPaths, Map<OpKind, LatencySummary> latency, long errors,
                       Optional<TimeSizeGrid> timeline, List<SiteStats> topSites) {
    /** Number of distinct paths tracked before further paths are lumped together. */
    public static final int MAX_TRACKED_PATHS = 4096;
    /** Number of paths kept in {@link #topPaths()}. */
    public static final int MAX_TOP_PATHS = 20;

    /**
     * Validates and copies the value.
     *
     * @param byTarget       totals per kind of target; kinds with no operation are absent
     * @param topPaths       busiest paths, by operations then bytes, descending; at most {@link #MAX_TOP_PATHS}
     * @param distinctPaths  number of distinct paths tracked
     * @param untrackedPaths totals of operations on paths beyond the tracked ones (zero when none)
     * @param latency        latency per operation kind, for profilers that time operations
     * @param errors         failed calls (they are not counted as operations), {@code >= 0}
     * @param timeline       operations by time and size, when the profiler timestamps operations
     * @param topSites       busiest Java call sites, by operations then bytes, descending; empty unless call sites
     *                       were asked for ({@code Iops.with().callSites()}); at most {@link #MAX_TOP_PATHS}; sites
     *                       beyond the first {@link #MAX_TRACKED_PATHS} are not listed
     * @throws IllegalArgumentException on negative counts or too many paths
     */
    public OpDetail {
        byTarget = Collections.unmodifiableMap(byTarget.isEmpty()
                ? new EnumMap<>(TargetKind.class) : new EnumMap<>(byTarget));
        topPaths = List.copyOf(topPaths);
        topSites = List.copyOf(topSites);
        latency = Collections.unmodifiableMap(latency.isEmpty()
                ? new EnumMap<>(OpKind.class) : new EnumMap<>(latency));
        Objects.requireNonNull(untrackedPaths, "untrackedPaths");
        Objects.requireNonNull(timeline, "timeline");
        if (errors < 0 || distinctPaths < 0) {
            throw new IllegalArgumentException("errors and distinctPaths must be >= 0");
        }
        if (topPaths.size() > MAX_TOP_PATHS || topSites.size() > MAX_TOP_PATHS) {
            throw new IllegalArgumentException("at most " + MAX_TOP_PATHS + " top paths and sites, got "
                    + topPaths.size() + " and " + topSites.size());
        }
    }

    /**
     * Detail without call sites.
     *
     * @param byTarget       totals per kind of target
     * @param topPaths       busiest paths
     * @param distinctPaths  number of distinct paths tracked
     * @param untrackedPaths totals beyond the tracked paths
     * @param latency        latency per operation kind
     * @param errors         failed calls
     * @param timeline       operations by time and size
     */
    public OpDetail(Map<TargetKind, IoTotals> byTarget, List<PathStats> topPaths, int distinctPaths,
                    IoTotals untrackedPaths, Map<OpKind, LatencySummary> latency, long errors,
                    Optional<TimeSizeGrid> timeline) {
        this(byTarget, topPaths, distinctPaths, untrackedPaths, latency, errors, timeline, List.of());
    }
}
