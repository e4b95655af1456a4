package dev.iops.jupyter;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MagicOptionsTest {

    @Test
    void parsesEveryOptionOfTheCellMagic() {
        MagicOptions o = MagicOptions.parse("%%iops",
                List.of("--histogram", "--profiler", "strace", "--thread", "--json"), false);
        assertThat(o).isEqualTo(new MagicOptions(true, Optional.of("strace"), true, true, false, ""));
    }

    @Test
    void noOptionsMeansProcessScopeBestProfilerNoCharts() {
        assertThat(MagicOptions.parse("%%iops", List.of(), false))
                .isEqualTo(new MagicOptions(false, Optional.empty(), false, false, false, ""));
    }

    @Test
    void acceptsProfilerWithEqualsSign() {
        assertThat(MagicOptions.parse("%%iops", List.of("--profiler=jfr"), false).profiler()).contains("jfr");
    }

    @Test
    void refusesAPrefixOfAnOptionInsteadOfMatchingIt() {
        assertThatThrownBy(() -> MagicOptions.parse("%%iops", List.of("--hist"), false))
                .isInstanceOf(MagicOptions.MagicUsageException.class)
                .hasMessage("%%iops: unknown option '--hist'; nothing was run (usage above)");
    }

    @Test
    void refusesAnOptionThatOnlyContainsAKnownOne() {
        assertThatThrownBy(() -> MagicOptions.parse("%%iops", List.of("--histogramx"), false))
                .hasMessageStartingWith("%%iops: unknown option '--histogramx';");
    }

    @Test
    void refusesProfilerWithoutAName() {
        assertThatThrownBy(() -> MagicOptions.parse("%%iops", List.of("--profiler"), false))
                .hasMessageStartingWith("%%iops: --profiler needs a profiler name, e.g. --profiler jfr;");
        assertThatThrownBy(() -> MagicOptions.parse("%%iops", List.of("--profiler", "--thread"), false))
                .hasMessageStartingWith("%%iops: --profiler needs a profiler name");
    }

    @Test
    void refusesAnArgumentThatIsNotAnOptionOnTheCellLine() {
        assertThatThrownBy(() -> MagicOptions.parse("%%iops", List.of("histogram"), false))
                .hasMessageStartingWith("%%iops: unexpected argument 'histogram';");
    }

    @Test
    void lineMagicTakesLeadingOptionsThenTheStatement() {
        MagicOptions o = MagicOptions.parse("%iops",
                List.of("--thread", "java.nio.file.Files.write(p,", "new", "byte[10])"), true);
        assertThat(o.thread()).isTrue();
        assertThat(o.statement()).isEqualTo("java.nio.file.Files.write(p, new byte[10])");
    }

    @Test
    void lineMagicKeepsLaterDashesInTheStatement() {
        MagicOptions o = MagicOptions.parse("%iops", List.of("x", "--json"), true);
        assertThat(o.json()).isFalse();
        assertThat(o.statement()).isEqualTo("x --json");
    }

    @Test
    void lineMagicWithoutStatementGivesTheUsage() {
        assertThatThrownBy(() -> MagicOptions.parse("%iops", List.of("--json"), true))
                .hasMessage("%iops: no statement to measure; nothing was run (usage above)");
    }

    @Test
    void helpNeedsNoStatement() {
        assertThat(MagicOptions.parse("%iops", List.of("--help"), true).help()).isTrue();
    }
}
