/**
 * Linux profilers for iops.
 */
module dev.iops.linux {
    requires dev.iops.api;
    requires org.slf4j;
    requires com.sun.jna;

    exports dev.iops.linux;

    provides dev.iops.spi.TraceFormat with dev.iops.linux.PerfDataTraceFormat, dev.iops.linux.PerfScriptTraceFormat,
            dev.iops.linux.StraceTraceFormat;
    provides dev.iops.spi.Profiler with dev.iops.linux.ProcfsProfiler, dev.iops.linux.StraceProfiler,
            dev.iops.linux.PerfProfiler;
}
