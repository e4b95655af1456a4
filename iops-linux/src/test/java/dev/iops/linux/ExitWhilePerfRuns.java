package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.IopsSession;
import dev.iops.Scope;

/**
 * A JVM that exits with perf running, for {@link PerfShutdownTest}: {@code linger} leaves an idle perf kept after
 * a block, {@code open} a session never stopped. Prints the perf pid last.
 */
final class ExitWhilePerfRuns {
    private ExitWhilePerfRuns() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("linger")) {
            System.setProperty(PerfProfiler.LINGER_PROPERTY, "600000");
            Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).measure(() -> { });
        } else {
            IopsSession never = Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).start(); // never stopped
            System.out.println("session " + never.profiler());
        }
        System.out.println(ProcessHandle.current().children().filter(p -> p.info().command().orElse("").contains("perf"))
                .findFirst().orElseThrow().pid());
        System.out.flush();
        System.exit(0);
    }
}
