/**
 * Linux profilers for iops: {@link dev.iops.linux.ProcfsProfiler} (I/O accounting counters) and
 * {@link dev.iops.linux.StraceProfiler} (exact per-operation tracing with strace).
 */
package dev.iops.linux;
