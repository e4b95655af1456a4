/**
 * Windows profiler for iops: process I/O counters ({@code GetProcessIoCounters}) through JNA.
 */
// JNA has no module-info but names itself com.sun.jna in its manifest (Automatic-Module-Name): a stable name.
@SuppressWarnings("requires-automatic")
module dev.iops.windows {
    requires transitive dev.iops.api; // its public signatures use the SPI types
    requires com.sun.jna;

    // the profiler's NAME and PRIORITY are public API
    exports dev.iops.windows;

    provides dev.iops.spi.Profiler with dev.iops.windows.IoCountersProfiler;
}
