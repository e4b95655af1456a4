package dev.iops.jvm;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A production JVM often runs its own recording ({@code -XX:StartFlightRecording}). On JDK 25 its {@code default}
 * settings sample file events at 100/s and {@code profile} at 300/s: a window that inherited that rate would count
 * 20 of 1000 writes. The window must stay exact, on every JDK, and the user's recording must keep running.
 */
class JfrBesideOtherRecordingsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "beside a user recording with the {0} settings")
    @ValueSource(strings = {"default", "profile"})
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void countsEveryOperationBesideAUsersSampledRecording(String settings) throws Exception {
        Path file = dir.resolve("w.bin");
        Workloads.writeStream(file);
        try (Recording user = new Recording(Configuration.getConfiguration(settings))) {
            user.start();
            Iops.with().profiler(JfrProfiler.NAME).scope(Scope.THREAD).measure(() -> Workloads.writeStream(file));
            IopsReport r = Iops.with().profiler(JfrProfiler.NAME).scope(Scope.THREAD).histogram()
                    .measure(() -> Workloads.writeStream(file));
            assertThat(r.writeOps()).as("JDK %s", Runtime.version()).isEqualTo(1000);
            assertThat(r.bytesWritten()).isEqualTo(4_096_000);
            assertThat(user.getState()).isEqualTo(jdk.jfr.RecordingState.RUNNING);
        }
    }
}
