package dev.iops.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

import java.util.Locale;

/**
 * The libc calls the in-process tracepoint reader makes, and nothing else: {@code perf_event_open(2)} (through
 * {@code syscall(2)}), {@code ioctl}, {@code mmap}, {@code munmap}, {@code close}, {@code poll}, and
 * {@code unshare}/{@code mount} for a private tracefs mount. The layer is thin on purpose: every decision
 * (attributes, record layout, which ids) is made by pure code that is tested without the kernel. None of these
 * calls is a read or a write, so no window counts them. Thread-safe.
 */
final class KernelCalls {
    /** {@code PERF_FLAG_FD_CLOEXEC}: no child process inherits an event. */
    static final long PERF_FLAG_FD_CLOEXEC = 8;
    static final long IOC_ENABLE = 0x2400;
    static final long IOC_DISABLE = 0x2401;
    static final long IOC_SET_OUTPUT = 0x2405;
    /** {@code _IOW('$', 6, char *)}: the same number on x86-64, arm64 and riscv64. */
    static final long IOC_SET_FILTER = 0x40082406L;
    /** {@code PERF_IOC_FLAG_GROUP}: the ioctl applies to the leader's whole group. */
    static final long IOC_FLAG_GROUP = 1;
    private static final int PROT_READ_WRITE = 3;
    private static final int MAP_SHARED = 1;
    private static final long MAP_FAILED = -1;
    private static final int CLONE_NEWNS = 0x00020000;
    private static final long MS_REC_PRIVATE = 0x4000 | 0x40000;
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EMFILE = 24;
    static final int ENOSPC = 28;

    /*
     * Every buffer is a Java array (JNA copies it in and out around the call), never a JNA Memory or a String: those
     * are freed by JNA's own cleaner thread, whose first run loads JNA classes (reads JNA's jar) at a random later
     * time, inside whatever process-wide window is open then.
     */
    private interface LibC extends Library {
        long syscall(long number, Object... args) throws LastErrorException;

        int ioctl(int fd, NativeLong request, NativeLong arg) throws LastErrorException;

        int ioctl(int fd, NativeLong request, byte[] arg) throws LastErrorException;

        Pointer mmap(Pointer addr, NativeLong length, int prot, int flags, int fd, NativeLong offset)
                throws LastErrorException;

        int munmap(Pointer addr, NativeLong length) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        int poll(int[] fds, NativeLong count, int timeoutMillis) throws LastErrorException;

        int setpriority(int which, int who, int prio) throws LastErrorException;

        int unshare(int flags) throws LastErrorException;

        int getpagesize();

        NativeLong read(int fd, long[] buffer, NativeLong count) throws LastErrorException;

        int mount(byte[] source, byte[] target, byte[] type, NativeLong flags, Pointer data)
                throws LastErrorException;
    }

    /** @return the text as a NUL-terminated C string */
    private static byte[] cString(String text) {
        if (text == null) {
            return null;
        }
        byte[] b = text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    private static final class Holder {
        static final LibC LIBC = load();

        /**
         * glibc by its soname first: for the bare name "c" JNA runs {@code ldconfig -p}, a child process whose I/O
         * the kernel adds to this JVM's counters when it is reaped (inside whatever window is open).
         */
        private static LibC load() {
            try {
                return Native.load("libc.so.6", LibC.class);
            } catch (UnsatisfiedLinkError notGlibc) {
                return Native.load("c", LibC.class); // musl and others
            }
        }
    }

    private KernelCalls() {
    }

    /** A call that failed, with its errno. */
    static final class CallFailedException extends Exception {
        private static final long serialVersionUID = 1L;
        final int errno;

        CallFailedException(String call, int errno) {
            super(call + " failed: " + describe(errno));
            this.errno = errno;
        }
    }

    /**
     * @param errno an error number
     * @return {@code "EACCES (13: Permission denied)"}-like text
     */
    static String describe(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM (operation not permitted)";
            case ENOENT -> "ENOENT (no such file or directory)";
            case EACCES -> "EACCES (permission denied)";
            case EBUSY -> "EBUSY (device or resource busy)";
            case ENODEV -> "ENODEV (no such device)";
            case EINVAL -> "EINVAL (invalid argument)";
            case EMFILE -> "EMFILE (too many open files)";
            case ENOSPC -> "ENOSPC (no space left on device)";
            default -> "errno " + errno;
        };
    }

