package dev.iops.macos;

import dev.iops.OpKind;
import dev.iops.Scope;
import dev.iops.TargetKind;
import dev.iops.macos.FsUsageLine.Group;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Cuts one measurement window out of fs_usage's combined output (stdout and stderr, in order) and turns its
 * data calls into {@link Op}s. Pure: lines in, operations to a sink, a summary out.
 *
 * <p>The window is delimited by two markers: the session thread looks up a unique path that does not exist
 * ({@code stat64 [  2] .../iops-mark-<token>}) before and after the block. fs_usage prints that failed look-up
 * with its path (cut from the left when long, and on some builds followed by {@code >} padding), so a marker is
 * recognised by its token anywhere in the path of a failed call. The begin marker's thread id is the session
 * thread's: {@link Scope#THREAD} keeps that thread's lines only.
 *
 * <p>Disk I/O lines ({@code RdData}, {@code WrData}, page-ins) are storage-level, not system calls, and fs_usage
 * does not filter them by pid: they never count as operations. Those issued by a thread seen on this process's
 * syscall lines are summed as storage bytes; the others are only counted as machine-wide lines.
 *
 * <p>Not thread-safe; one instance per window.
 */
final class FsUsageWindow {
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

    private static final long DAY_MICROS = 86_400L * 1_000_000L;

    private final String beginToken;
    private final String endToken;
    private final Scope scope;
    private final Set<Long> ownThreads;
    private final Predicate<String> ownPath;
    private final OpSink sink;

    private final Map<Integer, String> fdPaths = new HashMap<>();
    private final Set<Long> processThreads = new HashSet<>();
    private boolean begun;
    private boolean ended;
    private boolean overrun;
    private long beginMicros;
    private long sessionThread = -1;
    private long operations;
    private long unsized;
    private long storageRead;
    private long storageWrite;
    private long otherDisk;

    /**
     * @param beginToken unique text in the begin marker's path
     * @param endToken   unique text in the end marker's path
     * @param scope      PROCESS: every thread of the traced pid; THREAD: the begin marker's thread only
     * @param ownThreads thread ids of the library's own threads (the output reader), whose calls never count
     * @param ownPath    paths of the library's own files, whose calls never count
     * @param sink       receives the window's operations
     */
    FsUsageWindow(String beginToken, String endToken, Scope scope, Set<Long> ownThreads, Predicate<String> ownPath,
                  OpSink sink) {
        this.beginToken = Objects.requireNonNull(beginToken, "beginToken");
        this.endToken = Objects.requireNonNull(endToken, "endToken");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.ownThreads = Set.copyOf(ownThreads);
        this.ownPath = Objects.requireNonNull(ownPath, "ownPath");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Takes the next line of fs_usage's output.
     *
     * @param line one line, stdout or stderr
     * @return false once the end marker has been seen (later lines are not needed)
     */
    boolean accept(String line) {
        if (ended) {
            return false;
        }
        if (FsUsageParser.isOverrun(line)) {
            overrun = true;
            return true;
        }
        FsUsageLine p = FsUsageParser.parse(line);
        if (p == null) {
            return true;
        }
        if (!p.isDisk() && !ownThreads.contains(p.threadId())) {
            processThreads.add(p.threadId());
        }
        if (!begun) {
            if (isMarker(p, beginToken)) {
                begun = true;
                beginMicros = p.timeOfDayMicros();
                sessionThread = p.threadId();
            } else {
                trackDescriptors(p); // descriptors opened before the block keep their paths
            }
            return true;
        }
        if (isMarker(p, endToken)) {
            ended = true;
            return false;
        }
        if (p.isDisk()) {
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
            return true;
        }
        if (ownThreads.contains(p.threadId()) || (scope == Scope.THREAD && p.threadId() != sessionThread)) {
            return true;
        }
        trackDescriptors(p);
        if (p.group() != Group.READ && p.group() != Group.WRITE) {
            return true;
        }
        String path = p.fd() >= 0 ? fdPaths.get(p.fd()) : null;
        if (path != null && ownPath.test(path)) {
            return true;
        }
        if (p.bytes() < 0 && !p.failed()) {
            unsized++;
            return true;
        }
        long end = p.timeOfDayMicros() - beginMicros;
        if (end < 0) {
            end += DAY_MICROS; // the window crossed midnight (lines carry no date)
        }
        long durationNanos = p.elapsedNanos();
        long offsetNanos = durationNanos >= 0 ? Math.max(0, end * 1_000L - durationNanos) : end * 1_000L;
        sink.accept(new Op(p.group() == Group.READ ? OpKind.READ : OpKind.WRITE, p.failed() ? 0 : p.bytes(),
                p.threadId(), path != null ? TargetKind.FILE : TargetKind.UNKNOWN, path, offsetNanos, durationNanos,
                p.failed()));
        operations++;
        return true;
    }

    private static boolean isMarker(FsUsageLine p, String token) {
        return p.failed() && p.path() != null && p.path().contains(token)
                && (p.group() == Group.METADATA || p.group() == Group.OPEN);
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
        return new Summary(begun, ended, operations, unsized, overrun, storageRead, storageWrite, otherDisk,
                sessionThread);
    }
}
