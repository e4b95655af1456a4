package dev.iops.spi;

import java.util.Objects;

/**
 * Whether a profiler can run on this machine, and why not.
 *
 * <p>Immutable and thread-safe.
 *
 * @param usable        true if the profiler can start here
 * @param reason        one line saying why it cannot, and what would make it usable; empty when usable
 * @param otherPlatform true if the profiler is made for another operating system, so that nothing a user can
 *                      change on this one would make it usable ({@link #forOtherPlatform}); automatic selection then
 *                      passes it over without a note in the report, and {@code Iops.profilers()} still lists it
 *                      with its reason
 */
public record Availability(boolean usable, String reason, boolean otherPlatform) {
    private static final Availability READY = new Availability(true, "", false);

    /**
     * Validates the value.
     *
     * @param usable        true if the profiler can start here
     * @param reason        one line saying why it cannot, and what would make it usable; empty when usable
     * @param otherPlatform true if the profiler is made for another operating system
     * @throws IllegalArgumentException if an unusable profiler gives no reason, or a usable one says it is made
     *                                  for another operating system
     */
    public Availability {
        Objects.requireNonNull(reason, "reason");
        if (!usable && reason.isBlank()) {
            throw new IllegalArgumentException("an unusable profiler must say why");
        }
        if (usable && otherPlatform) {
            throw new IllegalArgumentException("a profiler made for another operating system is not usable here");
        }
    }

    /**
     * An availability on this machine's operating system.
     *
     * @param usable true if the profiler can start here
     * @param reason one line saying why it cannot, and what would make it usable; empty when usable
     * @throws IllegalArgumentException if an unusable profiler gives no reason
     */
    public Availability(boolean usable, String reason) {
        this(usable, reason, false);
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
        return new Availability(false, reason, false);
    }

    /**
     * The availability of a profiler made for another operating system ({@code fs_usage} on Linux, {@code procfs}
     * on Windows): a class path that carries every platform's module is normal, so selection passes such a
     * profiler over silently, where an unusable profiler of this platform gets a note saying why.
     *
     * @param reason one line naming the operating system it needs and this one
     * @return the availability of a profiler that cannot run on this operating system
     */
    public static Availability forOtherPlatform(String reason) {
        return new Availability(false, reason, true);
    }
}
