/**
 * iops API: the facade ({@code dev.iops}), the provider SPI ({@code dev.iops.spi}) and the portable JVM-level
 * profiler ({@code dev.iops.jvm}, exported for its {@code NAME} and {@code PRIORITY}).
 */
module dev.iops.api {
    requires org.slf4j;
    // static: a runtime without jdk.jfr (a jlink image without it) still resolves this module, and jfr then
    // reports itself unusable and selection falls back. Where the runtime has jdk.jfr, service binding resolves it
    // (jdk.management.jfr provides a service java.management uses), so an application on the module path keeps jfr.
    requires static jdk.jfr;

    exports dev.iops;
    exports dev.iops.spi;
    exports dev.iops.tracer;
    exports dev.iops.jvm;

    uses dev.iops.spi.Profiler;
    uses dev.iops.spi.TraceFormat;
    uses dev.iops.spi.DeviceSource;

    provides dev.iops.spi.Profiler with dev.iops.jvm.JfrProfiler;
}
