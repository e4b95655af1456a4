package dev.iops.linux;

import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.Scope;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM measuring a block with strace while {@link StraceStoppedTest} stops strace: it prints strace's pid and the
 * file the block writes 64 bytes at a time (its size is the heartbeat) until the file {@code args[0]} exists; then
 * {@code EXACT n}, {@code WRONG n of m} or {@code FAILED message}.
 */
final class WhileStraceIsStopped {
    private WhileStraceIsStopped() {
    }

    public static void main(String[] args) throws IOException {
        Path stop = Path.of(args[0]);
        Path file = Files.createTempFile("stopped", ".bin");
        byte[] b = new byte[64];
        long n = 0;
        try (IopsSession s = Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).start()) {
            System.out.println("strace " + StraceTracer.current().pid() + " " + file);
            System.out.flush();
            try (OutputStream out = new FileOutputStream(file.toFile())) {
                while (!Files.exists(stop)) {
                    out.write(b);
                    n++;
                }
            }
            try {
                IopsReport r = s.stop();
                n++; // the line that told strace's pid, printed inside the window
                System.out.println((r.writeOps() == n ? "EXACT " : "WRONG ") + r.writeOps() + " of " + n);
            } catch (IncompleteReportException e) {
                System.out.println("FAILED " + e.getMessage());
            }
        } finally {
            Files.delete(file);
        }
    }
}
