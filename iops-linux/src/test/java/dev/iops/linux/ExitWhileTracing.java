package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.Scope;

/** A JVM that exits in the middle of a strace session, for {@link StraceShutdownTest}. */
final class ExitWhileTracing {
    private ExitWhileTracing() {
    }

    public static void main(String[] args) {
        Iops.with().profiler(StraceProfiler.NAME).scope(Scope.THREAD).start(); // never stopped
        System.out.println(StraceTracer.current().pid());
        System.out.flush();
        System.exit(0);
    }
}
