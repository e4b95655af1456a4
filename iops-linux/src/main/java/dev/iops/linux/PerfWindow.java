package dev.iops.linux;

import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;

import java.util.HashMap;
import java.util.Map;
import java.util.function.LongFunction;
import java.util.function.Predicate;

/**
 * Turns the lines of {@code perf script --ns -F trace:pid,tid,time,event,trace} (or without {@code pid}) over
 * {@code raw_syscalls:sys_enter} and {@code raw_syscalls:sys_exit} into {@link Op}s, streaming them to a sink:
 * <pre>
 *  4242/4242   388.855484490: raw_syscalls:sys_enter: NR 1 (1, 5595dd34f210, 8, 0, 7f438bf0bc68, 73)
 *  4242/4242   388.855487566:  raw_syscalls:sys_exit: NR 1 = 8
 * </pre>
 * Entries and exits are paired per thread in time order (perf writes each thread's events in order); an exit
 * without its entry (the call began before recording was enabled) is dropped, and so is an entry whose exit
 * never came (still running when recording stopped). Arguments are hexadecimal, return values signed decimal: a
 * negative value is a failed call, counted as an error.
 *
 * <p>The window: a call counts when it began at or after {@code beginNanos} and ended at or before
 * {@code endNanos} (perf records with {@code CLOCK_MONOTONIC}, the clock of {@link System#nanoTime()}), on the
 * window's thread when one is given, and not inside a stretch the library spent on its own work
 * ({@code ownTime}). Operations of the library's own processes and on its own paths are dropped.
 *
 * <p>Paths: {@code perf script} prints events in time order, so descriptors are followed through the trace. A
 * descriptor of the traced process that was open when the window began keeps the path it had then until it is
 * closed ({@code close}, {@code dup2}/{@code dup3} over it, {@code close_range}); operations after its last close
 * get the path it has when the window ends, if it is still open then, and are held back until the end of the
 * trace to know that (at most {@link #MAX_HELD} operations; beyond, they are given without a path). Operations on
 * a descriptor that was opened and closed inside the window, and operations of other processes (children), have
 * no path. A path is never guessed.
 *
 * <p>Pure: no I/O, no clock. Memory: one pending entry per thread. Not thread-safe.
 */
final class PerfWindow implements PerfData.Events {
    /** Says whether a thread was doing the library's own work at a time. */
    @FunctionalInterface
    interface OwnTime {
        /** Never own. */
        OwnTime NONE = (tid, nanos) -> false;

        /**
         * @param tid   OS thread id
         * @param nanos a {@code CLOCK_MONOTONIC} time in nanoseconds
         * @return true if the library was doing its own I/O on that thread then
         */
        boolean isOwn(long tid, long nanos);
    }

    /**
     * Paths of descriptors opened inside the window, as found while they were still open (the in-process reader
     * resolves an {@code open} exit's descriptor through {@code /proc/self/fd} as soon as it sees it).
     */
    @FunctionalInterface
    interface Opened {
        /** Knows none. */
        Opened NONE = (fd, after, before) -> null;

        /**
         * @param fd     a descriptor of the traced process
         * @param after  the descriptor's previous release (or {@link Long#MIN_VALUE})
         * @param before the release that ends it now
         * @return what the descriptor opened in that interval referred to, if it was resolved before
         *         {@code before} (so it was still the same open file then); else {@code null}
         */
        TraceWindow.Target between(long fd, long after, long before);
    }

    /** Operations held back, over every descriptor, until the end of the trace says their path. */
    static final int MAX_HELD = 65_536;
    private static final TraceWindow.Target UNKNOWN = new TraceWindow.Target(null, TargetKind.UNKNOWN);

    /** The entry half of a call. */
    private record Pending(Syscall syscall, long enterNanos, long arg0, long arg1, long arg2) {
    }

