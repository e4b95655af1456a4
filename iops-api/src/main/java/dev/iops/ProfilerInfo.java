package dev.iops;

import dev.iops.spi.Capability;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What iops knows of one profiler found on this JVM, as listed by {@link Iops#profilers()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param name         short id, e.g. {@code "strace"}
 * @param priority     selection priority (higher wins; bands in {@link dev.iops.spi.Profiler#priority()})
 * @param capabilities what it can measure beyond process-wide counts
 * @param usable       whether it can run here
 * @param reason       why not, when not usable; empty when usable
 */
public record ProfilerInfo(String name, int priority, Set<Capability> capabilities, boolean usable, String reason) {
    /**
     * Validates and copies the value.
     *
     * @param name         short id, e.g. {@code "strace"}
     * @param priority     selection priority (higher wins; bands in {@link dev.iops.spi.Profiler#priority()})
     * @param capabilities what it can measure beyond process-wide counts
     * @param usable       whether it can run here
     * @param reason       why not, when not usable; empty when usable
     */
    public ProfilerInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(reason, "reason");
        capabilities = capabilities.isEmpty()
                ? Collections.unmodifiableSet(EnumSet.noneOf(Capability.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(capabilities));
    }

    /** @return one readable line: {@code procfs (priority 200): usable} or {@code ...: not usable: <reason>} */
    @Override
    public String toString() {
        return name + " (priority " + priority + "): " + (usable ? "usable" : "not usable: " + reason);
    }
}
