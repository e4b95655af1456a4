package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsException;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.jvm.JfrProfiler;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A JVM whose {@code java.io.tmpdir} is full (the {@code fullfs} preload library of {@link JfrFullTempDirTest}) and
 * which measures with jfr: a block with jfr named, a block with the provider chosen for a histogram, then, the disk
 * freed (the flag file deleted), a block with jfr named again. Argument: a directory outside the full one for the
 * block's file. One line per block: {@code EXACT provider}, {@code WRONG provider writes}, or {@code FAILED class:
 * message}; the last line is {@code ALIVE}, if the JVM lived to print it.
 */
final class JfrOnAFullTempDir {
    private static final int WRITES = 100;

    private JfrOnAFullTempDir() {
    }

    public static void main(String[] args) throws IOException {
        Path file = Path.of(args[0], "block.bin");
        byte[] b = new byte[64];
        IoWork work = () -> {
            try (OutputStream out = new FileOutputStream(file.toFile())) {
                for (int i = 0; i < WRITES; i++) {
                    out.write(b);
                }
            }
        };
        work.run(); // class loading out of the windows
        block(Iops.with().profiler(JfrProfiler.NAME).scope(Scope.THREAD), work);
        block(Iops.with().histogram().scope(Scope.THREAD), work);
        Files.delete(Path.of(System.getenv("IOPS_FULL_FLAG"))); // the disk has room again
        block(Iops.with().profiler(JfrProfiler.NAME).scope(Scope.THREAD), work);
        System.out.println("ALIVE");
    }

    private static void block(Iops.Builder how, IoWork work) throws IOException {
        try {
            IopsReport r = how.measure(work::run);
            System.out.println((r.writeOps() == WRITES && r.bytesWritten() == 64L * WRITES ? "EXACT " : "WRONG ")
                    + r.profiler() + " " + r.writeOps());
        } catch (IopsException e) {
            System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        System.out.flush();
    }

    private interface IoWork {
        void run() throws IOException;
    }
}
