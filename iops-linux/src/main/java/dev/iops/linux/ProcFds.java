package dev.iops.linux;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What this process's descriptors refer to now, from {@code /proc/self/fd}: a directory listing and one
 * {@code readlink} per descriptor, none of them a read or write, so a window never counts it.
 */
final class ProcFds {
    private static final Path FDS = Path.of("/proc/self/fd");

    private ProcFds() {
    }

    /** @return descriptor number to target; empty if {@code /proc} cannot be read */
    static Map<Long, TraceWindow.Target> snapshot() {
        Map<Long, TraceWindow.Target> fds = new HashMap<>();
        String listing = "/proc/" + ProcessHandle.current().pid() + "/fd";
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(FDS)) {
            for (Path p : dir) {
                try {
                    long fd = Long.parseLong(p.getFileName().toString());
                    String link = Files.readSymbolicLink(p).toString();
                    if (!link.equals(listing)) { // the listing's own descriptor, closed right after
                        fds.put(fd, target(link));
                    }
                } catch (IOException | NumberFormatException e) {
                    // closed between the listing and the readlink
                }
            }
        } catch (IOException | RuntimeException e) {
            return fds;
        }
        return fds;
    }

    /**
     * What one descriptor refers to now: one {@code readlink}.
     *
     * @param fd a descriptor number of this process
     * @return its target, or {@code null} if it is not open (or {@code /proc} cannot be read)
     */
    static TraceWindow.Target target(long fd) {
        if (fd < 0) {
            return null;
        }
        String link = OpenedPaths.LinkReader.PROC_SELF.read(fd);
        return link == null ? null : target(link);
    }

    /**
     * @param link what {@code readlink /proc/self/fd/N} returned, e.g. {@code /tmp/a.bin}, {@code pipe:[123]}
     * @return the target; a deleted file keeps its path without the {@code " (deleted)"} suffix
     */
    static TraceWindow.Target target(String link) {
        String path = link.endsWith(" (deleted)") ? link.substring(0, link.length() - 10) : link;
        return new TraceWindow.Target(path, TraceWindow.classify(path));
    }
}
