package dev.iops.spi;

import java.util.Objects;

/**
 * Whether a profiler can run on this machine, and why not.
 *
 * <p>Immutable and thread-safe.
 *
 * @param usable true if the profiler can start here
 * @param reason one line saying why it cannot, and what would make it usable; empty when usable
 */
public record Availability(boolean usable, String reason) {
    private static final Availability READY = new Availability(true, "");

    /**
     * Validates the value.
     *
     * @param usable true if the profiler can start here
     * @param reason one line saying why it cannot, and what would make it usable; empty when usable
     * @throws IllegalArgumentException if an unusable profiler gives no reason
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!usable && reason.isBlank()) {
            throw new IllegalArgumentException("an unusable profiler must say why");
        }
    }

    /** @return the availability of a profiler that can run */
    public static Availability ready() {
        return READY;
    }

    /**
     * @param reason one line: what is missing and what would make the profiler usable
     * @return the availability of a profiler that cannot run
     */
    public static Availability unusable(String reason) {
        return new Availability(false, reason);
    }
}
