/**
 * iops API: the facade ({@code dev.iops}) and the provider SPI ({@code dev.iops.spi}).
 */
module dev.iops.api {
    requires org.slf4j;
    requires jdk.jfr;

    exports dev.iops;
    exports dev.iops.spi;
    exports dev.iops.tracer;

    uses dev.iops.spi.Profiler;
    uses dev.iops.spi.TraceFormat;

    provides dev.iops.spi.Profiler with dev.iops.jvm.JfrProfiler;
}
