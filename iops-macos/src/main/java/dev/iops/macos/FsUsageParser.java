package dev.iops.macos;

import dev.iops.macos.FsUsageLine.Group;

import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure parser of {@code fs_usage} output lines: bytes in, {@link FsUsageLine} out, no I/O, no clock.
 *
 * <p>Both layouts are read: wide ({@code -w}: {@code HH:MM:SS.uuuuuu}, argument fields, {@code NAME.TID}) and
 * narrow ({@code HH:MM:SS}, no arguments, a 12-byte name and no thread id). Columns move with the terminal
 * width and publishers squeeze blanks, so nothing depends on a column position: the line is read from the left
 * up to the call name and the argument fields, and from the right for the elapsed time, the optional {@code W}
 * and the name, whose thread id is the number after its last dot (names contain dots, blanks and parentheses).
 * What is left between the fields and the elapsed time is the path, which may contain blanks.
 *
 * <p>Never throws on any input: a line that is not an fs_usage record (garbage, a header, a line cut before
 * its elapsed time and name, half of a record split by an odd file name byte) gives {@code null}.
 * Thread-safe (stateless).
 */
final class FsUsageParser {
    /** What fs_usage prints on stderr when the kernel dropped events; the report is then incomplete. */
    static final String OVERRUN = "buffer overrun";

    private static final Pattern TIME = Pattern.compile("^(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{6}))? +");
    // Greedy head: the elapsed time is the rightmost "S.uuuuuu" that a name follows (paths may contain anything).
    private static final Pattern TAIL_GREEDY = Pattern.compile("^(.*)\\s(\\d{1,9})\\.(\\d{6})( W)? +(\\S.*?)\\s*$");
    private static final Pattern NAME_TID = Pattern.compile("^(.*)\\.(\\d{1,20})$");

    private static final Set<String> READS = Set.of("read", "readv", "pread", "preadv");
    private static final Set<String> WRITES = Set.of("write", "writev", "pwrite", "pwritev");
    private static final Set<String> OPENS = Set.of("open", "openat", "open_extended", "open_dprotected_np",
            "openat_dprotected_np", "guarded_open_np", "guarded_open_dprotected_np", "openbyid_np", "shm_open");
    private static final Set<String> CLOSES = Set.of("close", "guarded_close_np");
    private static final Set<String> METADATA = Set.of(
            "stat", "stat64", "lstat", "lstat64", "fstat", "fstat64", "fstatat", "fstatat64",
            "stat_extended", "stat64_extended", "lstat_extended", "lstat64_extended", "fstat_extended",
            "fstat64_extended", "stat_extended64", "lstat_extended64", "fstat_extended64",
            "getattrlist", "fgetattrlist", "getattrlistat", "getattrlistbulk", "setattrlist", "fsetattrlist",
            "setattrlistat", "readlink", "readlinkat", "getxattr", "fgetxattr", "listxattr", "flistxattr",
            "setxattr", "fsetxattr", "removexattr", "fremovexattr", "access", "faccessat", "access_extended",
            "statfs", "statfs64", "fstatfs", "fstatfs64", "getfsstat", "getfsstat64", "fsgetpath",
            "getdirentries", "getdirentries64", "getdirentriesattr", "rename", "renameat", "renamex_np",
            "renameatx_np", "mkdir", "mkdirat", "mkdir_extended", "rmdir", "unlink", "unlinkat", "link", "linkat",
            "symlink", "symlinkat", "chmod", "fchmod", "fchmodat", "chmod_extended", "fchmod_extended", "chown",
            "fchown", "lchown", "fchownat", "utimes", "futimes", "lutimes", "utimensat", "futimens", "truncate",
            "ftruncate", "chdir", "fchdir", "chroot", "mkfifo", "mkfifo_extended", "mknod", "exchangedata",
            "clonefile", "clonefileat", "fclonefileat", "searchfs", "pathconf", "fpathconf", "chflags", "fchflags",
            "revoke", "undelete", "copyfile", "fsctl", "ffsctl", "mount", "unmount");

