/**
 * I/O budgets in JUnit Jupiter tests.
 *
 * <pre>{@code
 * @Test
 * @IopsBudget(maxWriteOps = 3, profiler = "procfs")
 * void savesInAtMostThreeWrites() { store.save(order); }
 * }</pre>
 *
 * {@link dev.iops.junit.IopsBudget} measures a test method's invocation and fails the test with each budget exceeded
 * and the report; {@link dev.iops.junit.IopsExtension} also hands a test an {@link dev.iops.IopsSession} parameter
 * and publishes every report as a report entry.
 */
package dev.iops.junit;
