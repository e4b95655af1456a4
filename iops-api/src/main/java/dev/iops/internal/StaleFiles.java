package dev.iops.internal;

import dev.iops.spi.SelfIo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Deletes what JVMs that were killed outright ({@code SIGKILL}, a crash, a power cut) left of the library in the
 * temp directory: every file and directory the library makes there is named {@code iops-<provider>-<pid>-...}
 * (jfr's recordings, strace's trace files, perf's private directories), and one whose JVM no longer runs is gone
 * for good. Run once, in the background, when the library is first touched. A name whose pid is alive is left
 * alone, even if that pid now belongs to another program; so are JFR's own repositories (JFR may rebuild a crashed
 * JVM's recording from them) and anything not named so.
 */
final class StaleFiles {
    private static final Logger LOG = LoggerFactory.getLogger(StaleFiles.class);
    /** The library's names: {@code iops-jfr-123-4.jfr}, {@code iops-perf-123-4}, {@code iops-strace-123-...}. */
    private static final Pattern OWN = Pattern.compile("iops-[a-z_]+-(\\d+)-.+");

    private StaleFiles() {
    }

    /** Starts the sweep of {@code java.io.tmpdir} on a daemon thread of the library's own. */
    static void sweepInBackground() {
        Thread t = SelfIo.newOwnThread("iops-stale-files", () -> sweep(Path.of(System.getProperty("java.io.tmpdir")),
                StaleFiles::alive));
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /**
     * Deletes the library's leftovers of dead JVMs in one directory (not below it).
     *
     * @param dir   the temp directory
     * @param alive whether a process id runs now
     * @return how many entries were deleted
     */
    static int sweep(Path dir, LongPredicate alive) {
        long self = ProcessHandle.current().pid();
        int deleted = 0;
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                Matcher m = OWN.matcher(p.getFileName().toString());
                if (!m.matches()) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid != self && !alive.test(pid) && deleteTree(p)) {
                    deleted++;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("iops: could not look for files left by killed JVMs in {}: {}", dir, e.toString());
        }
        if (deleted > 0) {
            LOG.debug("iops: deleted {} file(s) left in {} by JVMs that were killed", deleted, dir);
        }
        return deleted;
    }

    private static boolean alive(long pid) {
        // ProcessHandle reads /proc/<pid>/stat on Linux: own I/O, metered so that no counter window takes it in
        try (SelfIo.Meter meter = SelfIo.meter()) {
            return ProcessHandle.of(pid).isPresent();
        }
    }

    private static boolean deleteTree(Path p) {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path q : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(q);
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false; // someone else's, or in use: left alone
        }
    }
}
