package dev.iops.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Paths of descriptors opened inside a window, resolved by the draining thread through {@code /proc/self/fd} as
 * soon as it sees an {@code open} exit, and used only when the trace proves the resolution right: the descriptor
 * must not have been released between its open and the moment its link was read (the decoder checks that against
 * the release it reaches in time order, {@link #between}). A file opened and closed faster than the draining thread
 * wakes keeps no path; a path is never guessed. If the kernel dropped any open record, nothing is given: a lost
 * open could make a later resolution look like the descriptor's.
 *
 * <p>Memory: at most {@link #MAX} resolutions per window. Written by the draining thread, read after it by the
 * session's thread (the recording's lock orders the two). Not thread-safe otherwise.
 */
final class OpenedPaths implements PerfWindow.Opened {
    static final int MAX = 65_536;

    /** One resolution. */
    private record Entry(long openNanos, long resolvedNanos, TraceWindow.Target target) {
    }

    private final Map<Long, List<Entry>> byFd = new HashMap<>();
    private final LinkReader links;
    private int size;
    private boolean trusted = true;

    /** Reads where a descriptor of this process points now, or {@code null} if it is closed. */
    @FunctionalInterface
    interface LinkReader {
        /** The reader of {@code /proc/self/fd/N}. */
        LinkReader PROC_SELF = fd -> {
            try {
                return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        };

        /**
         * @param fd a descriptor number
         * @return its link, or {@code null}
         */
        String read(long fd);
    }

    /** @param links how descriptors are read */
    OpenedPaths(LinkReader links) {
        this.links = links;
    }

    /**
     * Resolves a descriptor that an open call returned, now.
     *
     * @param fd        the descriptor
     * @param openNanos when the open call returned
     * @param clock     reads the time right after the link is read ({@code System::nanoTime})
     */
    void resolve(long fd, long openNanos, java.util.function.LongSupplier clock) {
        if (size >= MAX || !trusted) {
            return;
        }
        String link = links.read(fd);
        long resolved = clock.getAsLong();
        if (link == null) {
            return;
        }
        byFd.computeIfAbsent(fd, k -> new ArrayList<>(2)).add(new Entry(openNanos, resolved, ProcFds.target(link)));
        size++;
    }

    /** Open records were lost: no resolution can be proved to belong to its descriptor. */
    void distrust() {
        trusted = false;
    }

    @Override
    public TraceWindow.Target between(long fd, long after, long before) {
        if (!trusted) {
            return null;
        }
        List<Entry> entries = byFd.get(fd);
        if (entries == null) {
            return null;
        }
        Entry latest = null;
        for (Entry e : entries) {
            if (e.openNanos >= after && e.openNanos < before && (latest == null || e.openNanos > latest.openNanos)) {
                latest = e;
            }
        }
        return latest != null && latest.resolvedNanos < before ? latest.target : null;
    }

    /** @return resolutions kept */
    int size() {
        return size;
    }

    /**
     * @param path a path
     * @return true if a descriptor was resolved to it
     */
    boolean names(String path) {
        for (List<Entry> entries : byFd.values()) {
            for (Entry e : entries) {
                if (path.equals(e.target.path())) {
                    return true;
                }
            }
        }
        return false;
    }
}