    private FsUsageParser() {
    }

    /**
     * Parses one line.
     *
     * @param buf bytes holding the line (a trailing {@code \n} or {@code \r\n} is allowed)
     * @param off where the line starts
     * @param len how many bytes it has
     * @return the record, or {@code null} if the bytes are not an fs_usage record
     */
    static FsUsageLine parse(byte[] buf, int off, int len) {
        if (buf == null || off < 0 || len <= 0 || off > buf.length - len) {
            return null;
        }
        // fs_usage cuts paths by bytes, so the first byte kept may be half a character: decode leniently.
        return parse(new String(buf, off, len, StandardCharsets.UTF_8));
    }

    /**
     * Parses one line already decoded.
     *
     * @param line the line, possibly with trailing blanks or a line break
     * @return the record, or {@code null} if it is not an fs_usage record
     */
    static FsUsageLine parse(String line) {
        try {
            return parseOrNull(line);
        } catch (RuntimeException e) {
            return null; // unreachable by design (every number is range-checked); a parser of tool output never throws
        }
    }

    /**
     * @param line a line of fs_usage's combined output
     * @return true if it is the kernel-dropped-events warning
     */
    static boolean isOverrun(String line) {
        return line != null && line.contains(OVERRUN);
    }

    private static FsUsageLine parseOrNull(String line) {
        if (line == null || line.length() > 4096) {
            return null;
        }
        Matcher time = TIME.matcher(line);
        if (!time.find()) {
            return null;
        }
        boolean wide = time.group(4) != null;
        long micros = ((Integer.parseInt(time.group(1)) * 60L + Integer.parseInt(time.group(2))) * 60L
                + Integer.parseInt(time.group(3))) * 1_000_000L + (wide ? Integer.parseInt(time.group(4)) : 0);
        String rest = line.substring(time.end());
        int callEnd = 0;
        while (callEnd < rest.length() && !Character.isWhitespace(rest.charAt(callEnd))) {
            callEnd++;
        }
        if (callEnd == 0) {
            return null;
        }
        String call = rest.substring(0, callEnd);
        Matcher tail = TAIL_GREEDY.matcher(rest.substring(callEnd));
        if (!tail.matches()) {
            return null; // cut before the elapsed time and name: not attributable
        }
        String middle = tail.group(1);
        long elapsedNanos = Long.parseLong(tail.group(2)) * 1_000_000_000L + Long.parseLong(tail.group(3)) * 1_000L;
        String name = tail.group(5);
        long tid = -1;
        if (wide) {
            Matcher nt = NAME_TID.matcher(name);
            if (nt.matches() && nt.group(2).length() <= 19) {
                name = nt.group(1);
                tid = Long.parseLong(nt.group(2));
            }
        }
        Group group = group(call);
        Fields f = wide ? fields(middle, group == Group.DISK_READ || group == Group.DISK_WRITE) : new Fields(middle);
        String path = f.path.strip();
        return new FsUsageLine(group, call, micros, f.fd, f.bytes, f.errno, path.isEmpty() ? null : path, f.device,
                elapsedNanos, name, tid);
    }

    /** @return how a call counts; disk I/O names carry a bracketed flag suffix ({@code WrData[AT1]}) */
    static Group group(String call) {
        int bracket = call.indexOf('[');
        String base = bracket > 0 ? call.substring(0, bracket) : call;
        if (base.startsWith("PgIn")) {
            return Group.DISK_READ;
        }
        if (base.startsWith("PgOut")) {
            return Group.DISK_WRITE;
        }
        if (base.length() > 2 && Character.isUpperCase(base.charAt(2))) {
            if (base.startsWith("Rd")) {
                return Group.DISK_READ;
            }
            if (base.startsWith("Wr")) {
                return Group.DISK_WRITE;
            }
        }
        if (base.endsWith("_nocancel")) {
            base = base.substring(0, base.length() - "_nocancel".length());
        }
        if (READS.contains(base)) {
            return Group.READ;
        }
        if (WRITES.contains(base)) {
            return Group.WRITE;
        }
        if (OPENS.contains(base)) {
            return Group.OPEN;
        }
        if (CLOSES.contains(base)) {
            return Group.CLOSE;
        }
        if (METADATA.contains(base)) {
            return Group.METADATA;
        }
        return Group.OTHER;
    }