    /** What is known of one descriptor of the traced process, in trace order. */
    private static final class Descriptor {
        /** The path it had when the window began, while not yet closed; {@code null} after. */
        TraceWindow.Target start;
        /** Operations since its last close (or since the window began, if it was not open then). */
        final java.util.List<Op> held = new java.util.ArrayList<>();
        /** When it was last released, or {@link Long#MIN_VALUE}. */
        long lastRelease = Long.MIN_VALUE;
    }

    private final PerfSyscalls table;
    private final long beginNanos;
    private final long endNanos;
    private final long onlyTid;
    private final long pid;
    private final LongFunction<TraceWindow.Target> startFds;
    private final LongFunction<TraceWindow.Target> endFds;
    private final Predicate<String> ownPath;
    private final java.util.function.LongPredicate ownProcess;
    private final OwnTime ownTime;
    private final OpSink sink;
    private Opened opened = Opened.NONE;
    private long releasesFrom;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<Long, Descriptor> fds = new HashMap<>();
    private int held;
    private long ops;
    private long unresolved;
    private long garbage;
    private long unpairedExits;

    /**
     * @param table       the system call numbers of the architecture the trace was recorded on
     * @param beginNanos  window start ({@code CLOCK_MONOTONIC} nanoseconds), or {@link Long#MIN_VALUE} for none
     * @param endNanos    window end, or {@link Long#MAX_VALUE} for none
     * @param onlyTid     the one thread to count, or {@code -1} for every thread
     * @param pid         the process whose descriptors {@code startFds} and {@code endFds} describe, or {@code -1}
     *                    when no descriptor can be resolved (a trace recorded elsewhere)
     * @param startFds    what a descriptor number referred to when the window began, or {@code null}
     * @param endFds      what it refers to when the window ended, or {@code null}
     * @param ownPath     true for a path that is the library's own
     * @param ownProcess  true for a process id that is the library's own (a tracer, a helper)
     * @param ownTime     stretches of the library's own work
     * @param sink        receives the operations
     */
    PerfWindow(PerfSyscalls table, long beginNanos, long endNanos, long onlyTid, long pid,
               LongFunction<TraceWindow.Target> startFds, LongFunction<TraceWindow.Target> endFds,
               Predicate<String> ownPath, java.util.function.LongPredicate ownProcess, OwnTime ownTime, OpSink sink) {
        this.table = table;
        this.beginNanos = beginNanos;
        this.endNanos = endNanos;
        this.onlyTid = onlyTid;
        this.pid = pid;
        this.startFds = startFds;
        this.endFds = endFds;
        this.ownPath = ownPath;
        this.ownProcess = ownProcess;
        this.ownTime = ownTime;
        this.sink = sink;
        this.releasesFrom = beginNanos;
    }

    /**
     * Gives the paths of descriptors opened and closed inside the window, as resolved while they were open.
     *
     * @param opened the resolutions
     * @return this window
     */
    PerfWindow opened(Opened opened) {
        this.opened = opened;
        return this;
    }

    /**
     * Decodes the calls that end a descriptor from an earlier time than the window's begin: the time the start
     * snapshot of descriptors began. A descriptor closed (and its number reused) between that snapshot and the
     * window's begin would otherwise keep the path the snapshot gave it, another file's; such an operation would
     * be given a wrong path, or dropped as the library's own if that file was.
     *
     * @param nanos when the start snapshot began ({@code CLOCK_MONOTONIC}); the recording must have been enabled
     *              before
     * @return this window
     */
    PerfWindow releasesFrom(long nanos) {
        this.releasesFrom = Math.min(nanos, beginNanos);
        return this;
    }

