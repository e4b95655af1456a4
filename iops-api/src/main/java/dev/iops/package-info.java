/**
 * iops: measure the I/O a block of JVM code performs.
 *
 * <p>Start with {@link dev.iops.Iops}. A measurement yields an immutable {@link dev.iops.IopsReport}: elapsed time,
 * read and write operations, bytes, IOPS, throughput and, from per-operation profilers, a
 * {@link dev.iops.SizeHistogram} and {@link dev.iops.OpDetail}.
 */
package dev.iops;
