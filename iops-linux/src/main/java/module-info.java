/**
 * Linux profilers for iops.
 */
module dev.iops.linux {
    requires transitive dev.iops.api; // its public signatures use the SPI types
    requires org.slf4j;
    requires com.sun.jna;

    // the profilers' NAME constants, property names, (strace) parseTrace and the trace formats are public API
    exports dev.iops.linux;

    provides dev.iops.spi.TraceFormat with dev.iops.linux.PerfDataTraceFormat, dev.iops.linux.PerfScriptTraceFormat,
            dev.iops.linux.StraceTraceFormat;
    provides dev.iops.spi.Profiler with dev.iops.linux.ProcfsProfiler, dev.iops.linux.StraceProfiler,
            dev.iops.linux.PerfProfiler, dev.iops.linux.TracepointProfiler, dev.iops.linux.CountedDetailProfiler;
    provides dev.iops.spi.DeviceSource with dev.iops.linux.DiskStatsSource;
}
