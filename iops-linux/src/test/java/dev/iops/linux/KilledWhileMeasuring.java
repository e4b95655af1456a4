package dev.iops.linux;

import dev.iops.Iops;
import dev.iops.Scope;

/**
 * For {@link KilledJvmLeftoversTest}: {@code hold} opens a jfr, a perf and a tracepoints session, says {@code ready} and waits to
 * be killed; {@code touch} only touches the library and waits (bounded) for its clean-up of killed JVMs' files.
 */
final class KilledWhileMeasuring {
    private KilledWhileMeasuring() {
    }

    public static void main(String[] args) throws Exception {
        if (args[0].equals("hold")) {
            // held: a session that becomes unreachable is closed by the library's cleaner (its files deleted)
            java.util.List<dev.iops.IopsSession> open = new java.util.ArrayList<>();
            open.add(Iops.with().profiler("jfr").start());
            if (new PerfProfiler().availability().usable()) {
                open.add(Iops.with().profiler(PerfProfiler.NAME).scope(Scope.THREAD).start());
            }
            if (new TracepointProfiler().availability().usable()) {
                // no file at all: its kernel events and ring buffers end with the process
                open.add(Iops.with().profiler(TracepointProfiler.NAME).scope(Scope.THREAD).start());
            }
            System.out.println("ready");
            System.out.flush();
            Thread.sleep(120_000);
            System.out.println(open.size()); // reachable until killed
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
