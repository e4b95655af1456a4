/**
 * The iops compatibility kit: real workloads with exact truths ({@link dev.iops.testkit.Workloads}: 1000 operations
 * of 4096 bytes through each JDK file API) and the contract every profiler passes
 * ({@link dev.iops.testkit.ProfilerContract}).
 *
 * <p>A provider module adds {@code dev.iops:iops-testkit} with test scope (it brings JUnit Jupiter and AssertJ),
 * registers its profiler in {@code META-INF/services/dev.iops.spi.Profiler}, and extends the contract:
 * <pre>{@code
 * class MyContractTest extends ProfilerContract {
 *     @Override
 *     protected String profilerName() {
 *         return MyProfiler.NAME;
 *     }
 * }
 * }</pre>
 * The tests are skipped, with the provider's own reason, where its availability check says it cannot run.
 */
package dev.iops.testkit;
