package dev.iops.linux;

import dev.iops.spi.SelfIo;
import dev.iops.tracer.TraceFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * strace's marks of the library's own work ({@link SelfIo#markOwnWork}): a {@code readlink} of
 * {@link StraceTracer#OWN_WORK_BEGIN} and {@link StraceTracer#OWN_WORK_END} around each stretch on its thread, and
 * where in the trace each stretch began.
 *
 * <p>A window reads the shared trace from where it was when the session started. A stretch of own work that another
 * thread began before that point (a session stopping: it reads the trace file) has its begin mark before it, and
 * the window would not know that thread's calls after it are the library's own: a read whose entry half is before
 * that point, too, shows only its {@code <... read resumed>} half, with no path to recognise the trace file by. So a
 * window starts reading at the earliest begin mark of the stretches still running, or that ended after that point
 * ({@link #readFrom}): lines before its begin marker only pair calls and follow stretches. Thread-safe.
 */
final class StraceOwnWork implements SelfIo.OwnWorkMarks {
    private static final Path BEGIN = Path.of(StraceTracer.OWN_WORK_BEGIN);
    private static final Path END = Path.of(StraceTracer.OWN_WORK_END);

    /** One stretch: the trace's size before its begin mark, and after its end mark once it ended. */
    private static final class Stretch {
        final long begin;
        volatile long end = -1;

        Stretch(long begin) {
            this.begin = begin;
        }
    }

    private final TraceFile trace;
    private final List<Stretch> stretches = new ArrayList<>(); // guarded by this
    private final ThreadLocal<Deque<Stretch>> open = ThreadLocal.withInitial(ArrayDeque::new);

    StraceOwnWork(TraceFile trace) {
        this.trace = trace;
        // loaded now, while strace attaches: a first begin() inside a window would read the class file before its mark
        java.util.List.of(Stretch.class);
    }

    @Override
    public void begin() {
        Stretch s;
        synchronized (this) {
            long size = size(); // the begin mark's line lands at or after it: strace appends
            s = new Stretch(size < 0 ? 0 : size); // unknown: from the start of the trace, to be safe
            for (java.util.Iterator<Stretch> it = stretches.iterator(); it.hasNext(); ) {
                long end = it.next().end;
                if (end >= 0 && end <= size) {
                    it.remove(); // wholly before any window still to open
                }
            }
            stretches.add(s);
        }
        open.get().push(s);
        StraceTracer.marker(BEGIN);
    }

    @Override
    public void end() {
        StraceTracer.marker(END); // strace writes its line before the call returns
        Stretch s = open.get().poll();
        if (s != null) {
            long size = size();
            s.end = size < 0 ? Long.MAX_VALUE : size; // unknown: kept until the tracer detaches
        }
    }

    /**
     * Where a window that opens now must start reading the trace: its present size, or the begin of an earlier
     * stretch of own work whose end mark is not wholly before it.
     *
     * @return the offset
     * @throws IOException if the trace's size cannot be read
     */
    synchronized long readFrom() throws IOException {
        long size = trace.size();
        long from = size;
        for (Stretch s : stretches) {
            long end = s.end;
            if (end < 0 || end > size) {
                from = Math.min(from, s.begin);
            }
        }
        return from;
    }

    /** @return the trace's size (an fstat: not traced as I/O), or -1 */
    private long size() {
        try {
            return trace.size();
        } catch (IOException e) {
            return -1;
        }
    }
}
