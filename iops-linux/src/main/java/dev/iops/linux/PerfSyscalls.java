package dev.iops.linux;

import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The numbers of the traced system calls on one CPU architecture: {@code raw_syscalls} tracepoints carry a
 * number, not a name, and the numbers differ between architectures (x86-64 has its own table; arm64 and riscv64
 * share the generic one). Pure and immutable.
 */
final class PerfSyscalls {
    private static final int MAX_NR = 512;

    private final String arch;
    private final Syscall[] byNumber = new Syscall[MAX_NR];
    private final Map<Syscall, Integer> numbers = new EnumMap<>(Syscall.class);
    /** Calls that end a descriptor's meaning: {@code close}, {@code dup2}/{@code dup3} (their target), {@code close_range}. */
    private final int close;
    private final int dup2;
    private final int dup3;
    private final int closeRange;
    /** {@code openat}: how the JDK and libc open files. */
    private final int openat;

    private PerfSyscalls(String arch, int close, int dup2, int dup3, int closeRange, int openat, Object... pairs) {
        this.arch = arch;
        this.openat = openat;
        this.close = close;
        this.dup2 = dup2;
        this.dup3 = dup3;
        this.closeRange = closeRange;
        for (int i = 0; i < pairs.length; i += 2) {
            Syscall s = (Syscall) pairs[i];
            int nr = (Integer) pairs[i + 1];
            byNumber[nr] = s;
            numbers.put(s, nr);
        }
    }

    /** The x86-64 table (arch/x86/entry/syscalls/syscall_64.tbl). */
    static final PerfSyscalls X86_64 = new PerfSyscalls("x86_64", 3, 33, 292, 436, 257,
            Syscall.READ, 0, Syscall.WRITE, 1, Syscall.PREAD64, 17, Syscall.PWRITE64, 18, Syscall.READV, 19,
            Syscall.WRITEV, 20, Syscall.SENDFILE, 40, Syscall.SENDTO, 44, Syscall.RECVFROM, 45, Syscall.SENDMSG, 46,
            Syscall.RECVMSG, 47, Syscall.SPLICE, 275, Syscall.PREADV, 295, Syscall.PWRITEV, 296,
            Syscall.COPY_FILE_RANGE, 326, Syscall.PREADV2, 327, Syscall.PWRITEV2, 328);

    /** The generic table (include/uapi/asm-generic/unistd.h) used by arm64 and riscv64. */
    static final PerfSyscalls GENERIC = new PerfSyscalls("generic", 57, -1, 24, 436, 56,
            Syscall.READ, 63, Syscall.WRITE, 64, Syscall.READV, 65, Syscall.WRITEV, 66, Syscall.PREAD64, 67,
            Syscall.PWRITE64, 68, Syscall.PREADV, 69, Syscall.PWRITEV, 70, Syscall.SENDFILE, 71, Syscall.SPLICE, 76,
            Syscall.SENDTO, 206, Syscall.RECVFROM, 207, Syscall.SENDMSG, 211, Syscall.RECVMSG, 212,
            Syscall.COPY_FILE_RANGE, 285, Syscall.PREADV2, 286, Syscall.PWRITEV2, 287);

    /**
     * @param osArch the JVM's {@code os.arch} ({@code amd64}, {@code x86_64}, {@code aarch64}, {@code riscv64})
     * @return the table, or {@code null} for an architecture without one here
     */
    static PerfSyscalls forArch(String osArch) {
        switch (osArch.toLowerCase(Locale.ROOT)) {
            case "amd64":
            case "x86_64":
                return X86_64;
            case "aarch64":
            case "arm64":
            case "riscv64":
                return GENERIC;
            default:
                return null;
        }
    }

    /**
     * Why a provider that reads the {@code raw_syscalls} tracepoints cannot run on this OS or architecture.
     *
     * @param profiler the provider's name, for the message
     * @param osName   the JVM's {@code os.name}
     * @param osArch   the JVM's {@code os.arch}
     * @return the reason, or {@code null} on Linux with a known system call table
     */
    static String platformProblem(String profiler, String osName, String osArch) {
        if (!osName.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return profiler + " needs Linux; this is " + osName;
        }
        if (forArch(osArch) == null) {
            return profiler + ": no system call table for " + osArch + " here (x86-64, arm64, riscv64 are known)";
        }
        return null;
    }

    /**
     * @param nr a system call number from a tracepoint
     * @return the traced call with that number, or {@code null}
     */
    Syscall lookup(long nr) {
        return nr >= 0 && nr < MAX_NR ? byNumber[(int) nr] : null;
    }

    /** What a call does to descriptors, for the ones that end a descriptor's meaning. */
    enum Release {
        /** Not such a call. */
        NONE,
        /** Ends the descriptor in argument 0 ({@code close}). */
        FIRST,
        /** Ends the descriptor in argument 1 ({@code dup2}, {@code dup3}). */
        SECOND,
        /** Ends every descriptor from argument 0 to argument 1 ({@code close_range}). */
        RANGE
    }

    /**
     * @param nr a system call number
     * @return whether and how the call ends descriptors
     */
    Release release(long nr) {
        if (nr == close) {
            return Release.FIRST;
        }
        if (nr == dup2 || nr == dup3) {
            return Release.SECOND;
        }
        return nr == closeRange ? Release.RANGE : Release.NONE;
    }

    /** @return the number of {@code openat} */
    int openat() {
        return openat;
    }

    /**
     * The tracepoint filter that keeps only the traced I/O calls and the calls that end a descriptor (so that a
     * descriptor number reused inside the block is never given the wrong path); every other system call of the
     * JVM costs the kernel one filter evaluation and nothing is written for it.
     *
     * @return a filter such as {@code id == 0 || id == 1 || ...}, calls in ascending number order
     */
    String filter() {
        StringBuilder sb = new StringBuilder();
        int[] nrs = java.util.stream.IntStream.concat(numbers.entrySet().stream().filter(e -> e.getKey().isIo())
                .mapToInt(Map.Entry::getValue), java.util.stream.IntStream.of(close, dup2, dup3, closeRange))
                .filter(nr -> nr >= 0).sorted().toArray();
        for (int nr : nrs) {
            if (sb.length() > 0) {
                sb.append(" || ");
            }
            sb.append("id == ").append(nr);
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return arch + Arrays.toString(numbers.values().toArray());
    }
}
