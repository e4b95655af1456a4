package dev.iops.windows;

import dev.iops.spi.IoCounters;
import dev.iops.spi.RecordingResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure mapping from two IO_COUNTERS readings to report figures, on fixtures (see the fixture's header). */
class ProcessIoCountersTest {
    private static final String FIXTURE = "io-counters-windows.txt";

    static Stream<Arguments> fixtures() throws IOException {
        List<Arguments> cases = new ArrayList<>();
        try (InputStream in = ProcessIoCountersTest.class.getResourceAsStream(FIXTURE)) {
            if (in == null) {
                throw new IOException("missing test resource " + FIXTURE);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            String name = null;
            long[] before = null;
            long[] after = null;
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                String key = line.substring(0, colon);
                String value = line.substring(colon + 1).trim();
                switch (key) {
                    case "case" -> name = value;
                    case "before" -> before = numbers(value);
                    case "after" -> after = numbers(value);
                    case "expect" -> cases.add(Arguments.of(name, before, after, numbers(value)));
                    default -> throw new IOException("unknown key in " + FIXTURE + ": " + line);
                }
            }
        }
        return cases.stream();
    }

    private static long[] numbers(String s) {
        return Arrays.stream(s.split("\\s+")).mapToLong(Long::parseLong).toArray();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void mapsTwoReadingsToTheWindowsFigures(String name, long[] before, long[] after, long[] expect) {
        RecordingResult result = ProcessIoCounters.window(ProcessIoCounters.ofStructure(before),
                ProcessIoCounters.ofStructure(after));
        IoCounters c = result.counters().orElseThrow();
        assertThat(new long[]{c.readOps(), c.writeOps(), c.bytesRead(), c.bytesWritten()})
                .containsExactly(expect[0], expect[1], expect[2], expect[3]);
        assertThat(c.measured()).hasSize(4);
        assertThat(c.storage()).isEmpty();
        assertThat(result.notes().get(0)).isEqualTo(ProcessIoCounters.ALL_IO_NOTE);
        if (expect[4] == 0 && expect[5] == 0) {
            assertThat(result.notes()).hasSize(1);
        } else {
            assertThat(result.notes()).hasSize(2);
            assertThat(result.notes().get(1)).startsWith(expect[4] + " other I/O request")
                    .contains("moved " + expect[5] + " bytes");
        }
    }

    @Test
    void readsTheStructureFieldsInDeclarationOrder() {
        ProcessIoCounters r = ProcessIoCounters.ofStructure(new long[]{1, 2, 3, 4, 5, 6});
        assertThat(r).isEqualTo(new ProcessIoCounters(1, 2, 3, 4, 5, 6));
        assertThat(r.readOperations()).isEqualTo(1);
        assertThat(r.writeOperations()).isEqualTo(2);
        assertThat(r.otherOperations()).isEqualTo(3);
        assertThat(r.readTransferBytes()).isEqualTo(4);
        assertThat(r.writeTransferBytes()).isEqualTo(5);
        assertThat(r.otherTransferBytes()).isEqualTo(6);
    }

    @Test
    void saysOneOtherRequestInTheSingular() {
        RecordingResult r = ProcessIoCounters.window(new ProcessIoCounters(0, 0, 0, 0, 0, 0),
                new ProcessIoCounters(0, 0, 1, 0, 0, 0));
        assertThat(r.notes().get(1)).isEqualTo("1 other I/O request (neither read nor write, such as device-control "
                + "calls) moved 0 bytes; they are not in these figures");
    }

    @Test
    void rejectsAStructureOfTheWrongSize() {
        assertThatThrownBy(() -> ProcessIoCounters.ofStructure(new long[5]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("IO_COUNTERS has 6 fields, got 5");
    }

    @Test
    void rejectsAnUnsignedValueBeyondTheSignedRange() {
        assertThatThrownBy(() -> ProcessIoCounters.ofStructure(new long[]{0, 0, 0, -1, 0, 0}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an IO_COUNTERS value is >= 2^63 (read as negative): [0, 0, 0, -1, 0, 0]");
    }

    @Test
    void rejectsACounterThatWentBackwards() {
        assertThatThrownBy(() -> ProcessIoCounters.window(new ProcessIoCounters(10, 0, 0, 0, 0, 0),
                new ProcessIoCounters(9, 0, 0, 0, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ReadOperationCount went backwards, from 10 to 9: the two readings are not of the same "
                        + "process, or are swapped");
    }
}
