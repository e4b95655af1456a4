package dev.iops;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.iops.fake.FakeCounterProfiler;
import dev.iops.fake.FakeTracerProfiler;
import dev.iops.spi.IoCounters;
import dev.iops.spi.Op;
import dev.iops.spi.RecordingFailedException;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * {@code IopsReport.fromJson(r.toJson())} equals {@code r} on every field, and writes the same JSON again: on
 * reports measured here (jfr, the fake counter and tracer, a partial report) and on hand-built edge values.
 */
class ReportJsonRoundTripTest {
    /** Strict outside reader: the JSON must be valid for a real library too (no NaN, no duplicate names). */
    private static final JsonMapper JACKSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

    /** Every character that needs care in JSON or UTF-8: quotes, backslash, all C0 controls, DEL, U+2028/9,
     *  non-ASCII letters, a character beyond the BMP, lone surrogates and a byte order mark. */
    static final String NASTY;

    static {
        StringBuilder sb = new StringBuilder("a \"quoted\" \\back\\slash\\ /solidus/ é 日本 😀 lone\uD800 low\uDC00"
                + " reversed\uDC00\uD800 bom\uFEFF ls\u2028 ps\u2029 del\u007F controls:");
        for (char c = 0; c < 0x20; c++) {
            sb.append(c);
        }
        NASTY = sb.toString();
    }

