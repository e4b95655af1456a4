package dev.iops.junit;

/**
 * What {@link IopsExtension} does with a test when no iops profiler can measure it here (for example a test suite
 * that runs on a machine without the provider module for its OS).
 */
public enum NoProfilerPolicy {
    /**
     * Follow the configuration parameter {@value IopsExtension#NO_PROFILER_PARAMETER} ({@code skip} or {@code fail},
     * for example in {@code junit-platform.properties} or as {@code -Diops.junit.noProfiler=fail}); {@link #SKIP}
     * when it is not set.
     */
    DEFAULT,
    /**
     * Abort the test through an assumption: it is reported as skipped, with the reason why no profiler could
     * measure.
     */
    SKIP,
    /** Fail the test with the {@link dev.iops.NoProfilerException} that says why no profiler could measure. */
    FAIL
}
