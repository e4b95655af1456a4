/**
 * macOS profilers for iops, and OSHI-based sources for every OS: {@code fs_usage} (a per-operation tracer on
 * macOS, as root), {@code oshi} (OSHI's process byte counters; bytes only) and {@link dev.iops.macos.OshiDiskSource}
 * (per-device counters for {@code Iops.with().devices()} on macOS and Windows).
 */
package dev.iops.macos;
