/**
 * Linux profilers for iops.
 */
module dev.iops.linux {
    requires dev.iops.api;
    requires org.slf4j;
    requires com.sun.jna;

    provides dev.iops.spi.Profiler with dev.iops.linux.ProcfsProfiler, dev.iops.linux.StraceProfiler,
            dev.iops.linux.PerfProfiler;
}
