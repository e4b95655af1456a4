package dev.iops.linux;

import dev.iops.Units;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;

import java.util.List;

/**
 * Passes on the operations of a trace recorded elsewhere whose sizes a Linux system call can have: no read or write
 * moves more than {@link #MAX_RW_COUNT} bytes (the kernel's {@code MAX_RW_COUNT}, {@code INT_MAX} rounded down to a
 * 4 KiB page; less with larger pages), so a bigger size is a damaged trace, and counting it would make every total
 * wrong. Such operations are dropped and counted for a note. Not thread-safe.
 */
final class PlausibleSizes implements OpSink {
    /** The most bytes one Linux read or write system call moves. */
    static final long MAX_RW_COUNT = Integer.MAX_VALUE & ~4095L;

    private final OpSink next;
    private long dropped;

    PlausibleSizes(OpSink next) {
        this.next = next;
    }

    @Override
    public void accept(Op op) {
        if (op.bytes() > MAX_RW_COUNT) {
            dropped++;
            return;
        }
        next.accept(op);
    }

    /**
     * Adds the note on the operations dropped, if any.
     *
     * @param format the format's name, which starts the note
     * @param notes  receives it
     */
    void notes(String format, List<String> notes) {
        if (dropped > 0) {
            notes.add(format + ": " + Units.count(dropped) + (dropped == 1 ? " operation was" : " operations were")
                    + " not counted: each claims more than "
                    + Units.count(MAX_RW_COUNT) + " B, the most one Linux system call moves; the trace is damaged");
        }
    }
}
