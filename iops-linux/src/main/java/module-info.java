/**
 * Linux profilers for iops.
 */
module dev.iops.linux {
    requires transitive dev.iops.api; // its public signatures use the SPI types
    requires org.slf4j;
    requires com.sun.jna;

    // the profilers' NAME constants, property names and (strace) parseTrace are public API
    exports dev.iops.linux;

    provides dev.iops.spi.Profiler with dev.iops.linux.ProcfsProfiler, dev.iops.linux.StraceProfiler;
    provides dev.iops.spi.DeviceSource with dev.iops.linux.DiskStatsSource;
}