    /** The argument fields of a wide line and the path after them. */
    private static final class Fields {
        int fd = -1;
        long bytes = -1;
        int errno;
        String device;
        String path;

        Fields(String path) {
            this.path = path;
        }
    }

    private static Fields fields(String s, boolean disk) {
        Fields f = new Fields("");
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && s.charAt(i) == ' ') {
                i++;
            }
            if (i >= n) {
                break;
            }
            int end = tokenEnd(s, i);
            if (s.startsWith("F=", i) && f.fd < 0) {
                int j = digits(s, i + 2);
                if (j == i + 2 || j - i > 12) {
                    break;
                }
                f.fd = Integer.parseInt(s.substring(i + 2, j));
                if (j < n && s.charAt(j) == '[') {
                    int close = errnoEnd(s, j);
                    if (close > 0) {
                        f.errno = errnoValue(s, j, close);
                        j = close;
                    }
                }
                i = j;
            } else if (s.startsWith("B=0x", i) || s.startsWith("O=0x", i) || s.startsWith("D=0x", i)
                    || s.startsWith("A=0x", i)) {
                long v = hex(s, i + 4, end);
                if (v == -2) {
                    break; // not a field after all: the path starts here
                }
                if (s.charAt(i) == 'B') {
                    f.bytes = v; // O= is wrong for pread/pwrite on current macOS, D= and A= are addresses
                }
                i = end;
            } else if (s.charAt(i) == '[' && errnoEnd(s, i) > 0
                    && (errnoEnd(s, i) == n || s.charAt(errnoEnd(s, i)) == ' ')) {
                int close = errnoEnd(s, i);
                int value = errnoValue(s, i, close);
                if (value < 0) {
                    break; // "[-2] " is a directory descriptor before a path, not an errno
                }
                f.errno = value;
                i = close;
            } else if ((s.charAt(i) == '(' && s.charAt(end - 1) == ')') || (s.charAt(i) == '<' && s.charAt(end - 1) == '>')) {
                i = end; // open flags, lseek whence, fcntl command
            } else if (disk && f.device == null && s.startsWith("/dev/", i)) {
                f.device = s.substring(i, end);
                i = end;
            } else {
                break;
            }
        }
        f.path = s.substring(Math.min(i, n));
        return f;
    }

    private static int tokenEnd(String s, int i) {
        int j = i;
        while (j < s.length() && s.charAt(j) != ' ') {
            j++;
        }
        return j;
    }

    private static int digits(String s, int i) {
        int j = i;
        while (j < s.length() && Character.isDigit(s.charAt(j)) && s.charAt(j) < 128) {
            j++;
        }
        return j;
    }

    /** @return the index after the {@code ]} of {@code [ n]} / {@code [-2]} starting at {@code i}, or -1 */
    private static int errnoEnd(String s, int i) {
        int j = i + 1;
        while (j < s.length() && s.charAt(j) == ' ') {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '-') {
            j++;
        }
        int d = digits(s, j);
        if (d == j || d - j > 9 || d >= s.length() || s.charAt(d) != ']') {
            return -1;
        }
        return d + 1;
    }

    private static int errnoValue(String s, int open, int close) {
        return Integer.parseInt(s.substring(open + 1, close - 1).strip());
    }

    /** @return the hex value of {@code s[from, to)}, or -2 if it is not 1..16 hex digits */
    private static long hex(String s, int from, int to) {
        if (to <= from || to - from > 16) {
            return -2;
        }
        long v = 0;
        for (int k = from; k < to; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0 || s.charAt(k) > 127) {
                return -2;
            }
            v = (v << 4) | d;
        }
        return v < 0 ? -2 : v;
    }
}
