package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.Scope;

/**
 * For {@link KilledJvmLeftoversTest}: {@code hold} opens a jfr and a perf session, says {@code ready} and waits to
 * be killed; {@code touch} only touches the library and waits (bounded) for its clean-up of killed JVMs' files.
 */
final class KilledWhileMeasuring {
    private KilledWhileMeasuring() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("hold")) {
            Iops.with().profiler("jfr").start();
            if (new PerfProfiler().availability().usable()) {
                Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).start();
            }
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(120_000);
        } else {
            Iops.profilers();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().equals("iops-stale-files")) {
                    t.join(30_000);
                }
            }
            System.out.println("swept");
        }
        System.exit(0);
    }
}
