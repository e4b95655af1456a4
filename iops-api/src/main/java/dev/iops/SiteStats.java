package dev.iops;

import java.util.Objects;

/**
 * Totals of the operations made from one Java call site: the first stack frame outside the JDK and iops, as
 * {@code com.example.Store.flush:42} (class, method, line; line {@code -1} when unknown).
 *
 * <p>Immutable and thread-safe.
 *
 * @param site   the call site, never {@code null}
 * @param totals operations and bytes made from it
 */
public record SiteStats(String site, IoTotals totals) {
    /**
     * Validates the value.
     *
     * @param site   the call site, never {@code null}
     * @param totals operations and bytes made from it
     */
    public SiteStats {
        Objects.requireNonNull(site, "site");
        Objects.requireNonNull(totals, "totals");
    }
}
