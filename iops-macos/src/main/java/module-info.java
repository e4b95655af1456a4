/**
 * macOS profilers for iops ({@code fs_usage}), OSHI process byte counters ({@code oshi}, any OS) and OSHI disk
 * counters for {@code Iops.with().devices()} (macOS, Windows).
 */
module dev.iops.macos {
    requires dev.iops.api;
    requires org.slf4j;
    requires com.github.oshi;

    exports dev.iops.macos;

    provides dev.iops.spi.Profiler with dev.iops.macos.FsUsageProfiler, dev.iops.macos.OshiProfiler;
    provides dev.iops.spi.DeviceSource with dev.iops.macos.OshiDiskSource;
    provides dev.iops.spi.TraceFormat with dev.iops.macos.FsUsageTraceFormat;
}
