/**
 * Windows profiler for iops: {@link dev.iops.windows.IoCountersProfiler} ({@code iocounters}), the process's
 * I/O counters from {@code GetProcessIoCounters}, the Windows counterpart of Linux's procfs counters.
 *
 * <p>Layout: the profiler and its recording ({@code IoCountersProfiler}), the pure mapping from the
 * {@code IO_COUNTERS} structure to report figures ({@code ProcessIoCounters}, tested on fixtures) and the one
 * thin native call ({@code Kernel32Io}, the only class that touches JNA).
 */
package dev.iops.windows;
