package dev.iops.linux;

/**
 * One reading of {@code /proc/<pid>/io} or {@code /proc/thread-self/io}. Parsing is pure and allocation-free
 * apart from the result, so it can be tested on recorded text and stays cheap on the measured path.
 *
 * @param rchar      bytes passed to read-like system calls
 * @param wchar      bytes passed to write-like system calls
 * @param syscr      read-like system calls
 * @param syscw      write-like system calls
 * @param readBytes  bytes fetched from storage
 * @param writeBytes bytes sent (or to be sent) to storage
 */
record ProcIo(long rchar, long wchar, long syscr, long syscw, long readBytes, long writeBytes) {
    /** No I/O. */
    static final ProcIo ZERO = new ProcIo(0, 0, 0, 0, 0, 0);

    /** @return this reading less an earlier one */
    ProcIo minus(ProcIo o) {
        return new ProcIo(rchar - o.rchar, wchar - o.wchar, syscr - o.syscr, syscw - o.syscw, readBytes - o.readBytes,
                writeBytes - o.writeBytes);
    }

    /** @return the sum of two readings */
    ProcIo plus(ProcIo o) {
        return new ProcIo(rchar + o.rchar, wchar + o.wchar, syscr + o.syscr, syscw + o.syscw, readBytes + o.readBytes,
                writeBytes + o.writeBytes);
    }

    /**
     * Parses the {@code key: value} lines of a procfs io file.
     *
     * @param buf    the file's bytes (ASCII)
     * @param length how many bytes of {@code buf} are valid
     * @return the reading
     * @throws IllegalArgumentException if a required key is missing or a value is not a number
     */
    static ProcIo parse(byte[] buf, int length) {
        long rchar = -1, wchar = -1, syscr = -1, syscw = -1, readBytes = -1, writeBytes = -1;
        int i = 0;
        while (i < length) {
            int keyStart = i;
            while (i < length && buf[i] != ':' && buf[i] != '\n') {
                i++;
            }
            if (i >= length || buf[i] == '\n') {
                i++;
                continue; // a line without a colon: skip it
            }
            int keyEnd = i;
            i++; // ':'
            while (i < length && buf[i] == ' ') {
                i++;
            }
            long value = 0;
            int digits = 0;
            while (i < length && buf[i] >= '0' && buf[i] <= '9') {
                value = value * 10 + (buf[i] - '0');
                digits++;
                i++;
            }
            while (i < length && buf[i] != '\n') {
                i++;
            }
            i++;
            if (digits == 0) {
                continue;
            }
            switch (key(buf, keyStart, keyEnd)) {
                case "rchar" -> rchar = value;
                case "wchar" -> wchar = value;
                case "syscr" -> syscr = value;
                case "syscw" -> syscw = value;
                case "read_bytes" -> readBytes = value;
                case "write_bytes" -> writeBytes = value;
                default -> { }
            }
        }
        if (rchar < 0 || wchar < 0 || syscr < 0 || syscw < 0 || readBytes < 0 || writeBytes < 0) {
            throw new IllegalArgumentException("not a procfs io file (missing rchar, wchar, syscr, syscw, read_bytes "
                    + "or write_bytes): '" + new String(buf, 0, Math.min(length, 200), java.nio.charset.StandardCharsets.US_ASCII) + "'");
        }
        return new ProcIo(rchar, wchar, syscr, syscw, readBytes, writeBytes);
    }

    private static String key(byte[] buf, int from, int to) {
        return new String(buf, from, to - from, java.nio.charset.StandardCharsets.US_ASCII);
    }
}
