package dev.iops.linux;

import dev.iops.Figure;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.OpDetail;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.spi.Capability;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A report measured by every Linux provider reads back from its JSON equal on every field: 100 writes of 4096 bytes
 * to a file, then the file read back, with every option the provider can honour (histogram, call sites, devices) in
 * every scope it can count. A provider that cannot run here is skipped with its own reason.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ReportJsonOnLinuxTest {
    private static final List<String> PROVIDERS = List.of(TracepointProfiler.NAME, PerfProfiler.NAME,
            StraceProfiler.NAME, ProcfsProfiler.NAME, CountedDetailProfiler.NAME, "jfr");
    private static final int WRITES = 100;
    private static final int BLOCK = 4096;

    @TempDir
    Path dir;

    static Stream<Arguments> providersAndScopes() {
        List<Arguments> all = new ArrayList<>();
        for (String provider : PROVIDERS) {
            for (Scope scope : Scope.values()) {
                all.add(Arguments.of(provider, scope));
            }
        }
        return all.stream();
    }

    private static void workload(Path file) throws IOException {
        byte[] block = new byte[BLOCK];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (int i = 0; i < WRITES; i++) {
                out.write(block);
            }
        }
        Files.readAllBytes(file);
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("providersAndScopes")
    void aMeasuredReportReadsBackFromItsJson(String provider, Scope scope) throws IOException {
        ProfilerInfo info = Iops.profilers().stream().filter(p -> p.name().equals(provider)).findFirst()
                .orElseThrow(() -> new AssertionError(provider + " is not registered: " + Iops.profilers()));
        assumeTrue(info.usable(), () -> provider + " is not usable here: " + info.reason());
        assumeTrue(scope == Scope.PROCESS || info.capabilities().contains(Capability.THREAD_SCOPE),
                () -> provider + " cannot count a single thread");
        Iops.Builder options = Iops.with().profiler(provider).scope(scope).devices();
        if (info.capabilities().contains(Capability.OPERATION_SIZES)) {
            options.histogram();
        }
        if (info.capabilities().contains(Capability.CALL_SITES)) {
            options.callSites();
        }
        Path file = dir.resolve("data.bin");
        workload(file); // class loading and first use outside the window
        IopsReport r = options.measure(() -> workload(file));

        assertThat(r.profiler()).isEqualTo(provider);
        assertThat(r.devices()).isNotEmpty();
        if (r.isMeasured(Figure.WRITE_OPS)) {
            assertThat(r.writeOps()).isGreaterThanOrEqualTo(WRITES);
        }
        if (r.isMeasured(Figure.BYTES_WRITTEN)) {
            assertThat(r.bytesWritten()).isGreaterThanOrEqualTo((long) WRITES * BLOCK);
        }
        // the round trip below covers what the provider fills: check it filled what it claims
        if (info.capabilities().contains(Capability.OPERATION_SIZES)) {
            assertThat(r.histogram()).isPresent();
            OpDetail detail = r.detail().orElseThrow();
            Set<Capability> can = info.capabilities();
            // paths are not checked: tracepoints names a file opened and closed inside the block only when its
            // draining thread wakes in time (docs/tracepoints.md, "Paths"), which a loaded machine does not promise
            assertThat(detail.latency().isEmpty()).as("latency").isEqualTo(!can.contains(Capability.LATENCY));
            assertThat(detail.timeline().isPresent()).as("timeline").isEqualTo(can.contains(Capability.TIMELINE));
            assertThat(detail.topSites().isEmpty()).as("call sites").isEqualTo(!can.contains(Capability.CALL_SITES));
        }

        String json = r.toJson();
        IopsReport back = IopsReport.fromJson(json);
        assertThat(back).isEqualTo(r);
        assertThat(back.hashCode()).isEqualTo(r.hashCode());
        assertThat(back.toJson()).isEqualTo(json);
        assertThat(back.toText()).isEqualTo(r.toText());
        assertThat(IopsReport.fromJson(new StringReader(
                new String(json.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)))).isEqualTo(r);
    }
}
