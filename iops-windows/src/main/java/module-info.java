/**
 * Windows profiler for iops: process I/O counters ({@code GetProcessIoCounters}) through JNA.
 */
module dev.iops.windows {
    requires dev.iops.api;
    requires com.sun.jna;

    provides dev.iops.spi.Profiler with dev.iops.windows.IoCountersProfiler;
}
