package dev.iops;

/** Direction of one I/O operation. */
public enum OpKind {
    /** Data moved from the target into the process (read, pread64, readv, recv..., the source side of sendfile). */
    READ,
    /** Data moved from the process to the target (write, pwrite64, writev, send..., the sink side of sendfile). */
    WRITE
}
