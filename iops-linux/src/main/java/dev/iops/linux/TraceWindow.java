package dev.iops.linux;

import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;

import dev.iops.tracer.MarkerWindow;
import dev.iops.tracer.TraceFileReader;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;

/**
 * strace's decoding of one marker-delimited window: turns strace lines into {@link Op}s, streaming them to a sink
 * as lines arrive. The window itself (markers, thread filter, pairing of {@code <unfinished ...>} with
 * {@code <... resumed>} halves, the library's own paths and processes) is the scaffold's {@link MarkerWindow};
 * this class adds what is strace's: the line tokenizer, the system-call table, {@code -y} descriptor paths and
 * their kinds. Memory stays constant whatever the number of lines: one pending call per thread and a small cache
 * of decoded paths.
 *
 * <p>The window opens at the line of the begin marker (a {@code readlink} of a unique path) and closes at the
 * entry of the end marker; lines before and after are only used to pair calls.
 *
 * <p>Pure apart from reading {@link dev.iops.spi.SelfIo}'s bookings: no I/O, no clock. Not thread-safe.
 */
final class TraceWindow implements TraceFileReader.LineSink {
    private static final int CACHE = 16;
    private static final Target UNKNOWN = new Target(null, TargetKind.UNKNOWN);

    /** What a descriptor referred to. */
    record Target(String path, TargetKind kind) {
    }

    /** The entry half of a call, waiting for its exit half on the same thread. */
    private record Pending(Syscall syscall, long timeNanos, Target read, Target write) {
    }

    private final StraceLineParser line = new StraceLineParser();
    private final MarkerWindow<Pending> window;
    private final OpSink sink;
    private final byte[][] cacheKeys = new byte[CACHE][];
    private final Target[] cacheValues = new Target[CACHE];
    private int cacheNext;

    private long garbage;
    private long ops;
    private long calls;

    /**
     * @param beginMarker the begin marker's path, or {@code null} to count from the first line
     * @param endMarker   the end marker's path, or {@code null} to count to the last line
     * @param threadOnly  count only the thread that issued the begin marker
     * @param excluded    paths whose operations are never counted (the library's own files)
     * @param sink        receives the operations
     */
    TraceWindow(String beginMarker, String endMarker, boolean threadOnly, Set<String> excluded, OpSink sink) {
        this.window = new MarkerWindow<>(beginMarker, endMarker, threadOnly, excluded, StraceTracer.OWN_WORK_BEGIN,
                StraceTracer.OWN_WORK_END);
        this.sink = sink;
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
        return window.ended();
    }

    /** Takes the line {@code b[from, to)} (a trailing newline is allowed). */
    void accept(byte[] b, int from, int to) {
        if (window.ended()) {
            return;
        }
        int kind = line.parse(b, from, to);
        if (kind != StraceLineParser.CALL) {
            if (kind == StraceLineParser.GARBAGE && window.begun()) {
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
        boolean counted = window.counts(tid);
        switch (line.shape) {
            case StraceLineParser.UNFINISHED -> window.entry(tid, new Pending(s, line.timeNanos,
                    target(b, s.readArg), target(b, s.writeArg)));
            case StraceLineParser.RESUMED -> {
                Pending p = window.exit(tid);
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
        window.marker(line.tid, line.timeNanos, b, (int) (r >>> 32), (int) r);
    }

    private void emit(Syscall s, long tid, long startNanos, Target read, Target write) {
        calls++; // stopped and traced, whatever it returned and whatever it touched
        if (!line.hasResult) {
            return; // "= ?": the call never completed
        }
        long offset = window.offsetNanos(startNanos);
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
        return window.excludes(t.path());
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
        return window.begun();
    }

    /** @return true once the end marker was seen; later lines are ignored */
    boolean ended() {
        return window.ended();
    }

    /** @return the thread that issued the begin marker, or -1 */
    long windowTid() {
        return window.windowTid();
    }

    /** @return lines inside the window that could not be understood */
    long garbageLines() {
        return garbage;
    }

    /**
     * @return the I/O system calls of the window's scope that strace stopped and traced, outside the library's own
     *         work and markers: each once, whatever it returned (a call that moved data both ways, such as
     *         {@code sendfile}, is one call and two operations), the library's own files included
     */
    long calls() {
        return calls;
    }

    /** @return operations given to the sink so far */
    long operations() {
        return ops;
    }

    /** @return calls whose entry half is still waiting for its exit half */
    int pendingCalls() {
        return window.pendingCalls();
    }
}
