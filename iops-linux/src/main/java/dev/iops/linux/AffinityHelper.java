package dev.iops.linux;

import dev.iops.spi.SelfIo;

import dev.iops.tracer.ChildProcess;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A small shell loop that pins a thread to a CPU and later restores its previous CPU set, with {@code taskset -p},
 * for {@code iops.strace.pin=thread}: Java cannot call {@code sched_setaffinity} itself.
 *
 * <p>It is started before strace attaches, so strace never traces it nor the {@code taskset} processes it runs.
 * The JVM talks to it through two pipes; their {@code pipe:[inode]} names are recorded so that windows never count
 * that traffic. Thread-safe.
 */
final class AffinityHelper {
    private static final String SCRIPT = "while read cmd tid cpus; do case $cmd in "
            + "pin) eval \"saved_$tid=\\$(taskset -p -c $tid 2>/dev/null | sed 's/.*: //')\"; "
            + "taskset -p -c \"$cpus\" \"$tid\" >/dev/null 2>&1; echo ok;; "
            + "unpin) eval \"c=\\$saved_$tid\"; [ -n \"$c\" ] && taskset -p -c \"$c\" \"$tid\" >/dev/null 2>&1; "
            + "unset saved_$tid; echo ok;; "
            + "*) echo ok;; esac; done";

    private final ChildProcess child;
    private final OutputStream in;
    private final InputStream out;
    private final Set<String> pipes;

    private AffinityHelper(ChildProcess child, Set<String> pipes) {
        this.child = child;
        this.in = child.stdin();
        this.out = child.stdout();
        this.pipes = pipes;
    }

    /**
     * Starts the helper. Call before strace attaches.
     *
     * @param taskset the taskset executable (only checked to exist: the script finds it on PATH)
     * @return the helper, or {@code null} if it could not start
     */
    static AffinityHelper start(Path taskset) {
        if (taskset == null) {
            return null;
        }
        try {
            Set<String> before = descriptors();
            ChildProcess p = ChildProcess.of("strace-pin-helper", List.of("sh", "-c", SCRIPT)).pipes().start();
            Set<String> pipes = new HashSet<>(descriptors());
            pipes.removeAll(before);
            pipes.removeIf(d -> !d.startsWith("pipe:"));
            AffinityHelper helper = new AffinityHelper(p, Set.copyOf(pipes));
            try {
                helper.command("ping 0 0"); // loads the stream classes now, and proves the loop runs
            } catch (IOException | RuntimeException e) {
                p.close();
                throw e;
            }
            return helper;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** @return what {@code /proc/self/fd} links to now */
    private static Set<String> descriptors() throws IOException {
        Set<String> targets = new HashSet<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    targets.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException ignored) {
                    // closed meanwhile (the listing's own descriptor)
                }
            }
        }
        return targets;
    }

    /** @return the {@code pipe:[inode]} names of the JVM's ends of the helper's pipes */
    Set<String> pipes() {
        return pipes;
    }

    /** Pins thread {@code tid} to {@code cpu}, remembering its previous CPU set. */
    void pin(long tid, int cpu) throws IOException {
        command("pin " + tid + " " + cpu);
    }

    /** Restores the CPU set thread {@code tid} had before {@link #pin}. */
    void unpin(long tid) throws IOException {
        command("unpin " + tid + " 0");
    }

    private synchronized void command(String line) throws IOException {
        in.write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        in.flush();
        // wait for "ok\n"; EOF means the helper died, and reading returns instead of blocking
        int c;
        do {
            c = out.read();
        } while (c != '\n' && c != -1);
        if (c == -1) {
            throw new IOException("the CPU affinity helper exited");
        }
    }

    /** Ends the helper (the scaffold's one terminate: TERM, bounded wait, KILL). */
    void close() {
        child.close();
    }

    /** @return the OS thread id of the calling thread, from {@code /proc/thread-self} (a readlink: not I/O) */
    static long currentTid() throws IOException {
        long tid = SelfIo.osThreadId();
        if (tid < 0) {
            throw new IOException("/proc/thread-self could not be read");
        }
        return tid;
    }
}
