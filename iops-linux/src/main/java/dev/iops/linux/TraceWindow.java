package dev.iops.linux;

import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns the strace lines of one marker-delimited window into {@link Op}s, streaming them to a sink as lines
 * arrive. Memory stays constant whatever the number of lines: one pending call per thread (an
 * {@code <unfinished ...>} waiting for its {@code <... resumed>} half) and a small cache of decoded paths.
 *
 * <p>The window opens at the line of the begin marker (a {@code readlink} of a unique path) and closes at the
 * entry of the end marker; lines before and after are only used to pair calls. An operation belongs to the
 * window when it completes inside it, as the kernel's own counters see it. In thread mode only the thread that
 * issued the begin marker is counted. Operations on excluded paths (the library's own trace file) are dropped.
 *
 * <p>Pure: no I/O, no clock. Not thread-safe.
 */
final class TraceWindow implements TraceFileReader.LineSink {
    private static final int CACHE = 16;
    private static final long HALF_DAY_NANOS = 43_200_000_000_000L;
    private static final Target UNKNOWN = new Target(null, TargetKind.UNKNOWN);

    /** What a descriptor referred to. */
    record Target(String path, TargetKind kind) {
    }

    /** The entry half of a call, waiting for its exit half on the same thread. */
    private record Pending(Syscall syscall, long timeNanos, Target read, Target write) {
    }

    private final StraceLineParser line = new StraceLineParser();
    private final byte[] begin;
    private final byte[] end;
    private final boolean threadOnly;
    private final Set<String> excluded;
    private final OpSink sink;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final byte[][] cacheKeys = new byte[CACHE][];
    private final Target[] cacheValues = new Target[CACHE];
    private int cacheNext;

    private boolean begun;
    private boolean ended;
    private long windowTid = -1;
    private long beginNanos = -1;
    private long garbage;
    private long ops;

    /**
     * @param beginMarker the begin marker's path, or {@code null} to count from the first line
     * @param endMarker   the end marker's path, or {@code null} to count to the last line
     * @param threadOnly  count only the thread that issued the begin marker
     * @param excluded    paths whose operations are never counted (the library's own files)
     * @param sink        receives the operations
     */
    TraceWindow(String beginMarker, String endMarker, boolean threadOnly, Set<String> excluded, OpSink sink) {
        this.begin = beginMarker == null ? null : beginMarker.getBytes(StandardCharsets.UTF_8);
        this.end = endMarker == null ? null : endMarker.getBytes(StandardCharsets.UTF_8);
        this.threadOnly = threadOnly;
        this.excluded = Set.copyOf(excluded);
        this.sink = sink;
        this.begun = begin == null;
    }

    /** Takes one line, for tests and fixtures. */
    void accept(String text) {
        byte[] b = text.getBytes(StandardCharsets.ISO_8859_1);
        accept(b, 0, b.length);
    }

    @Override
    public void line(byte[] b, int from, int to) {
        accept(b, from, to);
    }

    @Override
    public boolean done() {
        return ended;
    }

    /** Takes the line {@code b[from, to)} (a trailing newline is allowed). */
    void accept(byte[] b, int from, int to) {
        if (ended) {
            return;
        }
        int kind = line.parse(b, from, to);
        if (kind != StraceLineParser.CALL) {
            if (kind == StraceLineParser.GARBAGE && begun) {
                garbage++;
            }
            return;
        }
        Syscall s = line.syscall;
        long tid = line.tid;
        if (s == Syscall.READLINK) {
            marker(b);
            return;
        }
        boolean counted = begun && (!threadOnly || tid == windowTid);
        switch (line.shape) {
            case StraceLineParser.UNFINISHED -> pending.put(tid, new Pending(s, line.timeNanos,
                    target(b, s.readArg), target(b, s.writeArg)));
            case StraceLineParser.RESUMED -> {
                Pending p = pending.remove(tid);
                if (counted) {
                    if (p != null && p.syscall == s) {
                        emit(s, tid, p.timeNanos, p.read, p.write);
                    } else {
                        // the entry half came before we started reading: the size is known, the target is not
                        emit(s, tid, line.timeNanos, UNKNOWN, UNKNOWN);
                    }
                }
            }
            default -> {
                if (counted) {
                    emit(s, tid, line.timeNanos, target(b, s.readArg), target(b, s.writeArg));
                }
            }
        }
    }

    private void marker(byte[] b) {
        if (line.shape == StraceLineParser.RESUMED) {
            return; // a marker counts at its entry; the exit half carries no path
        }
        long r = line.stringRange(b, 0);
        if (r < 0) {
            return;
        }
        int from = (int) (r >>> 32);
        int to = (int) r;
        if (!begun && Arrays.equals(b, from, to, begin, 0, begin.length)) {
            begun = true;
            windowTid = line.tid;
            beginNanos = line.timeNanos;
        } else if (begun && end != null && Arrays.equals(b, from, to, end, 0, end.length)) {
            ended = true;
        }
    }

    private void emit(Syscall s, long tid, long startNanos, Target read, Target write) {
        if (!line.hasResult) {
            return; // "= ?": the call never completed
        }
        long offset = -1;
        if (startNanos >= 0 && beginNanos >= 0) {
            offset = startNanos - beginNanos;
            if (offset < -HALF_DAY_NANOS) {
                offset += 2 * HALF_DAY_NANOS; // -tt stamps wrapped at midnight
            }
            offset = Math.max(0, offset); // a call in flight when the window opened
        }
        long duration = line.durationNanos;
        if (line.failed) {
            boolean isWrite = s.writeArg >= 0;
            Target t = isWrite ? write : read;
            if (!isExcluded(t)) {
                ops++;
                sink.accept(new Op(isWrite ? OpKind.WRITE : OpKind.READ, 0, tid, t.kind(), t.path(), offset,
                        duration, true));
            }
            return;
        }
        long bytes = Math.max(0, line.result);
        if (s.readArg >= 0 && !isExcluded(read)) {
            ops++;
            sink.accept(new Op(OpKind.READ, bytes, tid, read.kind(), read.path(), offset, duration, false));
        }
        if (s.writeArg >= 0 && !isExcluded(write)) {
            ops++;
            sink.accept(new Op(OpKind.WRITE, bytes, tid, write.kind(), write.path(), offset, duration, false));
        }
    }

    private boolean isExcluded(Target t) {
        return t.path() != null && excluded.contains(t.path());
    }

    /** The target of descriptor argument {@code arg}, decoded once per distinct path thanks to a small cache. */
    private Target target(byte[] b, int arg) {
        long r = line.pathRange(b, arg);
        if (r < 0) {
            return UNKNOWN;
        }
        int from = (int) (r >>> 32);
        int to = (int) r;
        for (int i = 0; i < CACHE; i++) {
            byte[] k = cacheKeys[i];
            if (k != null && Arrays.equals(k, 0, k.length, b, from, to)) {
                return cacheValues[i];
            }
        }
        String path = unescape(b, from, to);
        Target t = new Target(path, classify(path));
        cacheKeys[cacheNext] = Arrays.copyOfRange(b, from, to);
        cacheValues[cacheNext] = t;
        cacheNext = (cacheNext + 1) % CACHE;
        return t;
    }

    /**
     * Undoes strace's escapes ({@code \"}, {@code \\}, {@code \n}, {@code \t}, octal {@code \303}, hex
     * {@code \xc3}) and decodes the bytes as UTF-8 (invalid sequences become U+FFFD; never throws).
     */
    static String unescape(byte[] b, int from, int to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(to - from);
        int i = from;
        while (i < to) {
            byte c = b[i];
            if (c != '\\' || i + 1 >= to) {
                out.write(c);
                i++;
                continue;
            }
            byte e = b[i + 1];
            i += 2;
            switch (e) {
                case 'n' -> out.write('\n');
                case 't' -> out.write('\t');
                case 'r' -> out.write('\r');
                case 'v' -> out.write(0x0b);
                case 'f' -> out.write('\f');
                case 'x' -> {
                    int v = 0;
                    int n = 0;
                    while (n < 2 && i < to && Character.digit(b[i], 16) >= 0) {
                        v = v * 16 + Character.digit(b[i], 16);
                        i++;
                        n++;
                    }
                    out.write(n == 0 ? 'x' : v);
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int v = e - '0';
                        int n = 1;
                        while (n < 3 && i < to && b[i] >= '0' && b[i] <= '7') {
                            v = v * 8 + (b[i] - '0');
                            i++;
                            n++;
                        }
                        out.write(v & 0xff);
                    } else {
                        out.write(e); // \" \\ and anything else stand for themselves
                    }
                }
            }
        }
        return new String(out.toByteArray(), StandardCharsets.UTF_8);
    }

    /** Classifies a {@code -y} description: {@code pipe:[N]}, {@code socket:[N]}, {@code /dev/pts/0}, a path... */
    static TargetKind classify(String path) {
        if (path.isEmpty()) {
            return TargetKind.UNKNOWN;
        }
        if (path.charAt(0) != '/') {
            if (path.startsWith("pipe:")) {
                return TargetKind.PIPE;
            }
            if (path.startsWith("socket:")) {
                return TargetKind.SOCKET;
            }
            if (path.startsWith("anon_inode:")) {
                return TargetKind.OTHER;
            }
            // -yy names the protocol instead: TCP:[...], UDPv6:[...], UNIX-STREAM:[...], NETLINK:[...]
            return Character.isUpperCase(path.charAt(0)) && path.contains(":[") ? TargetKind.SOCKET : TargetKind.OTHER;
        }
        if (!path.startsWith("/dev/")) {
            return TargetKind.FILE;
        }
        if (path.startsWith("/dev/pts/") || path.startsWith("/dev/tty") || path.equals("/dev/console")
                || path.equals("/dev/ptmx")) {
            return TargetKind.TTY;
        }
        String dev = path.substring(5);
        if (dev.startsWith("shm/") || dev.startsWith("mqueue/") || dev.startsWith("sd") || dev.startsWith("vd")
                || dev.startsWith("xvd") || dev.startsWith("nvme") || dev.startsWith("hd") || dev.startsWith("dm-")
                || dev.startsWith("loop") || dev.startsWith("md") || dev.startsWith("mmcblk") || dev.startsWith("mapper/")) {
            return TargetKind.FILE; // files on /dev/shm, and block devices
        }
        return TargetKind.OTHER; // character devices: /dev/null, /dev/urandom, ...
    }

    /** @return true once the begin marker was seen (always, without one) */
    boolean begun() {
        return begun;
    }

    /** @return true once the end marker was seen; later lines are ignored */
    boolean ended() {
        return ended;
    }

    /** @return the thread that issued the begin marker, or -1 */
    long windowTid() {
        return windowTid;
    }

    /** @return lines inside the window that could not be understood */
    long garbageLines() {
        return garbage;
    }

    /** @return operations given to the sink so far */
    long operations() {
        return ops;
    }

    /** @return calls whose entry half is still waiting for its exit half */
    int pendingCalls() {
        return pending.size();
    }
}
