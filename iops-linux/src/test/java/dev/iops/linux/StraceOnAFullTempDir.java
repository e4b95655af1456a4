package dev.iops.linux;

import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsException;
import dev.iops.IopsReport;
import dev.iops.Scope;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM that measures blocks with strace while a wrapper makes the writes of strace's trace fail with ENOSPC, for
 * {@link StraceFullTempDirTest}. Arguments: the scope, the number of 64-byte writes of each block, the number of
 * blocks. One line per block: {@code EXACT n}, {@code WRONG n notes}, or {@code FAILED class: message}.
 */
final class StraceOnAFullTempDir {
    private StraceOnAFullTempDir() {
    }

    public static void main(String[] args) throws IOException {
        Scope scope = Scope.valueOf(args[0]);
        int writes = Integer.parseInt(args[1]);
        int blocks = Integer.parseInt(args[2]);
        Path file = Files.createTempFile(Path.of(System.getProperty("java.io.tmpdir")), "block", ".bin");
        byte[] b = new byte[64];
        IoWork work = () -> {
            try (OutputStream out = new FileOutputStream(file.toFile())) {
                for (int i = 0; i < writes; i++) {
                    out.write(b);
                }
            }
        };
        work.run(); // class loading out of the windows
        for (int i = 0; i < blocks; i++) {
            try {
                IopsReport r = Iops.with().profiler(StraceProfiler.NAME).scope(scope).measure(work::run);
                System.out.println((r.writeOps() == writes && r.bytesWritten() == 64L * writes ? "EXACT " : "WRONG ")
                        + r.writeOps() + " " + r.notes());
            } catch (IncompleteReportException e) {
                System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage()
                        + " PARTIAL " + e.partialReport().writeOps());
            } catch (IopsException e) {
                System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            System.out.flush();
        }
        Files.delete(file);
    }

    private interface IoWork {
        void run() throws IOException;
    }
}
