package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.Units;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Whenever strace measures, the report says by how much it slowed the block, with figures that agree. */
@EnabledIf("usable")
@Timeout(120)
class StraceSlowdownTest {
    private static final Pattern MEASURED = Pattern.compile("strace slowed this block: (\\d+) traced calls × ~"
            + "([\\d.]+ (?:ns|µs|ms|s)) each ≈ ([\\d.]+ (?:ns|µs|ms|s)) of ([\\d.]+ (?:ns|µs|ms|s)) elapsed \\(cost "
            + "per call measured at attach(?:; the product, [^)]*)?\\); the elapsed time, IOPS and throughput include "
            + "it\\. A lower bound: .*");
    private static final Pattern UNMEASURED = Pattern.compile("strace slowed this block: it stopped (\\d+) traced "
            + "calls of ([\\d.]+ (?:ns|µs|ms|s)) elapsed, at a cost per call that could not be measured at attach.*");

    @TempDir
    Path dir;

    static boolean usable() {
        return new StraceProfiler().availability().usable();
    }

    /** Nanoseconds of a duration as {@link Units#duration} wrote it. */
    private static double nanos(String text) {
        String[] p = text.split(" ");
        double v = Double.parseDouble(p[0]);
        return switch (p[1]) {
            case "ns" -> v;
            case "µs" -> v * 1e3;
            case "ms" -> v * 1e6;
            default -> v * 1e9;
        };
    }

    @Test
    void aReportSaysHowMuchStraceSlowedTheBlockWithFiguresThatAgree() throws IOException {
        Path file = dir.resolve("s.bin");
        Workloads.writeStream(file); // first use outside the window
        assertThat(StraceTracer.detachIdle()).isTrue(); // a fresh attach measures its cost per call
        IopsReport r = Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD)
                .measure(() -> Workloads.writeStream(file));
        Workloads.assertExact("strace", r, 0, 0, Workloads.BLOCKS, Workloads.TOTAL);
        String note = r.notes().stream().filter(n -> n.startsWith("strace slowed this block: ")).findFirst()
                .orElseThrow(() -> new AssertionError("no slowdown note in " + r.toText()));
        System.out.println("[strace slowdown] " + note);
        Matcher m = MEASURED.matcher(note);
        if (!m.matches()) {
            Matcher u = UNMEASURED.matcher(note);
            assertThat(u.matches()).as(note).isTrue();
            assertThat(Long.parseLong(u.group(1))).isEqualTo(r.readOps() + r.writeOps());
            assertThat(u.group(2)).isEqualTo(Units.duration(r.elapsed()));
            return;
        }
        long calls = Long.parseLong(m.group(1));
        double perCall = nanos(m.group(2));
        double slowed = nanos(m.group(3));
        double elapsed = nanos(m.group(4));
        assertThat(calls).as("the calls the report counted").isEqualTo(r.readOps() + r.writeOps());
        assertThat(m.group(4)).isEqualTo(Units.duration(r.elapsed()));
        assertThat(slowed).as(note).isLessThanOrEqualTo(elapsed);
        if (!note.contains("the product")) {
            // N × X as printed, within the rounding of X (0.05 of its unit per call) and of Y
            double rounding = calls * (m.group(2).endsWith("µs") ? 50 : m.group(2).endsWith("ms") ? 5e4 : 0.5);
            assertThat(slowed).as(note).isCloseTo(calls * perCall, org.assertj.core.data.Offset.offset(rounding
                    + slowed * 0.01));
        }
    }

    @Test
    void theCostPerCallIsMeasuredOnceAtAttachAndKeptWhileAttached() throws IOException {
        Path file = dir.resolve("k.bin");
        Workloads.writeStream(file);
        assertThat(StraceTracer.detachIdle()).isTrue();
        long attaches = StraceTracer.attaches();
        long[] cost = new long[2];
        Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).measure(() -> {
            cost[0] = StraceTracer.current().costPerCallNanos();
            IopsReport inner = Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD)
                    .measure(() -> Workloads.writeStream(file)); // shares the tracer: no second measurement
            cost[1] = StraceTracer.current().costPerCallNanos();
            assertThat(inner.notes()).anySatisfy(n -> assertThat(n).startsWith("strace slowed this block: 1000 "
                    + "traced calls"));
        });
        assertThat(StraceTracer.attaches()).isEqualTo(attaches + 1);
        assertThat(cost[1]).isEqualTo(cost[0]).isNotNegative();
        System.out.println("[strace slowdown] cost per traced call measured at attach: " + cost[0] + " ns");
    }
}
