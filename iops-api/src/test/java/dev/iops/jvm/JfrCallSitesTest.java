package dev.iops.jvm;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.SiteStats;
import dev.iops.testkit.Workloads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** callSites(): each operation is attributed to the first Java frame outside the JDK and iops. */
class JfrCallSitesTest {
    @TempDir
    Path dir;

    private IopsReport measure(boolean callSites, Path file) throws IOException {
        Workloads.writeStream(file);
        Workloads.readStream(file);
        Iops.Builder b = Iops.with().profiler("jfr").scope(Scope.THREAD);
        if (callSites) {
            b.callSites();
        }
        return b.measureValue(() -> {
            Workloads.writeStream(file);
            Workloads.readStream(file);
            return null;
        }).report();
    }

    @Test
    void namesTheMethodsThatMadeTheOperations() throws IOException {
        IopsReport r = measure(true, dir.resolve("a.bin"));
        List<SiteStats> sites = r.detail().orElseThrow().topSites();
        assertThat(sites).hasSize(2);
        SiteStats reads = sites.get(0);
        SiteStats writes = sites.get(1);
        assertThat(reads.site()).matches("dev\\.iops\\.testkit\\.Workloads\\.readStream:\\d+");
        assertThat(reads.totals().readOps()).isEqualTo(Workloads.BLOCKS + 1);
        assertThat(reads.totals().bytesRead()).isEqualTo(Workloads.TOTAL);
        assertThat(writes.site()).matches("dev\\.iops\\.testkit\\.Workloads\\.writeStream:\\d+");
        assertThat(writes.totals().writeOps()).isEqualTo(Workloads.BLOCKS);
        assertThat(r.toText()).contains("top call sites").contains(writes.site());
    }

    @Test
    void listsNoSitesUnlessAsked() throws IOException {
        IopsReport r = measure(false, dir.resolve("b.bin"));
        assertThat(r.detail().orElseThrow().topSites()).isEmpty();
        assertThat(r.writeOps()).isEqualTo(Workloads.BLOCKS);
    }

    @Test
    void skipsTheJdkAndIopsButNotItsTestsOrExamples() {
        assertThat(JfrEvents.isPlatformOrIops("java.io.FileOutputStream")).isTrue();
        assertThat(JfrEvents.isPlatformOrIops("jdk.internal.misc.Blocker")).isTrue();
        assertThat(JfrEvents.isPlatformOrIops("sun.nio.ch.FileChannelImpl")).isTrue();
        assertThat(JfrEvents.isPlatformOrIops("dev.iops.Iops$Builder")).isTrue();
        assertThat(JfrEvents.isPlatformOrIops("dev.iops.jvm.JfrWindow")).isTrue();
        assertThat(JfrEvents.isPlatformOrIops("dev.iops.testkit.Workloads")).isFalse();
        assertThat(JfrEvents.isPlatformOrIops("dev.iops.examples.Demo")).isFalse();
        assertThat(JfrEvents.isPlatformOrIops("com.example.Store")).isFalse();
        assertThat(JfrEvents.site(null)).isNull();
    }
}
