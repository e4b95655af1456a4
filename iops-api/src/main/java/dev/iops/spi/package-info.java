/**
 * The service-provider interface for iops backends.
 *
 * <p>A backend implements {@link dev.iops.spi.Profiler} and is registered with {@link java.util.ServiceLoader}.
 * A session asks it to {@linkplain dev.iops.spi.Profiler#start start} a {@link dev.iops.spi.Recording}, runs
 * the block, and {@linkplain dev.iops.spi.Recording#stop stops} it: counting backends return
 * {@link dev.iops.spi.IoCounters} deltas, per-operation backends stream {@link dev.iops.spi.Op}s to an
 * {@link dev.iops.spi.OpSink}. Timing, aggregation and formatting are done by the session, once for all
 * backends.
 */
package dev.iops.spi;
