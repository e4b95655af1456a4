package dev.iops.linux;

import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ids of the kernel tracepoints the in-process reader opens ({@code raw_syscalls:sys_enter} and
 * {@code raw_syscalls:sys_exit}). The kernel numbers tracepoints when it boots and publishes the numbers only in
 * tracefs.
 *
 * <p>tracefs is often not mounted (a fresh boot of many VMs, most containers). The library never changes the
 * machine's mounts: where no readable tracefs is mounted and the process holds {@code CAP_SYS_ADMIN}, a
 * short-lived library thread moves itself into a mount namespace of its own (every mount private), mounts tracefs
 * there, reads the two files and ends; the namespace ends with it. No process is started and no other thread,
 * nor the rest of the machine, sees the mount.
 *
 * @param sysEnter      id of {@code raw_syscalls:sys_enter}
 * @param sysExit       id of {@code raw_syscalls:sys_exit}
 * @param source        where they were read, for messages ({@code "/sys/kernel/tracing"},
 *                      {@code "a private tracefs mount"})
 */
record TracepointIds(int sysEnter, int sysExit, String source) {
    /** Where tracefs is mounted when it is. */
    static final List<Path> MOUNTS = List.of(Path.of("/sys/kernel/tracing"), Path.of("/sys/kernel/debug/tracing"));
    private static final long LOOKUP_TIMEOUT_MILLIS = 10_000;

    /**
     * Reads the ids from a mounted tracefs.
     *
     * @param tracefs the mount
     * @param source  what to call it in messages
     * @return the ids
     * @throws IOException if a file is missing or malformed
     */
    static TracepointIds read(Path tracefs, String source) throws IOException {
        try (SelfIo.Meter meter = SelfIo.meter()) {
            return readUnmetered(tracefs, source);
        }
    }

    /** {@link #read}, on a thread whose I/O is metered already. */
    private static TracepointIds readUnmetered(Path tracefs, String source) throws IOException {
        Path events = tracefs.resolve("events");
        try (SelfIo.Registration own = SelfIo.ownPath(tracefs)) {
            int enter = parseId(read(events.resolve("raw_syscalls/sys_enter/id")));
            int exit = parseId(read(events.resolve("raw_syscalls/sys_exit/id")));
            return new TracepointIds(enter, exit, source);
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.US_ASCII);
    }

    /**
     * @param text the content of an {@code id} file, such as {@code "443\n"}
     * @return the id
     * @throws IOException if it is not a positive number
     */
    static int parseId(String text) throws IOException {
        try {
            int id = Integer.parseInt(text.trim());
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IOException("not a tracepoint id: '" + text.trim() + "'");
    }

    /** @return the first mount whose {@code events} directory is readable, or {@code null} (access(2) only) */
    static Path mounted() {
        for (Path t : MOUNTS) {
            Path events = t.resolve("events/raw_syscalls");
            if (Files.isReadable(events) && Files.isExecutable(events)) {
                return t;
            }
        }
        return null;
    }

    /**
     * Reads the ids from the mounted tracefs, or else through a private mount on a thread of its own.
     *
     * @return the ids
     * @throws IOException with what failed and what to do
     */
    static TracepointIds lookUp() throws IOException {
        Path mounted = mounted();
        if (mounted != null) {
            return read(mounted, mounted.toString());
        }
        return privately();
    }

    /**
     * Reads the ids through a private tracefs mount, made by a library thread that ends right after.
     *
     * @return the ids
     * @throws IOException with what failed and what to do
     */
    static TracepointIds privately() throws IOException {
        // JNA's first use unpacks and loads its native library (reads its jar, writes a temp file): here, on the
        // caller, inside its metered stretch of own work, not on the new thread, whose I/O a process-wide window
        // would count
        KernelCalls.load();
        AtomicReference<Object> result = new AtomicReference<>();
        Thread t = SelfIo.newOwnThread("iops-tracefs", () -> {
            // metered whole: its first JNA calls load classes (reads of JNA's jar) that a process-wide window would
            // count otherwise
            try (SelfIo.Meter meter = SelfIo.meter()) {
                KernelCalls.privateTracefs(MOUNTS.get(0).toString());
                result.set(readUnmetered(MOUNTS.get(0), "a private tracefs mount"));
            } catch (KernelCalls.CallFailedException | IOException | RuntimeException | LinkageError e) {
                result.set(e);
            }
        });
        t.start();
        try {
            t.join(LOOKUP_TIMEOUT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the tracepoint ids");
        }
        Object r = result.get();
        if (r instanceof TracepointIds ids) {
            return ids;
        }
        if (r == null) {
            throw new IOException("reading the tracepoint ids through a private tracefs mount took over "
                    + LOOKUP_TIMEOUT_MILLIS + " ms");
        }
        Throwable e = (Throwable) r;
        throw new IOException("tracefs is not mounted, and mounting it privately failed: " + e.getMessage()
                + ". Mount it (mount -t tracefs nodev /sys/kernel/tracing) or make it readable, or use "
                + "-Diops.profiler=procfs", e);
    }
}