    /**
     * @param osArch the JVM's {@code os.arch}
     * @return the number of {@code perf_event_open} there, or -1 where unknown
     */
    static long perfEventOpenNumber(String osArch) {
        return switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> 298;
            case "aarch64", "arm64", "riscv64" -> 241;
            default -> -1;
        };
    }

    /** Loads libc's binding now (on the caller, inside its own-work stretch): never first inside a window. */
    static void load() {
        Holder.LIBC.getClass();
    }

    /**
     * Makes the first calls of {@code close} and {@code munmap} now, on nothing (EBADF, EINVAL): JNA builds a
     * method's call path on its first use (loading classes), which the draining thread would otherwise do when it
     * releases the events, maybe inside a process-wide window.
     */
    static void warmRelease() {
        close(-1);
        munmap(Pointer.NULL, 0);
        // what the buffer views load on their first read from a thread (a runtime-image read): JDK 17's, JDK 21+'s
        for (String name : new String[]{"jdk.internal.misc.ScopedMemoryAccess$Scope",
                "jdk.internal.foreign.MemorySessionImpl", "java.lang.foreign.MemorySegment$Scope",
                "com.sun.jna.LastErrorException"}) {
            try {
                Class.forName(name);
            } catch (ClassNotFoundException | LinkageError e) {
                // another JDK: nothing of that name to load
            }
        }
    }

    /**
     * Reads an event's counts ({@code read(2)} on its descriptor: a read the caller books as its own).
     *
     * @param fd    the event
     * @param bytes how many bytes its read format gives
     * @return the longs read, in the machine's order
     * @throws CallFailedException if the read fails
     */
    static long[] readCounts(int fd, int bytes) throws CallFailedException {
        long[] values = new long[bytes / 8];
        try {
            long n = Holder.LIBC.read(fd, values, new NativeLong(bytes)).longValue();
            return java.util.Arrays.copyOf(values, (int) (n / 8));
        } catch (LastErrorException e) {
            throw new CallFailedException("read(perf event)", e.getErrorCode());
        }
    }

    /** @return the size of a memory page in bytes */
    static int pageSize() {
        return Holder.LIBC.getpagesize();
    }

    static int perfEventOpen(long number, byte[] attr, long pid, int cpu, int groupFd) throws CallFailedException {
        try {
            return (int) Holder.LIBC.syscall(number, attr, pid, (long) cpu, (long) groupFd, PERF_FLAG_FD_CLOEXEC);
        } catch (LastErrorException e) {
            throw new CallFailedException("perf_event_open(cpu " + cpu + ")", e.getErrorCode());
        }
    }

    static void ioctl(int fd, long request, long arg) throws CallFailedException {
        try {
            Holder.LIBC.ioctl(fd, new NativeLong(request), new NativeLong(arg));
        } catch (LastErrorException e) {
            throw new CallFailedException("ioctl(" + Long.toHexString(request) + ")", e.getErrorCode());
        }
    }

    static void setFilter(int fd, String filter) throws CallFailedException {
        try {
            Holder.LIBC.ioctl(fd, new NativeLong(IOC_SET_FILTER), cString(filter));
        } catch (LastErrorException e) {
            throw new CallFailedException("ioctl(PERF_EVENT_IOC_SET_FILTER)", e.getErrorCode());
        }
    }

    static Pointer mmap(int fd, long length) throws CallFailedException {
        try {
            Pointer p = Holder.LIBC.mmap(null, new NativeLong(length), PROT_READ_WRITE, MAP_SHARED, fd,
                    new NativeLong(0));
            if (p == null || Pointer.nativeValue(p) == MAP_FAILED) {
                throw new CallFailedException("mmap", Native.getLastError());
            }
            return p;
        } catch (LastErrorException e) {
            throw new CallFailedException("mmap(" + length + " bytes)", e.getErrorCode());
        }
    }

    /** Unmaps; never throws (a failure leaves nothing the caller could do). */
    static void munmap(Pointer p, long length) {
        try {
            Holder.LIBC.munmap(p, new NativeLong(length));
        } catch (LastErrorException e) {
            // the mapping goes with the process
        }
    }

    /** Closes; never throws. */
    static void close(int fd) {
        try {
            Holder.LIBC.close(fd);
        } catch (LastErrorException e) {
            // EINTR still closes on Linux; EBADF cannot happen for a descriptor we own
        }
    }

    /**
     * @param fds descriptors to wait on
     * @return their {@code struct pollfd} array (two ints each: the descriptor, then {@code events} and
     *         {@code revents} as two shorts), waiting for input, to pass to {@link #poll} again and again
     */
    static int[] pollSet(int[] fds) {
        int[] set = new int[2 * Math.max(1, fds.length)];
        boolean little = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
        for (int i = 0; i < fds.length; i++) {
            set[2 * i] = fds[i];
            set[2 * i + 1] = little ? 1 : 1 << 16; // POLLIN in events, revents 0
        }
        return set;
    }

    /**
     * Waits for input on descriptors.
     *
     * @param set           from {@link #pollSet}
     * @param count         how many descriptors it holds
     * @param timeoutMillis the longest wait
     * @return how many have input; 0 on timeout or interruption
     */
    /**
     * Sets one thread's nice value ({@code setpriority(PRIO_PROCESS, tid, nice)}: on Linux it names a thread).
     *
     * @param tid  the OS thread id, 0 for the calling thread; -1 only binds the call (it fails, changing nothing)
     * @param nice the value, -20 (first) to 19
     * @return true if it was set; false if refused (a lower value needs {@code CAP_SYS_NICE}) or failed
     */
    static boolean setNice(long tid, int nice) {
        try {
            return Holder.LIBC.setpriority(0, (int) tid, nice) == 0;
        } catch (LastErrorException e) {
            return false;
        }
    }

    static int poll(int[] set, int count, int timeoutMillis) {
        try {
            return Holder.LIBC.poll(set, new NativeLong(count), timeoutMillis);
        } catch (LastErrorException e) {
            return 0; // EINTR: the caller loops
        }
    }

    /**
     * Moves the calling thread into a mount namespace of its own, every mount in it private (nothing mounted
     * there is seen by, or propagates to, the rest of the machine), then mounts tracefs at {@code target} in it
     * (unless the machine's tracefs is mounted there already, and so in the copy).
     * The calling thread must be one that ends soon: it stays in that namespace.
     *
     * @param target where to mount
     * @throws CallFailedException when the kernel refuses (no {@code CAP_SYS_ADMIN}, a seccomp filter)
     */
    static void privateTracefs(String target) throws CallFailedException {
        try {
            Holder.LIBC.unshare(CLONE_NEWNS);
        } catch (LastErrorException e) {
            throw new CallFailedException("unshare(CLONE_NEWNS)", e.getErrorCode());
        }
        try {
            Holder.LIBC.mount(null, cString("/"), null, new NativeLong(MS_REC_PRIVATE), null);
        } catch (LastErrorException e) {
            throw new CallFailedException("mount(/, MS_REC|MS_PRIVATE)", e.getErrorCode());
        }
        try {
            Holder.LIBC.mount(cString("nodev"), cString(target), cString("tracefs"), new NativeLong(0), null);
        } catch (LastErrorException e) {
            if (e.getErrorCode() != EBUSY) { // EBUSY: tracefs is mounted there already (a copy of the machine's)
                throw new CallFailedException("mount -t tracefs nodev " + target, e.getErrorCode());
            }
        }
    }
}
