package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.IoCounters;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProcfsProfilerTest {
    private static byte[] fixture() throws IOException {
        try (InputStream in = ProcfsProfilerTest.class.getResourceAsStream("/procfs/self-io.txt")) {
            return in.readAllBytes();
        }
    }

    @Test
    void parsesARecordedProcIoFile() throws IOException {
        byte[] text = ("rchar: 833955\nwchar: 284\nsyscr: 1204\nsyscw: 7\nread_bytes: 4096\n"
                + "write_bytes: 8192\ncancelled_write_bytes: 0\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(ProcIo.parse(text, text.length)).isEqualTo(new ProcIo(833955, 284, 1204, 7, 4096, 8192));
        byte[] real = fixture();
        assertThat(ProcIo.parse(real, real.length).rchar()).isPositive();
    }

    @Test
    void rejectsTextThatIsNotAProcIoFile() {
        byte[] text = "rchar: 1\nwchar: 2\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> ProcIo.parse(text, text.length)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a procfs io file (missing rchar, wchar, syscr, syscw, read_bytes or write_bytes)");
    }

    @Test
    void toleratesGarbageLinesAndAShortBuffer() {
        byte[] text = ("junk\nrchar: 10\n: 5\nwchar: x\nwchar: 20\nsyscr: 3\nsyscw: 4\nread_bytes: 0\nwrite_bytes: 0\nextra")
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(ProcIo.parse(text, text.length)).isEqualTo(new ProcIo(10, 20, 3, 4, 0, 0));
    }

    /** The proof that procfs does not count itself: two back-to-back snapshots differ by exactly the first read. */
    @Test
    void aSnapshotCostsExactlyOneReadOfItsOwnLengthAndIsSubtracted() throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile("/proc/thread-self/io", "r");
             ProcfsProfiler.ProcfsRecording rec = new ProcfsProfiler.ProcfsRecording(f, Path.of("/proc/thread-self/io"),
                     dev.iops.spi.SelfIo.thisThread()::totals, null)) {
            rec.snapshot(); // warm
            for (int i = 0; i < 100; i++) {
                int firstLength = rec.read();
                ProcIo first = ProcIo.parse(rec.bufferBytes(), firstLength);
                ProcIo second = rec.snapshot();
                assertThat(second.syscr() - first.syscr()).as("raw read calls between snapshots").isEqualTo(1);
                assertThat(second.rchar() - first.rchar()).as("raw bytes between snapshots").isEqualTo(firstLength);
                assertThat(ProcfsProfiler.delta(first, second, new dev.iops.spi.SelfIo.Totals(1, firstLength, 0, 0))).isEqualTo(IoCounters.of(0, 0, 0, 0)
                        .withStorage(new dev.iops.StorageBytes(0, 0)));
            }
        }
    }

    @Test
    void reportsStorageBytesAndCountsOnlyTheSessionThread() throws IOException {
        Path file = Files.createTempFile("iops-procfs-", ".bin");
        try {
            Files.write(file, new byte[4096]);
            IopsReport r = Iops.with().profiler("procfs").scope(Scope.THREAD).measureValue(() -> {
                Files.write(file, new byte[10]);
                return null;
            }).report();
            assertThat(r.writeOps()).isEqualTo(1);
            assertThat(r.bytesWritten()).isEqualTo(10);
            assertThat(r.storage()).isPresent();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    @Test
    void isUnusableOffLinuxWithAReason() {
        String os = System.getProperty("os.name");
        System.setProperty("os.name", "Mac OS X");
        try {
            Availability a = new ProcfsProfiler().availability();
            assertThat(a.usable()).isFalse();
            assertThat(a.reason()).isEqualTo("needs Linux /proc I/O accounting; this is Mac OS X");
            assertThat(a.otherPlatform()).as("made for another OS: selection notes nothing about it").isTrue();
            assertThat(new StraceProfiler().availability().otherPlatform()).isTrue();
            assertThat(new PerfProfiler().availability().otherPlatform()).isTrue();
        } finally {
            System.setProperty("os.name", os);
        }
        assertThat(new ProcfsProfiler().availability().usable()).isTrue();
    }

    @Test
    void releasesItsDescriptorOnClose() throws IOException {
        long before = openDescriptors();
        for (int i = 0; i < 50; i++) {
            Iops.with().profiler("procfs").measure(() -> { });
        }
        assertThat(openDescriptors()).isEqualTo(before);
    }

    /**
     * Descriptors of this process open on /proc files (procfs's counter files among them): descriptors that other
     * tests' background work closes meanwhile (a child's pipes closed by the JDK's process reaper, kernel events
     * released by a library thread) are left out, so this counts only what procfs could leak.
     */
    private static long openDescriptors() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    String link = Files.readSymbolicLink(fd).toString();
                    return link.startsWith("/proc/") && !link.endsWith("/fd"); // not the listing's own descriptor
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }
}
