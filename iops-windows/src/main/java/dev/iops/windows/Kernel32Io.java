package dev.iops.windows;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.win32.StdCallLibrary;

/**
 * The one native call: {@code GetProcessIoCounters(GetCurrentProcess(), &counters)} from {@code kernel32}.
 * The only class of this module that touches JNA; JNA and kernel32 are loaded on first use, which
 * {@link IoCountersProfiler} never allows off Windows.
 *
 * <p>Thread-safe: the calls are; each gets its own buffer.
 */
final class Kernel32Io {
    private Kernel32Io() {
    }

    /** The two kernel32 functions, as JNA binds them. */
    interface Kernel32 extends StdCallLibrary {
        /** {@code HANDLE GetCurrentProcess(void)}: a pseudo-handle, nothing to close. */
        Pointer GetCurrentProcess();

        /**
         * {@code BOOL GetProcessIoCounters(HANDLE, PIO_COUNTERS)}. {@code IO_COUNTERS} is six {@code ULONGLONG}s,
         * so a {@code long[6]} has its layout and JNA passes it as a pointer, copying it back after the call.
         */
        boolean GetProcessIoCounters(Pointer process, long[] ioCounters);
    }

    /** Loads kernel32 on first use only. */
    private static final class Holder {
        static final Kernel32 KERNEL32 = Native.load("kernel32", Kernel32.class);
    }

    /**
     * Reads this process's counters.
     *
     * @return the reading
     * @throws IllegalStateException if the call fails; the message carries the Windows error code
     */
    static ProcessIoCounters read() {
        long[] fields = new long[ProcessIoCounters.FIELDS];
        Kernel32 k = Holder.KERNEL32;
        if (!k.GetProcessIoCounters(k.GetCurrentProcess(), fields)) {
            throw new IllegalStateException("GetProcessIoCounters failed with Windows error " + Native.getLastError());
        }
        return ProcessIoCounters.ofStructure(fields);
    }
}
