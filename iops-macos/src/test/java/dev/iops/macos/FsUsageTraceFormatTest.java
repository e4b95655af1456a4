package dev.iops.macos;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.SizeHistogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Iops.analyze} of a saved {@code fs_usage -w -f filesys} capture. The capture is the window test's
 * sequence without its comment lines (fs_usage's layout, columns as in the real reference lines); its truth, by
 * hand: writes of 0x10, 3 x 0x1000, 0x200 and 0x40 bytes; one read of 0x8000 and one failed read (errno 9);
 * metadata calls, opens, closes and fsync are not data; one WrData line of java (0x3000 bytes, storage level) and
 * one RdData line of another process.
 */
class FsUsageTraceFormatTest {
    @TempDir
    Path dir;

    private static Path capture() throws URISyntaxException {
        return Path.of(FsUsageTraceFormatTest.class.getResource("/fs_usage/capture-java.txt").toURI());
    }

    @Test
    void aSavedCaptureGivesTheExactReport() throws Exception {
        IopsReport r = Iops.analyze(capture());
        assertThat(r.profiler()).isEqualTo("fs_usage");
        assertThat(r.writeOps()).isEqualTo(6);
        assertThat(r.bytesWritten()).isEqualTo(0x10 + 3 * 0x1000 + 0x200 + 0x40);
        assertThat(r.readOps()).isEqualTo(1);
        assertThat(r.bytesRead()).isEqualTo(0x8000);
        assertThat(r.detail().orElseThrow().errors()).isEqualTo(1);
        SizeHistogram h = r.histogram().orElseThrow();
        assertThat(h.bucket(SizeHistogram.bucketIndex(4096)).writeOps()).isEqualTo(3);
        assertThat(h.bucket(SizeHistogram.bucketIndex(0x8000)).readOps()).isEqualTo(1);
        assertThat(r.notes()).contains("storage level (RdData/WrData of the captured process): 0 bytes read, "
                + "12288 bytes written", "1 disk lines of other processes (fs_usage does not filter them) left out");
    }

    @Test
    void aCaptureWithABufferOverrunSaysItIsPartial() throws Exception {
        Path c = dir.resolve("overrun.txt");
        Files.writeString(c, Files.readString(capture(), StandardCharsets.UTF_8) + "fs_usage: buffer overrun, events "
                + "generated too quickly: 12\n");
        assertThat(FsUsageParser.isOverrun("fs_usage: buffer overrun, events generated too quickly: 12"))
                .as("the overrun line the test appends").isTrue();
        IopsReport r = Iops.analyze(c);
        assertThat(r.notes()).anyMatch(n -> n.startsWith("PARTIAL: the capture says fs_usage dropped events"));
    }

    @Test
    void isNotMistakenForOtherTraces() throws IOException {
        FsUsageTraceFormat f = new FsUsageTraceFormat();
        byte[] strace = "1234 12:00:00.000001 write(3</tmp/x>, \"hi\", 2) = 2 <0.000004>\n".getBytes(StandardCharsets.UTF_8);
        assertThat(f.detects(strace, strace.length)).isFalse();
        byte[] empty = new byte[0];
        assertThat(f.detects(empty, 0)).isFalse();
        byte[] mine = Files.readAllBytes(Path.of("src/test/resources/fs_usage/capture-java.txt"));
        assertThat(f.detects(mine, Math.min(mine.length, 4096))).isTrue();
    }
}