    /**
     * Asserts the round trip of one report: equal, same hash, same JSON and text, valid for Jackson, and the
     * same after the JSON went through UTF-8 bytes and through a Reader.
     *
     * @return the JSON
     */
    static String assertRoundTrip(IopsReport r) throws IOException {
        String json = r.toJson();
        IopsReport back = IopsReport.fromJson(json);
        assertThat(back).isEqualTo(r);
        assertThat(back.hashCode()).isEqualTo(r.hashCode());
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.toText()).isEqualTo(r.toText());
        assertThat(IopsReport.fromJson(new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)))
                .isEqualTo(r);
        assertThat(IopsReport.fromJson(new StringReader(json))).isEqualTo(r);
        JACKSON.readTree(json);
        return json;
    }

    @Nested
    class HandBuilt {
        @Test
        void countedAndTracedReportsReadBack() throws IOException {
            assertRoundTrip(ReportFormatsTest.counted());
            assertRoundTrip(ReportFormatsTest.traced());
        }

        @Test
        void aZeroElapsedTimeWritesNullRatesAndReadsBack() throws IOException {
            IopsReport r = IopsReport.of("procfs", Scope.PROCESS, Duration.ZERO, 1, 2, 3, 4);
            assertThat(r.iops()).isInfinite();
            JsonNode j = JACKSON.readTree(assertRoundTrip(r));
            for (String rate : List.of("iops", "readIops", "writeIops", "bytesPerSecond", "readBytesPerSecond",
                    "writeBytesPerSecond")) {
                assertThat(j.get(rate).isNull()).as(rate).isTrue();
            }
            assertThat(r.toJson()).doesNotContain("Infinity").doesNotContain("NaN");
            // nothing counted over no time: 0, not null
            JsonNode idle = JACKSON.readTree(assertRoundTrip(IopsReport.of("procfs", Scope.THREAD, Duration.ZERO, 0, 0,
                    0, 0)));
            assertThat(idle.get("iops").asDouble()).isZero();
            assertThat(idle.get("iops").isNull()).isFalse();
        }

        @Test
        void longMaxValueFiguresReadBackAndTheirSumsAreExact() throws IOException {
            long max = Long.MAX_VALUE;
            IopsReport r = IopsReport.of("p", Scope.THREAD, Duration.ofNanos(max), max, max, max, max)
                    .withStorage(new StorageBytes(max, max))
                    .withDevices(List.of(new DeviceIo("vda", max, max, max, max, Duration.ofNanos(max))));
            JsonNode j = JACKSON.readTree(assertRoundTrip(r));
            BigInteger twice = BigInteger.valueOf(max).shiftLeft(1);
            assertThat(j.get("totalOps").bigIntegerValue()).isEqualTo(twice);
            assertThat(j.get("totalBytes").bigIntegerValue()).isEqualTo(twice);
            assertThat(j.get("iops").asDouble()).isEqualTo(2e9);
            assertThat(j.get("readIops").asDouble()).isEqualTo(1e9);
        }

        @Test
        void ratesReadBackToTheSameDoubles() throws IOException {
            IopsReport r = IopsReport.of("p", Scope.PROCESS, Duration.ofNanos(3), 1, 2, 7, 1);
            JsonNode j = JACKSON.readTree(assertRoundTrip(r));
            assertThat(Double.parseDouble(j.get("readIops").asText())).isEqualTo(r.readIops());
            assertThat(j.get("readIops").asText()).isEqualTo(Double.toString(1e9 / 3));
            assertThat(j.get("bytesPerSecond").asText()).isEqualTo(Double.toString(r.throughput()));
        }

        @Test
        void unmeasuredFiguresReadBackUnmeasured() throws IOException {
            IopsReport r = new IopsReport("oshi", Scope.PROCESS, Duration.ofSeconds(1), 0, 0, 10, 20,
                    EnumSet.of(Figure.BYTES_READ, Figure.BYTES_WRITTEN), Optional.empty(), Optional.empty(),
                    Optional.empty(), List.of());
            assertRoundTrip(r);
            IopsReport none = new IopsReport("none", Scope.THREAD, Duration.ofNanos(1), 0, 0, 0, 0,
                    EnumSet.noneOf(Figure.class), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
            assertRoundTrip(none);
            assertThat(IopsReport.fromJson(none.toJson()).isMeasured(Figure.READ_OPS)).isFalse();
        }

        @Test
        void anEmptyHistogramAndEmptyDetailReadBackPresent() throws IOException {
            OpDetail empty = new OpDetail(Map.of(), List.of(), 0, IoTotals.ZERO, Map.of(), 0, Optional.empty());
            IopsReport r = IopsReport.of("t", Scope.PROCESS, Duration.ofNanos(5), 0, 0, 0, 0)
                    .withHistogram(SizeHistogram.empty()).withDetail(empty);
            assertRoundTrip(r);
            IopsReport back = IopsReport.fromJson(r.toJson());
            assertThat(back.histogram()).contains(SizeHistogram.empty());
            assertThat(back.detail()).contains(empty);
        }

        @Test
        void quotesControlCharactersUnicodeAndLoneSurrogatesReadBack() throws IOException {
            List<PathStats> paths = new ArrayList<>();
            List<SiteStats> sites = new ArrayList<>();
            for (int i = 0; i < OpDetail.MAX_TOP_PATHS; i++) {
                paths.add(new PathStats(NASTY + i, TargetKind.values()[i % TargetKind.values().length],
                        new IoTotals(i, 1, 2, 3)));
                sites.add(new SiteStats(NASTY.substring(i) + ":" + i, new IoTotals(1, i, 3, 2)));
            }
            OpDetail detail = new OpDetail(Map.of(TargetKind.UNKNOWN, new IoTotals(4, 5, 6, 7)), paths, 4096,
                    new IoTotals(1, 2, 3, 4), Map.of(), 3, Optional.empty(), sites);
            IopsReport r = new IopsReport(NASTY, Scope.PROCESS, Duration.ofMillis(3), 0, 0, 0, 0,
                    EnumSet.allOf(Figure.class), Optional.empty(), Optional.empty(), Optional.of(detail),
                    List.of(NASTY, "", "second\r\nline"), List.of(new DeviceIo(NASTY, 1, 2, 3, 4, Duration.ZERO)));
            String json = assertRoundTrip(r);
            assertThat(json).doesNotContain("\uD800").doesNotContain("\n").contains("lone\\ud800");
            assertThat(JACKSON.readTree(json).get("notes").get(0).asText()).isEqualTo(NASTY);
        }

        @Test
        void everyHistogramBucketAndExtremeCountsReadBack() throws IOException {
            SizeHistogram.Builder b = SizeHistogram.builder();
            for (int i = 0; i < SizeHistogram.MAX_BUCKETS; i += 3) {
                b.add(OpKind.READ, i, i, 7L * i);
            }
            b.add(OpKind.WRITE, 63, Long.MAX_VALUE, Long.MAX_VALUE);
            b.add(OpKind.WRITE, 2, 0, 5); // bytes without an operation: the builder keeps it, so must JSON
            assertRoundTrip(IopsReport.of("t", Scope.PROCESS, Duration.ofNanos(1), 0, 1, 0, 1).withHistogram(b.build()));
        }

        @Test
        void latencyAndTimelinesOfEveryShapeReadBack() throws IOException {
            Map<OpKind, LatencySummary> latency = Map.of(
                    OpKind.READ, new LatencySummary(0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO),
                    // the summary accepts any duration; so must the JSON reader
                    OpKind.WRITE, new LatencySummary(Long.MAX_VALUE, Duration.ofNanos(-5), Duration.ofNanos(1),
                            Duration.ofNanos(Long.MIN_VALUE), Duration.ofNanos(Long.MAX_VALUE)));
            long[] cells = {1, 2, 3, 4, 5, 6};
            List<TimeSizeGrid> grids = List.of(
                    new TimeSizeGrid(Duration.ofNanos(1), 2, 3, cells),
                    new TimeSizeGrid(Duration.ofNanos(Long.MAX_VALUE), 3, 0, new long[0]),
                    TimeSizeGrid.ofKinds(Duration.ofMillis(2), 2, 3, new long[]{1, 0, 3, 0, 5, 0},
                            new long[]{0, 2, 0, 4, 0, Long.MAX_VALUE - 5}, new long[]{9, 0}, new long[]{0, Long.MAX_VALUE}),
                    TimeSizeGrid.ofKinds(Duration.ofMillis(2), 1, 0, new long[0], new long[0], new long[]{0},
                            new long[]{0}));
            for (TimeSizeGrid grid : grids) {
                OpDetail detail = new OpDetail(Map.of(), List.of(), 0, IoTotals.ZERO, latency, Long.MAX_VALUE,
                        Optional.of(grid));
                assertRoundTrip(IopsReport.of("t", Scope.THREAD, Duration.ofMillis(100), 0, 0, 0, 0).withDetail(detail));
            }
        }

        @Test
        void aReportWithEverythingReadsBack() throws IOException {
            IopsReport r = ReportFormatsTest.traced().withStorage(new StorageBytes(0, 8192))
                    .withDevices(List.of(new DeviceIo("vda", 0, 18, 0, 67_108_864, Duration.ofMillis(36)),
                            new DeviceIo("nvme0n1", 3, 0, 12_288, 0, Duration.ofNanos(1))))
                    .withNote("first").withNote("second");
            assertRoundTrip(r);
        }
    }

    @Nested
    class Measured {
        private FakeCounterProfiler counter;
        private FakeTracerProfiler tracer;

        @TempDir
        Path dir;

        @BeforeEach
        void findFakes() {
            Iops.profilers();
            counter = FakeCounterProfiler.instance;
            tracer = FakeTracerProfiler.instance;
            counter.reset();
            tracer.reset();
        }

        @AfterEach
        void resetFakes() {
            counter.reset();
            tracer.reset();
        }

        private void write100Blocks(Path file) throws IOException {
            byte[] block = new byte[4096];
            try (OutputStream out = Files.newOutputStream(file)) {
                for (int i = 0; i < 100; i++) {
                    out.write(block);
                }
            }
            Files.readAllBytes(file);
        }

        @Test
        void jfrReportsReadBackInBothScopesWithCallSites() throws IOException {
            Path file = dir.resolve("jfr.bin");
            write100Blocks(file); // first use outside the window
            for (Scope scope : Scope.values()) {
                IopsReport r = Iops.with().profiler("jfr").scope(scope).histogram().callSites()
                        .measure(() -> write100Blocks(file));
                assertThat(r.profiler()).isEqualTo("jfr");
                assertThat(r.writeOps()).as(scope.name()).isGreaterThanOrEqualTo(100);
                assertThat(r.detail().orElseThrow().topSites()).isNotEmpty();
                assertThat(r.detail().orElseThrow().timeline()).isPresent();
                assertRoundTrip(r);
            }
            assertRoundTrip(Iops.with().profiler("jfr").measure(() -> Workloads.writeStream(file)));
        }

        @Test
        void counterReportsReadBack() throws IOException {
            counter.counters = IoCounters.of(11, 22, 3300, 4400).withStorage(new StorageBytes(0, 4096));
            assertRoundTrip(Iops.with().profiler("fake-counter").measure(() -> { }));
            counter.counters = IoCounters.bytesOnly(5, 6);
            assertRoundTrip(Iops.with().profiler("fake-counter").measure(() -> { }));
        }

        @Test
        void tracerReportsWithPathsSitesLatencyAndTimelineReadBack() throws IOException {
            for (int i = 0; i < 300; i++) {
                TargetKind target = TargetKind.values()[i % TargetKind.values().length];
                tracer.ops.add(new Op(i % 3 == 0 ? OpKind.READ : OpKind.WRITE, i * 37L, 7, target,
                        i % 5 == 0 ? null : "/tmp/f" + (i % 25) + " \"q\"\t", i * 1000L, i % 4 == 0 ? -1 : i * 11L,
                        i % 17 == 0, i % 2 == 0 ? "com.example.S.m:" + (i % 23) : null));
            }
            IopsReport r = Iops.with().profiler("fake-tracer").histogram().measure(() -> { });
            assertThat(r.detail().orElseThrow().topPaths()).hasSize(OpDetail.MAX_TOP_PATHS);
            assertThat(r.detail().orElseThrow().timeline().orElseThrow().hasKinds()).isTrue();
            assertRoundTrip(r);
        }

        @Test
        void aPartialReportReadsBack() throws IOException {
            tracer.ops.add(Op.of(OpKind.WRITE, 10));
            tracer.stopFailure = new RecordingFailedException("tracer died (exit 9)");
            IopsSession s = Iops.with().profiler("fake-tracer").start();
            IncompleteReportException e = catchThrowableOfType(IncompleteReportException.class, s::stop);
            assertRoundTrip(e.partialReport());
            assertThat(IopsReport.fromJson(e.partialReport().toJson()).notes()).singleElement().asString()
                    .startsWith("PARTIAL: ");
        }
    }
}
