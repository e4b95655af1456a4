package dev.iops.linux;

import dev.iops.DeviceIo;
import dev.iops.spi.Availability;
import dev.iops.spi.DeviceSource;
import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Linux device counters for {@code Iops.with().devices()}, named {@code diskstats}: {@code /proc/diskstats} read
 * directly (one {@code open}, a few {@code read}s), whole disks only (those listed in {@code /sys/block}).
 * Every read is booked with {@link SelfIo#count} so that no profiler counts it. Thread-safe.
 */
public final class DiskStatsSource implements DeviceSource {
    private static final Path DISKSTATS = Path.of("/proc/diskstats");
    private static final Path SYS_BLOCK = Path.of("/sys/block");

    // Registered for the JVM's lifetime: tracers drop operations on it whatever session reads it.
    private static final SelfIo.Registration OWN = SelfIo.ownPath(DISKSTATS);
    private volatile Set<String> wholeDisks;

    /** Creates the source; it reads nothing until asked. */
    public DiskStatsSource() {
    }

    @Override
    public String name() {
        return "diskstats";
    }

    /** @return 200: the kernel's own counters, read directly */
    @Override
    public int priority() {
        return 200;
    }

    @Override
    public Availability availability() {
        if (!Files.isReadable(DISKSTATS)) {
            return Availability.unusable("needs a readable /proc/diskstats (Linux with procfs mounted)");
        }
        return Availability.ready();
    }

    @Override
    public List<DeviceIo> read() throws IOException {
        Set<String> disks = wholeDisks;
        if (disks == null) {
            try (Stream<Path> s = Files.list(SYS_BLOCK)) {
                disks = s.map(p -> p.getFileName().toString()).collect(Collectors.toUnmodifiableSet());
            }
            wholeDisks = disks; // listed once, outside any window (the first read is before the first window)
        }
        return DiskStats.parse(readAll(), disks::contains);
    }

    /** Reads the file with counted calls: procfs files are small, but the size is unknown until EOF. */
    private static String readAll() throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        long reads = 0;
        long bytes = 0;
        // a few reads of a /proc file, booked before the bracket ends: never apart at a window's edge
        try (SelfIo.OwnCall call = SelfIo.ownCall()) {
            try (FileChannel ch = FileChannel.open(DISKSTATS, StandardOpenOption.READ)) {
                while (true) {
                    if (!buf.hasRemaining()) {
                        ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2);
                        buf.flip();
                        bigger.put(buf);
                        buf = bigger;
                    }
                    int n = ch.read(buf);
                    reads++;
                    if (n < 0) {
                        break;
                    }
                    bytes += n;
                }
            } finally {
                SelfIo.count(reads, bytes, 0, 0);
            }
        }
        return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return "DiskStatsSource[diskstats, priority 200]";
    }
}
