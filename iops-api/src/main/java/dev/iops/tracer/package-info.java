/**
 * The scaffold every OS tracer provider (strace, perf, fs_usage) is built on, so each stays a thin decoder:
 * <ul>
 *   <li>{@link dev.iops.tracer.ChildProcess}: start a tracer or helper, wait for its readiness with a timeout,
 *       end it (TERM, then KILL after a bounded wait) and delete its files on every path, JVM exit included;</li>
 *   <li>{@link dev.iops.tracer.SharedTracer}: the one tracer attached to this JVM, shared and reference counted by
 *       nested and concurrent sessions, detached when the last one ends, with abandoned sessions and runaway
 *       traces bounded;</li>
 *   <li>{@link dev.iops.tracer.TraceFile} and {@link dev.iops.tracer.TraceFileReader}: the tail of a growing trace
 *       file, read without chasing the growth the reads cause, never interruptible, booked as the library's own
 *       I/O;</li>
 *   <li>{@link dev.iops.tracer.MarkerWindow}: a session's marker-delimited window of the shared trace, with the
 *       pairing of calls printed in two halves.</li>
 * </ul>
 * For provider modules; not an API for measuring code (that is {@link dev.iops.Iops}).
 */
package dev.iops.tracer;
