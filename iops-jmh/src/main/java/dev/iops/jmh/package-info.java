/**
 * A JMH profiler that reports the I/O operations and bytes of each benchmark operation:
 * {@code -prof dev.iops.jmh.IopsProfiler} (see {@link dev.iops.jmh.IopsProfiler}).
 */
package dev.iops.jmh;
