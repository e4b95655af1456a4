/**
 * Linux profilers for iops: {@link dev.iops.linux.ProcfsProfiler} (I/O accounting counters).
 */
package dev.iops.linux;
