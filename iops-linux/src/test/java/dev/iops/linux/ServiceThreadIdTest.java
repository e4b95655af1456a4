package dev.iops.linux;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** strace's PROCESS scope tells the JVM's service threads apart by thread id, on this JVM's real threads. */
@EnabledOnOs(OS.LINUX)
class ServiceThreadIdTest {
    @Test
    void aCompilerThreadIsAServiceThreadAndTheCallerIsNot() throws IOException {
        long compiler = -1;
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                String comm;
                try {
                    comm = Files.readString(t.resolve("comm"), StandardCharsets.US_ASCII);
                } catch (java.nio.file.NoSuchFileException ended) {
                    continue; // a thread that ended after the listing (a library thread closing kernel events)
                }
                if (comm.startsWith("C2 CompilerThre") || comm.startsWith("C1 CompilerThre")) {
                    compiler = Long.parseLong(t.getFileName().toString());
                }
            }
        }
        assertThat(compiler).as("a JIT compiler thread in /proc/self/task").isPositive();
        long me = Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
        ServiceThreads service = new ServiceThreads();
        assertThat(service.isServiceTid(compiler)).isTrue();
        assertThat(service.isServiceTid(me)).isFalse();
        assertThat(service.isServiceTid(4_000_000_001L)).as("no such thread").isFalse();
    }

    @Test
    void namesTheRuntimesThreadsAndNotTheUsers() {
        // kernel names as /proc/<pid>/task/<tid>/comm holds them (15 characters, newline)
        for (String runtime : new String[]{"C1 CompilerThre\n", "C2 CompilerThre\n", "VM Thread\n", "G1 Conc#0\n",
                "GC Thread#1\n", "JFR Recorder Th\n", "JFR Periodic Ta\n", "process reaper\n"}) {
            assertThat(ServiceThreads.isService(runtime)).as(runtime.strip()).isTrue();
        }
        for (String user : new String[]{"main\n", "java\n", "pool-1-thread-1\n", "JFRish-worker\n", "Common-Cleaner\n"}) {
            assertThat(ServiceThreads.isService(user)).as(user.strip()).isFalse();
        }
    }

    @Test
    void aReadOfAThreadThatEndedIsBookedAsTheLibrarysOwnToo() throws Exception {
        // the kernel counts the call (syscr) even though it reads nothing: unbooked, a process-wide window would
        // count one read of 0 bytes too many whenever a thread ended between a listing and its read
        long[] tid = new long[1];
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch opened = new java.util.concurrent.CountDownLatch(1);
        Thread t = new Thread(() -> {
            tid[0] = dev.iops.spi.SelfIo.osThreadId();
            started.countDown();
            try {
                opened.await(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "test-ends-soon");
        t.start();
        assertThat(started.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        byte[] buffer = new byte[512];
        try (java.io.RandomAccessFile live = new java.io.RandomAccessFile("/proc/thread-self/io", "r");
             java.io.RandomAccessFile f = new java.io.RandomAccessFile("/proc/self/task/" + tid[0] + "/io", "r")) {
            ServiceThreads.readBooked(live, buffer, "self/io"); // the path's first use (class loading) before counting
            opened.countDown();
            t.join(10_000);
            assertThat(t.isAlive()).isFalse();
            try {
                ServiceThreads.readBooked(f, buffer, tid[0] + "/io"); // the failure path's first use, too
            } catch (IOException expected) {
                // measured below
            }
            dev.iops.spi.SelfIo.thread().minus(dev.iops.spi.SelfIo.thread()); // loads the ledger's classes first
            syscr();
            long kernel = syscr();
            dev.iops.spi.SelfIo.Totals booked = dev.iops.spi.SelfIo.thread();
            IOException thrown = null;
            try {
                ServiceThreads.readBooked(f, buffer, tid[0] + "/io");
            } catch (IOException e) {
                thrown = e;
            }
            long kernelCalls = syscr() - kernel - 1; // less the syscr() read itself
            long bookedCalls = dev.iops.spi.SelfIo.thread().minus(booked).readOps();
            assertThat(thrown).as("the ended thread's file reads nothing").isNotNull();
            assertThat(kernelCalls).as("read calls the kernel counted").isEqualTo(1);
            assertThat(bookedCalls).as("read calls booked as the library's own").isEqualTo(kernelCalls);
        }
    }

    @Test
    void aServiceThreadGoneAtTheEndOfTheWindowIsNamedInTheReport() {
        ProcIo io = new ProcIo(100, 0, 2, 0, 0, 0);
        java.util.Map<String, ProcIo> before = java.util.Map.of("11", io, "12", io, "13", io);
        java.util.Map<String, ProcIo> after = java.util.Map.of("11", io, "14", io); // 12 and 13 ended, 14 started
        assertThat(ServiceThreads.ended(before, after)).isEqualTo(2);
        assertThat(ServiceThreads.ended(before, before)).isZero();
        assertThat(ProcfsProfiler.endedNote(2)).startsWith("2 of the JVM's own service threads")
                .contains("could not be taken out");
        assertThat(ProcfsProfiler.endedNote(0)).isNull();
    }

    /** This thread's read calls before this one, from the kernel (one read of its own io file). */
    private static long syscr() throws IOException {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile("/proc/thread-self/io", "r")) {
            byte[] b = new byte[512];
            int n = f.read(b);
            String io = new String(b, 0, n, java.nio.charset.StandardCharsets.US_ASCII);
            return Long.parseLong(io.replaceAll("(?s).*syscr: (\\d+).*", "$1").trim());
        }
    }
}
