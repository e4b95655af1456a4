package dev.iops.macos;

import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.TargetKind;
import dev.iops.macos.FsUsageLine.Group;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.tracer.MarkerWindow;
import dev.iops.tracer.TraceFileReader;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Cuts one session's window out of fs_usage's combined output (stdout and stderr in one file, in order) and turns
 * its data calls into {@link Op}s, on the scaffold's {@link MarkerWindow}. Pure apart from reading
 * {@link dev.iops.spi.SelfIo}'s bookings: lines in, operations to a sink, a summary out.
 *
 * <p>The markers are failed look-ups of unique paths that do not exist ({@code stat64 [  2] .../<token>}), made by
 * the session thread before and after the block. fs_usage cuts long paths from the left and some builds pad a
 * failed look-up with {@code >}, so a marker is recognised by its token anywhere in the path of a failed call, then
 * handed to the marker window under its full name. The begin marker's thread id is the session thread's:
 * {@link Scope#THREAD} keeps that thread's lines only.
 *
 * <p>fs_usage prints no path on {@code read}/{@code write} lines, only {@code F=fd}: descriptors are followed from
 * their {@code open} lines (also before the window), so that operations on the library's own files are dropped; the
 * trace reader's descriptor, opened long before most windows, is given as an own descriptor.
 *
 * <p>Disk I/O lines ({@code RdData}, {@code WrData}, page-ins) are storage-level, not system calls, and fs_usage
 * does not filter them by pid: they never count as operations. Those issued by a thread seen on this process's
 * syscall lines are summed as storage bytes; the others are only counted.
 *
 * <p>Not thread-safe; one instance per window.
 */
final class FsUsageWindow implements TraceFileReader.LineSink {
    /**
     * What the window held besides the operations given to the sink.
     *
     * @param begun             the begin marker was seen
     * @param ended             the end marker was seen
     * @param operations        data operations given to the sink
     * @param unsized           data calls without a byte count (a capture without {@code -w}): not counted
     * @param overrun           fs_usage reported dropped events: the figures undercount
     * @param storageReadBytes  disk-read bytes issued by this process's threads
     * @param storageWriteBytes disk-write bytes issued by this process's threads
     * @param otherDiskLines    disk I/O lines of other processes (fs_usage does not filter them)
     * @param sessionThread     thread id of the begin marker, or -1
     */
    record Summary(boolean begun, boolean ended, long operations, long unsized, boolean overrun,
                   long storageReadBytes, long storageWriteBytes, long otherDiskLines, long sessionThread) {
    }

    private final String beginToken;
    private final String endToken;
    private final byte[] begin;
    private final byte[] end;
    private final MarkerWindow<Void> window;
    private final Set<Integer> ownFds;
    private final OpSink sink;

    private final Map<Integer, String> fdPaths = new HashMap<>();
    private final Set<Long> processThreads = new HashSet<>();
    private boolean overrun;
    private long operations;
    private long unsized;
    private long storageRead;
    private long storageWrite;
    private long otherDisk;

    /**
     * @param beginToken unique text in the begin marker's path (its last component)
     * @param endToken   unique text in the end marker's path
     * @param scope      PROCESS: every thread of the traced pid; THREAD: the begin marker's thread only
     * @param ownPaths   paths whose operations never count, besides SelfIo's own paths
     * @param ownFds     descriptors of the library's own files opened before fs_usage could see them (the trace
     *                   reader), whose operations never count
     * @param sink       receives the window's operations
     */
    FsUsageWindow(String beginToken, String endToken, Scope scope, Set<String> ownPaths, Set<Integer> ownFds,
                  OpSink sink) {
        this(beginToken, endToken, scope, ownPaths, ownFds, sink, false);
    }

    /**
     * A window over a whole capture recorded elsewhere ({@code fs_usage -w -f filesys <pid>}): no markers, every
     * thread counts, and nothing is the library's own.
     *
     * @param sink receives the capture's operations
     * @return the window
     */
    static FsUsageWindow whole(OpSink sink) {
        // tokens that no path holds (a NUL cannot be in a path): the window is open from the first line to the last
        return new FsUsageWindow("\u0000begin", "\u0000end", Scope.PROCESS, Set.of(), Set.of(), sink, true);
    }

    private FsUsageWindow(String beginToken, String endToken, Scope scope, Set<String> ownPaths, Set<Integer> ownFds,
                          OpSink sink, boolean whole) {
        this.beginToken = Objects.requireNonNull(beginToken, "beginToken");
        this.endToken = Objects.requireNonNull(endToken, "endToken");
        this.begin = beginToken.getBytes(StandardCharsets.UTF_8);
        this.end = endToken.getBytes(StandardCharsets.UTF_8);
        this.window = whole ? new MarkerWindow<>(null, null, false, ownPaths)
                : new MarkerWindow<>(beginToken, endToken, scope == Scope.THREAD, ownPaths);
        this.ownFds = Set.copyOf(ownFds);
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public void line(byte[] b, int from, int to) {
        accept(new String(b, from, to - from, StandardCharsets.UTF_8));
    }

    @Override
    public boolean done() {
        return window.ended();
    }

    /**
     * Takes the next line of fs_usage's output.
     *
     * @param line one line, stdout or stderr
     */
    void accept(String line) {
        if (window.ended()) {
            return;
        }
        if (FsUsageParser.isOverrun(line)) {
            overrun = true;
            return;
        }
        FsUsageLine p = FsUsageParser.parse(line);
        if (p == null) {
            return;
        }
        long startNanos = p.timeOfDayMicros() * 1_000L - Math.max(0, p.elapsedNanos());
        if (p.failed() && p.path() != null && (p.group() == Group.METADATA || p.group() == Group.OPEN)) {
            if (p.path().contains(beginToken)) {
                window.marker(p.threadId(), p.timeOfDayMicros() * 1_000L, begin, 0, begin.length);
                return;
            }
            if (p.path().contains(endToken)) {
                window.marker(p.threadId(), p.timeOfDayMicros() * 1_000L, end, 0, end.length);
                return;
            }
        }
        if (p.isDisk()) {
            disk(p);
            return;
        }
        processThreads.add(p.threadId());
        trackDescriptors(p); // before the window too: files opened before the block keep their paths
        if (!window.counts(p.threadId()) || (p.group() != Group.READ && p.group() != Group.WRITE)) {
            return;
        }
        String path = p.fd() >= 0 ? fdPaths.get(p.fd()) : null;
        if (window.excludes(path) || (path == null && ownFds.contains(p.fd()))) {
            return;
        }
        if (p.bytes() < 0 && !p.failed()) {
            unsized++;
            return;
        }
        sink.accept(new Op(p.group() == Group.READ ? OpKind.READ : OpKind.WRITE, p.failed() ? 0 : p.bytes(),
                p.threadId(), path != null ? TargetKind.FILE : TargetKind.UNKNOWN, path,
                window.offsetNanos(startNanos), p.elapsedNanos(), p.failed()));
        operations++;
    }

    private void disk(FsUsageLine p) {
        if (!window.begun()) {
            return;
        }
        if (processThreads.contains(p.threadId())) {
            long bytes = Math.max(0, p.bytes());
            if (p.group() == Group.DISK_READ) {
                storageRead += bytes;
            } else {
                storageWrite += bytes;
            }
        } else {
            otherDisk++;
        }
    }

    private void trackDescriptors(FsUsageLine p) {
        if (p.group() == Group.OPEN && !p.failed() && p.fd() >= 0 && p.path() != null) {
            fdPaths.put(p.fd(), p.path());
        } else if (p.group() == Group.CLOSE && p.fd() >= 0) {
            fdPaths.remove(p.fd());
        }
    }

    /** @return what the window held so far */
    Summary summary() {
        return new Summary(window.begun(), window.ended(), operations, unsized, overrun, storageRead, storageWrite,
                otherDisk, window.windowTid());
    }
}
