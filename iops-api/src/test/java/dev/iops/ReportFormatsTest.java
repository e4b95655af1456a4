package dev.iops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** toText() word for word, and toJson() parsed back with a real JSON library, every field compared. */
class ReportFormatsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static IopsReport counted() {
        return IopsReport.of("procfs", Scope.THREAD, Duration.ofNanos(12_345_678), 1001, 1000, 4_096_000, 4_096_000)
                .withStorage(new StorageBytes(0, 4_100_096))
                .withNote("a note with \"quotes\"\nand a newline");
    }

    static IopsReport traced() {
        SizeHistogram h = SizeHistogram.builder().record(OpKind.READ, 0).build();
        SizeHistogram.Builder b = SizeHistogram.builder().addAll(h);
        for (int i = 0; i < 1000; i++) {
            b.record(OpKind.WRITE, 4096);
        }
        long[] cells = new long[2 * 14];
        cells[13] = 600;
        cells[14 + 13] = 400;
        cells[14] = 1;
        OpDetail detail = new OpDetail(
                Map.of(TargetKind.FILE, new IoTotals(1, 1000, 0, 4_096_000)),
                List.of(new PathStats("/tmp/a \"b\".dat", TargetKind.FILE, new IoTotals(1, 1000, 0, 4_096_000))),
                1, IoTotals.ZERO,
                Map.of(OpKind.WRITE, new LatencySummary(1000, Duration.ofNanos(2100), Duration.ofNanos(3000),
                        Duration.ofNanos(9000), Duration.ofNanos(41_000))),
                2, Optional.of(new TimeSizeGrid(Duration.ofMillis(5), 2, 14, cells)),
                List.of(new SiteStats("com.example.Store.flush:42", new IoTotals(0, 1000, 0, 4_096_000))));
        return new IopsReport("strace", Scope.PROCESS, Duration.ofMillis(10), 1, 1000, 0, 4_096_000,
                EnumSet.allOf(Figure.class), Optional.empty(), Optional.of(b.build()), Optional.of(detail), List.of());
    }

    @Test
    void textIsATableWithBinaryUnits() {
        assertThat(counted().toText()).isEqualTo("""
                iops report: profiler procfs, scope THREAD, elapsed 12.35 ms
                                         read          write          total
                operations              1,001          1,000          2,001
                bytes                 3.9 MiB        3.9 MiB        7.8 MiB
                IOPS                   81,081         81,000        162,081
                throughput        316.4 MiB/s    316.4 MiB/s    632.8 MiB/s
                storage bytes             0 B        3.9 MiB        3.9 MiB

                notes:
                  - a note with "quotes"
                and a newline
                """);
    }

    @Test
    void textShowsHistogramTargetsPathsLatencyAndErrors() {
        assertThat(traced().toText()).isEqualTo("""
                iops report: profiler strace, scope PROCESS, elapsed 10.00 ms
                                         read          write          total
                operations                  1          1,000          1,001
                bytes                     0 B        3.9 MiB        3.9 MiB
                IOPS                      100        100,000        100,100
                throughput            0.0 B/s    390.6 MiB/s    390.6 MiB/s

                bytes per operation        read ops    write ops   read bytes  write bytes
                0 B                               1            0          0 B          0 B
                [4 KiB, 8 KiB)                    0        1,000          0 B      3.9 MiB

                by target                  read ops    write ops   read bytes  write bytes
                file                              1        1,000          0 B      3.9 MiB

                top paths                  read ops    write ops   read bytes  write bytes
                /tmp/a "b".dat                    1        1,000          0 B      3.9 MiB

                top call sites             read ops    write ops   read bytes  write bytes
                com.example.Store.flush:42
                                                  0        1,000          0 B      3.9 MiB

                latency                         p50          p90          p99          max
                write                        2.1 µs       3.0 µs       9.0 µs      41.0 µs

                failed calls: 2
                """);
    }

    @Test
    void jsonCarriesEveryFieldOfACountedReport() throws Exception {
        IopsReport r = counted();
        JsonNode j = JSON.readTree(r.toJson());
        assertThat(j.get("schema").asText()).isEqualTo("iops-report/1");
        assertThat(j.get("profiler").asText()).isEqualTo("procfs");
        assertThat(j.get("scope").asText()).isEqualTo("THREAD");
        assertThat(j.get("elapsedNanos").asLong()).isEqualTo(12_345_678);
        assertThat(j.get("measured")).extracting(JsonNode::asText)
                .containsExactly("readOps", "writeOps", "bytesRead", "bytesWritten");
        assertThat(j.get("readOps").asLong()).isEqualTo(1001);
        assertThat(j.get("writeOps").asLong()).isEqualTo(1000);
        assertThat(j.get("bytesRead").asLong()).isEqualTo(4_096_000);
        assertThat(j.get("bytesWritten").asLong()).isEqualTo(4_096_000);
        assertThat(j.get("totalOps").asLong()).isEqualTo(2001);
        assertThat(j.get("totalBytes").asLong()).isEqualTo(8_192_000);
        // Rates over 12,345,678 ns, worked out by hand: 2001 / 0.012345678 s and so on.
        assertThat(j.get("iops").asDouble()).isCloseTo(162_081.0133, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(j.get("readIops").asDouble()).isCloseTo(81_081.0066, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(j.get("writeIops").asDouble()).isCloseTo(81_000.0066, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(j.get("bytesPerSecond").asDouble()).isCloseTo(663_552_054.411, org.assertj.core.data.Offset.offset(1e-2));
        assertThat(j.get("readBytesPerSecond").asDouble()).isCloseTo(331_776_027.206, org.assertj.core.data.Offset.offset(1e-2));
        assertThat(j.get("writeBytesPerSecond").asDouble()).isCloseTo(331_776_027.206, org.assertj.core.data.Offset.offset(1e-2));
        assertThat(j.get("storage").get("bytesRead").asLong()).isZero();
        assertThat(j.get("storage").get("bytesWritten").asLong()).isEqualTo(4_100_096);
        assertThat(j.get("histogram").isNull()).isTrue();
        assertThat(j.get("detail").isNull()).isTrue();
        assertThat(j.get("notes")).extracting(JsonNode::asText).containsExactly("a note with \"quotes\"\nand a newline");
        assertThat(fieldNames(j)).containsExactly("schema", "profiler", "scope", "elapsedNanos", "measured", "readOps",
                "writeOps", "bytesRead", "bytesWritten", "totalOps", "totalBytes", "iops", "readIops", "writeIops",
                "bytesPerSecond", "readBytesPerSecond", "writeBytesPerSecond", "storage", "histogram", "detail", "notes",
                "devices");
        assertThat(j.get("devices").isNull()).isTrue();
    }

    @Test
    void jsonCarriesHistogramAndDetail() throws Exception {
        IopsReport r = traced();
        JsonNode j = JSON.readTree(r.toJson());
        JsonNode buckets = j.get("histogram").get("buckets");
        assertThat(buckets).hasSize(14);
        for (SizeHistogram.Bucket b : r.histogram().orElseThrow().buckets()) {
            JsonNode n = buckets.get(b.index());
            assertThat(n.get("index").asInt()).isEqualTo(b.index());
            assertThat(n.get("minBytes").asLong()).isEqualTo(b.lowerBoundBytes());
            assertThat(n.get("maxBytesExclusive").asLong()).isEqualTo(b.upperBoundBytes());
            assertThat(n.get("readOps").asLong()).isEqualTo(b.readOps());
            assertThat(n.get("writeOps").asLong()).isEqualTo(b.writeOps());
            assertThat(n.get("readBytes").asLong()).isEqualTo(b.readBytes());
            assertThat(n.get("writeBytes").asLong()).isEqualTo(b.writeBytes());
        }
        JsonNode d = j.get("detail");
        assertThat(d.get("errors").asLong()).isEqualTo(2);
        assertThat(d.get("byTarget").get("FILE").get("writeOps").asLong()).isEqualTo(1000);
        assertThat(d.get("byTarget").get("FILE").get("bytesWritten").asLong()).isEqualTo(4_096_000);
        assertThat(d.get("distinctPaths").asInt()).isEqualTo(1);
        assertThat(d.get("topPaths").get(0).get("path").asText()).isEqualTo("/tmp/a \"b\".dat");
        assertThat(d.get("topPaths").get(0).get("target").asText()).isEqualTo("FILE");
        assertThat(d.get("topPaths").get(0).get("totals").get("readOps").asLong()).isEqualTo(1);
        assertThat(d.get("untrackedPaths").get("writeOps").asLong()).isZero();
        assertThat(d.get("topSites")).hasSize(1);
        assertThat(d.get("topSites").get(0).get("site").asText()).isEqualTo("com.example.Store.flush:42");
        assertThat(d.get("topSites").get(0).get("totals").get("bytesWritten").asLong()).isEqualTo(4_096_000);
        JsonNode w = d.get("latency").get("WRITE");
        assertThat(w.get("count").asLong()).isEqualTo(1000);
        assertThat(w.get("p50Nanos").asLong()).isEqualTo(2100);
        assertThat(w.get("p90Nanos").asLong()).isEqualTo(3000);
        assertThat(w.get("p99Nanos").asLong()).isEqualTo(9000);
        assertThat(w.get("maxNanos").asLong()).isEqualTo(41_000);
        JsonNode t = d.get("timeline");
        assertThat(t.get("binWidthNanos").asLong()).isEqualTo(5_000_000);
        assertThat(t.get("timeBins").asInt()).isEqualTo(2);
        assertThat(t.get("sizeBuckets").asInt()).isEqualTo(14);
        assertThat(t.get("ops").get(0).get(13).asLong()).isEqualTo(600);
        assertThat(t.get("ops").get(1).get(13).asLong()).isEqualTo(400);
        assertThat(t.get("ops").get(1).get(0).asLong()).isEqualTo(1);
    }

    @Test
    void jsonWritesNullForUnmeasuredFigures() throws Exception {
        IopsReport r = new IopsReport("oshi", Scope.PROCESS, Duration.ofSeconds(1), 0, 0, 10, 20,
                EnumSet.of(Figure.BYTES_READ, Figure.BYTES_WRITTEN), Optional.empty(), Optional.empty(),
                Optional.empty(), List.of());
        JsonNode j = JSON.readTree(r.toJson());
        assertThat(j.get("readOps").isNull()).isTrue();
        assertThat(j.get("totalOps").isNull()).isTrue();
        assertThat(j.get("iops").isNull()).isTrue();
        assertThat(j.get("bytesRead").asLong()).isEqualTo(10);
        assertThat(j.get("bytesPerSecond").asDouble()).isEqualTo(30.0);
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> names = new java.util.ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
