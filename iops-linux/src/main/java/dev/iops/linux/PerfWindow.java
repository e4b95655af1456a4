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
 * Turns the lines of {@code perf script --ns -F trace:tid,time,event,trace} over {@code raw_syscalls:sys_enter}
 * and {@code raw_syscalls:sys_exit} into {@link Op}s, streaming them to a sink:
 * <pre>
 *  4242   388.855484490: raw_syscalls:sys_enter: NR 1 (1, 5595dd34f210, 8, 0, 7f438bf0bc68, 73)
 *  4242   388.855487566:  raw_syscalls:sys_exit: NR 1 = 8
 * </pre>
 * Entries and exits are paired per thread in time order (perf writes each thread's events in order); an exit
 * without its entry (the call began before recording was enabled) is dropped, and so is an entry whose exit
 * never came (still running when recording stopped). Arguments are hexadecimal, return values signed decimal: a
 * negative value is a failed call, counted as an error.
 *
 * <p>The window: a call counts when it began at or after {@code beginNanos} and ended at or before
 * {@code endNanos} (perf records with {@code CLOCK_MONOTONIC}, the clock of {@link System#nanoTime()}), on the
 * window's thread when one is given, and not inside a stretch the library spent on its own work
 * ({@code ownTime}). Operations on the library's own paths ({@code ownPath}) are dropped.
 *
 * <p>Pure: no I/O, no clock. Memory: one pending entry per thread. Not thread-safe.
 */
final class PerfWindow {
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

    private static final TraceWindow.Target UNKNOWN = new TraceWindow.Target(null, TargetKind.UNKNOWN);

    /** The entry half of a call. */
    private record Pending(Syscall syscall, long enterNanos, long arg0, long arg1, long arg2) {
    }

    private final PerfSyscalls table;
    private final long beginNanos;
    private final long endNanos;
    private final long onlyTid;
    private final LongFunction<TraceWindow.Target> descriptors;
    private final Predicate<String> ownPath;
    private final OwnTime ownTime;
    private final OpSink sink;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<Long, TraceWindow.Target> targets = new HashMap<>();
    private long ops;
    private long unresolved;
    private long garbage;
    private long unpairedExits;

    /**
     * @param table       the system call numbers of the architecture the trace was recorded on
     * @param beginNanos  window start ({@code CLOCK_MONOTONIC} nanoseconds), or {@link Long#MIN_VALUE} for none
     * @param endNanos    window end, or {@link Long#MAX_VALUE} for none
     * @param onlyTid     the one thread to count, or {@code -1} for every thread
     * @param descriptors what a descriptor number refers to, or {@code null} when unknown
     * @param ownPath     true for a path that is the library's own
     * @param ownTime     stretches of the library's own work
     * @param sink        receives the operations
     */
    PerfWindow(PerfSyscalls table, long beginNanos, long endNanos, long onlyTid,
               LongFunction<TraceWindow.Target> descriptors, Predicate<String> ownPath, OwnTime ownTime, OpSink sink) {
        this.table = table;
        this.beginNanos = beginNanos;
        this.endNanos = endNanos;
        this.onlyTid = onlyTid;
        this.descriptors = descriptors;
        this.ownPath = ownPath;
        this.ownTime = ownTime;
        this.sink = sink;
    }

    /**
     * Takes one line of {@code perf script} output; lines of other shapes are counted as {@link #garbage()}.
     *
     * @param line the line, without its line terminator
     */
    void accept(CharSequence line) {
        Cursor c = new Cursor(line);
        c.spaces();
        long tid = c.decimal();
        c.spaces();
        long seconds = c.decimal();
        if (tid < 0 || seconds < 0 || !c.skip('.')) {
            garbage++;
            return;
        }
        int fracStart = c.pos;
        long frac = c.decimal();
        int digits = c.pos - fracStart;
        if (frac < 0 || digits == 0 || digits > 9 || !c.skip(':')) {
            garbage++;
            return;
        }
        for (int i = digits; i < 9; i++) {
            frac *= 10;
        }
        long nanos = seconds * 1_000_000_000L + frac;
        c.spaces();
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
        Syscall syscall = table.lookup(nr);
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
            if (syscall != null && syscall.isIo()) {
                pending.put(tid, new Pending(syscall, nanos, a0, a1, a2));
            }
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
        Pending p = pending.remove(tid);
        if (p == null || p.syscall != syscall) {
            unpairedExits++;
            return;
        }
        if (p.enterNanos < beginNanos || nanos > endNanos || (onlyTid >= 0 && tid != onlyTid)
                || ownTime.isOwn(tid, p.enterNanos)) {
            return;
        }
        long offset = beginNanos == Long.MIN_VALUE ? -1 : p.enterNanos - beginNanos;
        long duration = Math.max(0, nanos - p.enterNanos);
        boolean failed = ret < 0;
        long bytes = failed ? 0 : ret;
        if (syscall.readArg >= 0) {
            emit(OpKind.READ, bytes, tid, arg(p, syscall.readArg), offset, duration, failed);
        }
        if (syscall.writeArg >= 0 && !(failed && syscall.isTransfer())) {
            emit(OpKind.WRITE, bytes, tid, arg(p, syscall.writeArg), offset, duration, failed);
        }
    }

    private static long arg(Pending p, int index) {
        return index == 0 ? p.arg0 : index == 1 ? p.arg1 : p.arg2;
    }

    private void emit(OpKind kind, long bytes, long tid, long fd, long offset, long duration, boolean failed) {
        TraceWindow.Target t = target(fd);
        if (t.path() != null && ownPath.test(t.path())) {
            return;
        }
        if (t.path() == null) {
            unresolved++;
        }
        ops++;
        sink.accept(new Op(kind, bytes, tid, t.kind(), t.path(), offset, duration, failed));
    }

    private TraceWindow.Target target(long fd) {
        TraceWindow.Target t = targets.get(fd);
        if (t == null) {
            TraceWindow.Target resolved = descriptors == null ? null : descriptors.apply(fd);
            t = resolved == null ? UNKNOWN : resolved;
            targets.put(fd, t);
        }
        return t;
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