    /**
     * A window over this JVM's live calls, as perf and the in-process reader decode them: the library's own paths,
     * processes, threads and stretches of own work dropped, and in process scope the JVM's service threads (JIT
     * compilers polling cgroup files...), whose I/O is the runtime's.
     *
     * @param table      the system call numbers
     * @param beginNanos window start
     * @param endNanos   window end
     * @param onlyTid    the one thread to count, or {@code -1} for every thread (process scope)
     * @param startFds   descriptors at the window's start
     * @param endFds     descriptors at its end
     * @param sink       receives the operations
     * @return the window
     */
    static PerfWindow ofThisJvm(PerfSyscalls table, long beginNanos, long endNanos, long onlyTid,
                                LongFunction<TraceWindow.Target> startFds, LongFunction<TraceWindow.Target> endFds,
                                OpSink sink) {
        boolean process = onlyTid < 0;
        return new PerfWindow(table, beginNanos, endNanos, onlyTid, ProcessHandle.current().pid(), startFds, endFds,
                dev.iops.spi.SelfIo::isOwnPath, dev.iops.spi.SelfIo::isOwnProcess,
                (t, nanos) -> dev.iops.spi.SelfIo.isOwnWork(t, nanos) || dev.iops.spi.SelfIo.isOwnThread(t)
                        || (process && dev.iops.spi.SelfIo.isRuntimeThread(t)), sink);
    }

    /** A window over a whole trace recorded elsewhere: every operation, no path, no offsets. */
    static PerfWindow offline(PerfSyscalls table, OpSink sink) {
        return new PerfWindow(table, Long.MIN_VALUE, Long.MAX_VALUE, -1, -1, null, null, p -> false, p -> false,
                OwnTime.NONE, sink);
    }

    /**
     * Takes one line of {@code perf script} output; lines of other shapes are counted as {@link #garbage()}.
     *
     * @param line the line, without its line terminator
     */
    void accept(CharSequence line) {
        // The fields before the event vary with -F: "[comm] [pid/]tid [[cpu]] seconds.fraction: event: ...".
        // Read them backwards from the event name, so a command name with spaces cannot confuse the parse.
        String text = line.toString();
        int event = text.indexOf("raw_syscalls:sys_");
        if (event < 0) {
            garbage++;
            return;
        }
        int p = event - 1;
        while (p >= 0 && text.charAt(p) == ' ') {
            p--;
        }
        if (p < 0 || text.charAt(p) != ':') {
            garbage++;
            return;
        }
        int timeEnd = p;
        int timeStart = text.lastIndexOf(' ', timeEnd) + 1;
        int q = timeStart - 1;
        while (q >= 0 && text.charAt(q) == ' ') {
            q--;
        }
        if (q >= 0 && text.charAt(q) == ']') { // [cpu]
            q = text.lastIndexOf('[', q) - 1;
            while (q >= 0 && text.charAt(q) == ' ') {
                q--;
            }
        }
        int idStart = text.lastIndexOf(' ', q) + 1;
        Cursor ids = new Cursor(text.substring(Math.max(0, idStart), Math.max(0, q + 1)));
        long tid = ids.decimal();
        long process = -1;
        if (ids.skip('/')) {
            process = tid;
            tid = ids.decimal();
        }
        Cursor c = new Cursor(text);
        c.pos = timeStart;
        long seconds = c.decimal();
        if (tid < 0 || ids.pos != ids.s.length() || seconds < 0 || !c.skip('.')) {
            garbage++;
            return;
        }
        int fracStart = c.pos;
        long frac = c.decimal();
        int digits = c.pos - fracStart;
        if (frac < 0 || digits == 0 || digits > 9 || c.pos != timeEnd) {
            garbage++;
            return;
        }
        for (int i = digits; i < 9; i++) {
            frac *= 10;
        }
        long nanos = seconds * 1_000_000_000L + frac;
        c.pos = event;
        boolean enter;
        if (c.skip("raw_syscalls:sys_enter: NR ")) {
            enter = true;
        } else if (c.skip("raw_syscalls:sys_exit: NR ")) {
            enter = false;
        } else {
            garbage++;
            return;
        }
        long nr = c.decimal();
        if (nr < 0) {
            garbage++;
            return;
        }
        if (enter) {
            if (!c.skip(" (")) {
                garbage++;
                return;
            }
            long a0 = c.hex();
            c.skip(", ");
            long a1 = c.hex();
            c.skip(", ");
            long a2 = c.hex();
            enter(process, tid, nanos, nr, a0, a1, a2);
            return;
        }
        if (!c.skip(" = ")) {
            garbage++;
            return;
        }
        long ret = c.signedDecimal();
        if (ret == Long.MIN_VALUE) {
            garbage++;
            return;
        }
        exit(process, tid, nanos, nr, ret);
    }

