package dev.iops.spi;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Options read from system properties are checked, never clamped or defaulted in silence (issue 19, item 7). */
class PropertyValuesTest {
    private static UnaryOperator<String> given(String property, String value) {
        return Map.of(property, value)::get;
    }

    @Test
    void anUnsetOrBlankPropertyGivesTheDefault() {
        assertThat(PropertyValues.wholeNumber(k -> null, "iops.x.timeout", 10_000, 1, 86_400_000, "milliseconds"))
                .isEqualTo(10_000);
        assertThat(PropertyValues.wholeNumber(given("iops.x.timeout", " "), "iops.x.timeout", 10_000, 1, 86_400_000,
                "milliseconds")).isEqualTo(10_000);
        assertThat(PropertyValues.trueOrFalse(k -> null, "iops.x.on", true)).isTrue();
        assertThat(PropertyValues.oneOf(given("iops.x.pin", ""), "iops.x.pin", "false", "false", "true", "thread"))
                .isEqualTo("false");
    }

    @Test
    void acceptsTheBoundsAndAnyCaseAndSpaces() {
        assertThat(PropertyValues.wholeNumber(given("iops.x.timeout", " 1 "), "iops.x.timeout", 10_000, 1, 5, "ms"))
                .isEqualTo(1);
        assertThat(PropertyValues.wholeNumber(given("iops.x.timeout", "5"), "iops.x.timeout", 10_000, 1, 5, "ms"))
                .isEqualTo(5);
        assertThat(PropertyValues.trueOrFalse(given("iops.x.on", "FALSE"), "iops.x.on", true)).isFalse();
        assertThat(PropertyValues.oneOf(given("iops.x.pin", " Thread"), "iops.x.pin", "false", "false", "true",
                "thread")).isEqualTo("thread");
    }

    @Test
    void refusesAValueOutOfRangeNamingThePropertyAndTheRange() {
        for (String v : new String[] {"0", "-1"}) {
            assertThatThrownBy(() -> PropertyValues.wholeNumber(given("iops.strace.timeout", v), "iops.strace.timeout",
                    10_000, 1, 86_400_000, "milliseconds")).isInstanceOf(ProfilerStartException.class)
                    .hasMessage("-Diops.strace.timeout=" + v + " is out of range: use a whole number of milliseconds "
                            + "from 1 to 86400000 (default 10000)");
        }
    }

    @Test
    void refusesWhatIsNotANumber() {
        assertThatThrownBy(() -> PropertyValues.wholeNumber(given("iops.perf.linger", "5s"), "iops.perf.linger", 0, 0,
                86_400_000, "milliseconds")).isInstanceOf(ProfilerStartException.class)
                .hasMessage("-Diops.perf.linger=5s is not a whole number: use a whole number of milliseconds from 0 to "
                        + "86400000 (default 0)");
    }

    @Test
    void refusesWhatIsNeitherTrueNorFalse() {
        assertThatThrownBy(() -> PropertyValues.trueOrFalse(given("iops.warmup", "nope"), "iops.warmup", true))
                .isInstanceOf(ProfilerStartException.class)
                .hasMessage("-Diops.warmup=nope is not true or false (default true)");
    }

    @Test
    void refusesAChoiceNotOffered() {
        assertThatThrownBy(() -> PropertyValues.oneOf(given("iops.strace.pin", "cpu0"), "iops.strace.pin", "false",
                "false", "true", "thread")).isInstanceOf(ProfilerStartException.class)
                .hasMessage("-Diops.strace.pin=cpu0 is not one of false, true, thread (default false)");
    }
}
