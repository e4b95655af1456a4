package dev.iops.spi;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared line test behind the line-oriented formats' {@code detects} (strace, fs_usage). */
class TraceFormatLinesTest {
    /** A line "is in the format" when it starts with "ok". */
    private static boolean detects(String text, int maxLines) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        return TraceFormat.leadingLinesMatch(b, b.length, maxLines,
                (head, from, to) -> to - from >= 2 && head[from] == 'o' && head[from + 1] == 'k');
    }

    @Test
    void everyCompleteLineUpToTheLimitMustPass() {
        assertThat(detects("ok 1\nok 2\n", 8)).isTrue();
        assertThat(detects("ok 1\nno 2\nok 3\n", 8)).isFalse();
        assertThat(detects("ok 1\nok 2\nno 3\n", 2)).as("the third line is past the limit").isTrue();
    }

    @Test
    void blankLinesAreSkippedAndALastLineCutOffIsNotLookedAt() {
        assertThat(detects("\n  \t\nok 1\n\n", 8)).isTrue();
        assertThat(detects("\n \n", 8)).as("nothing but blank lines").isFalse();
        assertThat(detects("ok 1\nno, cut of", 8)).as("the head ends inside the last line").isTrue();
        assertThat(detects("no newline at all", 8)).isFalse();
        assertThat(detects("", 8)).isFalse();
    }
}