    /**
     * Takes one {@code sys_enter} event.
     *
     * @param process the process id, or {@code -1} when the trace does not say
     * @param tid     the thread id
     * @param nanos   its time
     * @param nr      the system call number
     * @param a0      the first argument
     * @param a1      the second argument
     * @param a2      the third argument
     */
    @Override
    public void enter(long process, long tid, long nanos, long nr, long a0, long a1, long a2) {
        Syscall syscall = table.lookup(nr);
        if (syscall != null && syscall.isIo()) {
            pending.put(tid, new Pending(syscall, nanos, a0, a1, a2));
        } else if (syscall == null && (process == pid || process < 0) && nanos >= releasesFrom) {
            release(table.release(nr), a0, a1, nanos);
        }
    }

    /**
     * Takes one {@code sys_exit} event.
     *
     * @param process the process id, or {@code -1} when the trace does not say
     * @param tid     the thread id
     * @param nanos   its time
     * @param nr      the system call number
     * @param ret     the signed return value
     */
    @Override
    public void exit(long process, long tid, long nanos, long nr, long ret) {
        Syscall syscall = table.lookup(nr);
        if (syscall == null || !syscall.isIo()) {
            return;
        }
        Pending p = pending.remove(tid);
        if (p == null || p.syscall != syscall) {
            unpairedExits++;
            return;
        }
        if (p.enterNanos < beginNanos || nanos > endNanos || (onlyTid >= 0 && tid != onlyTid)
                || (process >= 0 && ownProcess.test(process)) || ownTime.isOwn(tid, p.enterNanos)) {
            return;
        }
        long offset = beginNanos == Long.MIN_VALUE ? -1 : p.enterNanos - beginNanos;
        long duration = Math.max(0, nanos - p.enterNanos);
        boolean failed = ret < 0;
        long bytes = failed ? 0 : ret;
        boolean ours = pid >= 0 && (process == pid || process < 0);
        if (syscall.readArg >= 0) {
            emit(new Op(OpKind.READ, bytes, tid, TargetKind.UNKNOWN, null, offset, duration, failed),
                    ours ? arg(p, syscall.readArg) : -1);
        }
        if (syscall.writeArg >= 0 && !(failed && syscall.isTransfer())) {
            emit(new Op(OpKind.WRITE, bytes, tid, TargetKind.UNKNOWN, null, offset, duration, failed),
                    ours ? arg(p, syscall.writeArg) : -1);
        }
    }

    /** A descriptor's meaning ended: what was held on it belonged to a descriptor opened and closed inside. */
    private void release(PerfSyscalls.Release how, long a0, long a1, long nanos) {
        switch (how) {
            case FIRST -> released(a0, nanos);
            case SECOND -> released(a1, nanos);
            case RANGE -> {
                // close_range(first, last): only descriptors seen so far can hold anything or have a start path
                for (Map.Entry<Long, Descriptor> e : fds.entrySet()) {
                    if (Long.compareUnsigned(e.getKey(), a0) >= 0 && Long.compareUnsigned(e.getKey(), a1) <= 0) {
                        released(e.getKey(), nanos);
                    }
                }
                if (startFds != null) {
                    closeStartRange(a0, a1);
                }
            }
            default -> {
            }
        }
    }

    private void closeStartRange(long first, long last) {
        // start descriptors not seen yet: mark them closed so a later reuse is not given the old path
        for (long fd = first; Long.compareUnsigned(fd, last) <= 0 && fd < 65_536; fd++) {
            if (!fds.containsKey(fd) && startFds.apply(fd) != null) {
                descriptor(fd).start = null;
            }
        }
    }

