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
 *
 * <h2>JUnit versions</h2>
 * iops-junit runs on the JUnit of the project that uses it: JUnit 5 from 5.10 on, and JUnit 6. It depends on
 * {@code junit-jupiter-api} in the {@code provided} scope, so it brings no JUnit of its own to that project: JUnit
 * checks that its jars are of one version (a JUnit 6 engine beside a 5.x API fails before any test runs, the JUnit
 * team's advice being to align every JUnit artifact through {@code org.junit:junit-bom}), and with the user's JUnit
 * the only one on the class path, they are. A project declares {@code junit-jupiter} (or imports the BOM) as it would
 * without iops-junit.
 *
 * <p>The extension is compiled against JUnit 5.10 and uses only API that 5.10 and 6.x both have, none deprecated in
 * 6. One feature needs a newer JUnit and is looked up when the extension runs: the JSON file entries
 * ({@code iops-report.json}) are published on JUnit 5.14 and later, and only the text report entry on 5.10 to 5.13.
 * The tests run on the newest 5.x and 6.x, and a project with JUnit 5.10 and one with JUnit 6 check that the
 * published dependencies resolve to the user's JUnit alone. JUnit 6 needs Java 17, as iops does.
 */
package dev.iops.junit;
