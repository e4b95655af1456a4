package dev.iops.macos;

import java.util.Objects;

/**
 * One parsed line of {@code fs_usage} output. Package-private value of the pure parser.
 *
 * @param group         what the call did, for counting
 * @param call          the call name as printed ({@code "write"}, {@code "WrData[AT1]"}, {@code "stat64"})
 * @param timeOfDayMicros microseconds after midnight ({@code HH:MM:SS[.uuuuuu]}), the time the call completed
 * @param fd            the descriptor ({@code F=}), or -1 when not printed
 * @param bytes         bytes transferred ({@code B=}), or -1 when not printed (narrow layout, errors, fsync)
 * @param errno         the error number in brackets, 0 when the call succeeded
 * @param path          the path column, trimmed, or {@code null} when empty
 * @param device        the device of a disk I/O line ({@code /dev/disk3s5}), or {@code null}
 * @param elapsedNanos  how long the call took, or -1 when not printed
 * @param process       the process name as printed (cut to 32 bytes on syscall lines, 16 on disk lines, 12 narrow)
 * @param threadId      the 64-bit thread id after the last dot, or -1 in the narrow layout
 */
record FsUsageLine(Group group, String call, long timeOfDayMicros, int fd, long bytes, int errno, String path,
                   String device, long elapsedNanos, String process, long threadId) {

    /** How a line counts. */
    enum Group {
        /** A data read through a system call: read, readv, pread, preadv. */
        READ,
        /** A data write through a system call: write, writev, pwrite, pwritev. */
        WRITE,
        /** A look-up or attribute call that moves no file data: stat64, getattrlist, readlink, rename, ... */
        METADATA,
        /** Storage-level read (RdData, RdMeta, PgIn, RdChunkCS): not a system call, and not filtered by pid. */
        DISK_READ,
        /** Storage-level write (WrData, WrMeta, PgOut). */
        DISK_WRITE,
        /** open, openat, open_nocancel, ... */
        OPEN,
        /** close, close_nocancel. */
        CLOSE,
        /** Everything else: fsync, fcntl, lseek, mmap, exit, sendfile (no byte count printed), unknown calls. */
        OTHER
    }

    FsUsageLine {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(process, "process");
    }

    /** @return true if the call returned an error */
    boolean failed() {
        return errno != 0;
    }

    /** @return true for a storage-level line */
    boolean isDisk() {
        return group == Group.DISK_READ || group == Group.DISK_WRITE;
    }
}