    private void released(long fd, long nanos) {
        if (startFds == null) {
            return;
        }
        Descriptor d = descriptor(fd);
        d.start = null;
        // Releases before the window are not seen (the decoder starts at its begin), so an open before it could
        // pass for this descriptor's: only opens inside the window count.
        TraceWindow.Target t = d.held.isEmpty() ? null
                : opened.between(fd, Math.max(d.lastRelease, beginNanos), nanos);
        flushHeld(d, t == null ? UNKNOWN : t);
        d.lastRelease = nanos;
    }

    private Descriptor descriptor(long fd) {
        Descriptor d = fds.get(fd);
        if (d == null) {
            d = new Descriptor();
            d.start = startFds.apply(fd);
            fds.put(fd, d);
        }
        return d;
    }

    private void flushHeld(Descriptor d, TraceWindow.Target t) {
        for (Op op : d.held) {
            give(op, t);
        }
        held -= d.held.size();
        d.held.clear();
    }

    /**
     * Ends the trace: operations held since their descriptor's last close get the path it has at the end of the
     * window, if it is still open then. Call once, after the last line.
     */
    void finish() {
        for (Map.Entry<Long, Descriptor> e : fds.entrySet()) {
            TraceWindow.Target end = endFds == null ? null : endFds.apply(e.getKey());
            flushHeld(e.getValue(), end == null ? UNKNOWN : end);
        }
    }

    private static long arg(Pending p, int index) {
        return index == 0 ? p.arg0 : index == 1 ? p.arg1 : p.arg2;
    }

    private void emit(Op op, long fd) {
        if (fd < 0 || startFds == null) {
            give(op, UNKNOWN);
            return;
        }
        Descriptor d = descriptor(fd);
        if (d.start != null) {
            give(op, d.start);
        } else if (held < MAX_HELD) {
            d.held.add(op);
            held++;
        } else {
            give(op, UNKNOWN);
        }
    }

    private void give(Op op, TraceWindow.Target t) {
        if (t.path() != null && ownPath.test(t.path())) {
            return;
        }
        if (t.path() == null) {
            unresolved++;
        }
        ops++;
        sink.accept(t.path() == null ? op : new Op(op.kind(), op.bytes(), op.threadId(), t.kind(), t.path(),
                op.offsetNanos(), op.durationNanos(), op.failed()));
    }

    /** @return operations given to the sink */
    long ops() {
        return ops;
    }

    /** @return operations given to the sink whose descriptor could not be resolved to a path */
    long unresolved() {
        return unresolved;
    }

    /** @return lines that were not {@code raw_syscalls} events */
    long garbage() {
        return garbage;
    }

    /** @return exits whose entry was not seen */
    long unpairedExits() {
        return unpairedExits;
    }

    /** A cursor over one line; every read returns -1 when nothing matched, without moving. */
    private static final class Cursor {
        final CharSequence s;
        int pos;

        Cursor(CharSequence s) {
            this.s = s;
        }

        void spaces() {
            while (pos < s.length() && s.charAt(pos) == ' ') {
                pos++;
            }
        }

        boolean skip(char ch) {
            if (pos < s.length() && s.charAt(pos) == ch) {
                pos++;
                return true;
            }
            return false;
        }

        boolean skip(String text) {
            int n = text.length();
            if (pos + n > s.length()) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (s.charAt(pos + i) != text.charAt(i)) {
                    return false;
                }
            }
            pos += n;
            return true;
        }

        long decimal() {
            int start = pos;
            long v = 0;
            while (pos < s.length() && pos - start < 18) {
                char ch = s.charAt(pos);
                if (ch < '0' || ch > '9') {
                    break;
                }
                v = v * 10 + (ch - '0');
                pos++;
            }
            return pos == start ? -1 : v;
        }

        long signedDecimal() {
            boolean negative = skip('-');
            long v = decimal();
            return v < 0 ? Long.MIN_VALUE : negative ? -v : v;
        }

        long hex() {
            int start = pos;
            long v = 0;
            while (pos < s.length() && pos - start < 16) {
                int d = Character.digit(s.charAt(pos), 16);
                if (d < 0) {
                    break;
                }
                v = (v << 4) | d;
                pos++;
            }
            return pos == start ? -1 : v;
        }
    }
}
