/**
 * The portable JVM-level profiler: {@link dev.iops.jvm.JfrProfiler} ({@code jfr}) reads the JDK's own
 * Flight Recorder I/O events ({@code jdk.FileRead}, {@code jdk.FileWrite}, {@code jdk.SocketRead},
 * {@code jdk.SocketWrite}). It needs nothing but the JDK, runs on every OS without privileges, and sees only
 * the I/O that goes through the JDK's instrumented stream, channel and socket classes.
 *
 * <p>The profiler is found with {@link java.util.ServiceLoader} under the name {@code "jfr"}; the package is exported
 * so that callers can name it ({@link dev.iops.jvm.JfrProfiler#NAME}). The module needs {@code jdk.jfr} only
 * statically: on a runtime without it, jfr reports itself unusable and another profiler is selected.
 */
package dev.iops.jvm;
