package dev.iops.spi;

import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Reads a provider's options from system properties, each checked against what it accepts: a value out of range or
 * of the wrong kind is refused with a message that names the property, the value and the accepted range, never
 * clamped or replaced by the default in silence. An unset or blank property gives the default.
 *
 * <pre>{@code
 * long timeoutMillis = PropertyValues.wholeNumber("iops.strace.timeout", 10_000, 1, 86_400_000, "milliseconds");
 * // -Diops.strace.timeout=0 -> ProfilerStartException:
 * // "-Diops.strace.timeout=0 is out of range: use a whole number of milliseconds from 1 to 86400000 (default 10000)"
 * }</pre>
 *
 * <p>Read the options where the provider starts, so that a wrong one fails that start. Stateless and thread-safe.
 */
public final class PropertyValues {
    private PropertyValues() {
    }

    /**
     * @param property     the system property, such as {@code "iops.strace.timeout"}
     * @param defaultValue its value when unset or blank
     * @param min          the smallest value accepted
     * @param max          the largest value accepted
     * @param unit         what it counts, plural, for the message: {@code "milliseconds"}, {@code "MiB"}
     * @return the value
     * @throws ProfilerStartException if it is not a whole number from {@code min} to {@code max}
     */
    public static long wholeNumber(String property, long defaultValue, long min, long max, String unit) {
        return wholeNumber(System::getProperty, property, defaultValue, min, max, unit);
    }

    /**
     * {@link #wholeNumber(String, long, long, long, String)} on a given lookup (tests).
     *
     * @param properties the property lookup
     * @param property     the property
     * @param defaultValue its value when unset or blank
     * @param min          the smallest value accepted
     * @param max          the largest value accepted
     * @param unit         what it counts, plural
     * @return the value
     * @throws ProfilerStartException if it is not a whole number from {@code min} to {@code max}
     */
    public static long wholeNumber(UnaryOperator<String> properties, String property, long defaultValue, long min,
                                   long max, String unit) {
        String v = properties.apply(property);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        String range = "use a whole number of " + unit + " from " + min + " to " + max + " (default " + defaultValue
                + ")";
        long value;
        try {
            value = Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ProfilerStartException("-D" + property + "=" + v + " is not a whole number: " + range);
        }
        if (value < min || value > max) {
            throw new ProfilerStartException("-D" + property + "=" + v + " is out of range: " + range);
        }
        return value;
    }

    /**
     * @param property     the system property
     * @param defaultValue its value when unset or blank
     * @return the value: {@code true} or {@code false}, in any case
     * @throws ProfilerStartException for any other value
     */
    public static boolean trueOrFalse(String property, boolean defaultValue) {
        return trueOrFalse(System::getProperty, property, defaultValue);
    }

    /**
     * {@link #trueOrFalse(String, boolean)} on a given lookup (tests).
     *
     * @param properties   the property lookup
     * @param property     the property
     * @param defaultValue its value when unset or blank
     * @return the value
     * @throws ProfilerStartException for a value other than {@code true} or {@code false}
     */
    public static boolean trueOrFalse(UnaryOperator<String> properties, String property, boolean defaultValue) {
        return Boolean.parseBoolean(oneOf(properties, property, Boolean.toString(defaultValue), "true", "false"));
    }

    /**
     * @param property     the system property
     * @param defaultValue its value when unset or blank
     * @param accepted     the values accepted, lower case
     * @return the value, trimmed and in lower case
     * @throws ProfilerStartException for any other value
     */
    public static String oneOf(String property, String defaultValue, String... accepted) {
        return oneOf(System::getProperty, property, defaultValue, accepted);
    }

    /**
     * {@link #oneOf(String, String, String...)} on a given lookup (tests).
     *
     * @param properties   the property lookup
     * @param property     the property
     * @param defaultValue its value when unset or blank
     * @param accepted     the values accepted, lower case
     * @return the value, trimmed and in lower case
     * @throws ProfilerStartException for any other value
     */
    public static String oneOf(UnaryOperator<String> properties, String property, String defaultValue,
                               String... accepted) {
        String v = properties.apply(property);
        if (v == null || v.isBlank()) {
            return defaultValue;
        }
        String value = v.trim().toLowerCase(Locale.ROOT);
        if (!List.of(accepted).contains(value)) {
            throw new ProfilerStartException("-D" + property + "=" + v + " is not " + (accepted.length == 2
                    ? accepted[0] + " or " + accepted[1] : "one of " + String.join(", ", accepted)) + " (default "
                    + defaultValue + ")");
        }
        return value;
    }
}
