package dev.iops.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** The known truth: one write(4096 bytes) system call per benchmark operation, nothing else. */
@State(Scope.Thread)
public class OneBlockBenchmark {
    private final byte[] block = new byte[4096];
    private Path file;
    private RandomAccessFile out;

    @Setup(Level.Trial)
    public void open() throws IOException {
        file = Files.createTempFile("iops-jmh-", ".bin");
        out = new RandomAccessFile(file.toFile(), "rw");
    }

    @Benchmark
    public void writeOneBlock() throws IOException {
        out.seek(0); // lseek, not a read or write: the file stays 4 KiB however long the benchmark runs
        out.write(block);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        out.close();
        Files.delete(file);
    }
}
