package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.Scope;
import dev.iops.testkit.Workloads;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The first sessions of a fresh JVM, for {@link FirstSessionTest}: {@code outer [inner]} providers, scope; the outer
 * block writes the workload to one file, the inner block (if any) to another. Everything the library loads and
 * does for the first time happens inside these windows. Prints each report as JSON, one line each (UTF-8), for the
 * test to read back with {@link IopsReport#fromJson(String)}: its figures, scope and notes.
 */
final class FirstSessionInAFreshJvm {
    private FirstSessionInAFreshJvm() {
    }

    public static void main(String[] args) throws Exception {
        Scope scope = Scope.valueOf(args[0]);
        String outer = args[1];
        String inner = args.length > 2 ? args[2] : null;
        Path dir = Files.createTempDirectory("first-session");
        Path a = dir.resolve("outer.bin");
        Path b = dir.resolve("inner.bin");
        Workloads.writeStream(a); // the workload's own first use (its classes), outside every window
        Workloads.writeStream(b);
        IopsReport[] in = new IopsReport[1];
        IopsReport out = Iops.with().profiler(outer).scope(scope).measure(() -> {
            Workloads.writeStream(a);
            if (inner != null) {
                in[0] = Iops.with().profiler(inner).scope(scope).measure(() -> Workloads.writeStream(b));
            }
        });
        print(out);
        if (in[0] != null) {
            print(in[0]);
        }
        Files.delete(a);
        Files.delete(b);
        Files.delete(dir);
        System.out.flush();
        System.exit(0);
    }

    private static void print(IopsReport r) {
        java.io.PrintStream out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out),
                true, java.nio.charset.StandardCharsets.UTF_8);
        out.println(r.toJson());
    }
}
