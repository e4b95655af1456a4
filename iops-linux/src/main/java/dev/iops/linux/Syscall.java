package dev.iops.linux;

import java.nio.charset.StandardCharsets;

/**
 * The system calls the strace provider traces, and which of their arguments are the descriptors read from and
 * written to. Everything else in a trace is ignored.
 */
enum Syscall {
    READ(0, -1), WRITE(-1, 0), PREAD64(0, -1), PWRITE64(-1, 0),
    READV(0, -1), WRITEV(-1, 0), PREADV(0, -1), PWRITEV(-1, 0), PREADV2(0, -1), PWRITEV2(-1, 0),
    RECVFROM(0, -1), RECVMSG(0, -1), SENDTO(-1, 0), SENDMSG(-1, 0),
    // Transfers move data between two descriptors: the kernel counts a read of one and a write of the other.
    SENDFILE(1, 0), COPY_FILE_RANGE(0, 2), SPLICE(0, 2),
    /** Not I/O: the marker call that delimits windows. */
    READLINK(-1, -1);

    /** Index of the argument read from, or -1. */
    final int readArg;
    /** Index of the argument written to, or -1. */
    final int writeArg;
    /** The name as strace prints it. */
    final String traceName;
    private final byte[] bytes;

    private static final Syscall[] ALL = values();

    Syscall(int readArg, int writeArg) {
        this.readArg = readArg;
        this.writeArg = writeArg;
        this.traceName = name().toLowerCase(java.util.Locale.ROOT);
        this.bytes = traceName.getBytes(StandardCharsets.US_ASCII);
    }

    /** @return true for calls that move data (everything but the marker) */
    boolean isIo() {
        return this != READLINK;
    }

    /** @return true when the call moves data from one descriptor to another */
    boolean isTransfer() {
        return readArg >= 0 && writeArg >= 0;
    }

    /**
     * Finds the call named by {@code b[from, to)}, without allocating.
     *
     * @return the call, or {@code null} for a call the provider does not trace
     */
    static Syscall lookup(byte[] b, int from, int to) {
        int length = to - from;
        for (Syscall s : ALL) {
            if (s.bytes.length == length && java.util.Arrays.equals(s.bytes, 0, length, b, from, to)) {
                return s;
            }
        }
        return null;
    }

    /** @return the comma-separated {@code -e trace=} set: every call above */
    static String traceSet() {
        StringBuilder sb = new StringBuilder();
        for (Syscall s : ALL) {
            if (sb.length() > 0) {
                sb.append(',');
            }
            sb.append(s.traceName);
        }
        return sb.toString();
    }
}
