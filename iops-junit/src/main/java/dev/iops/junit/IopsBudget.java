package dev.iops.junit;

import dev.iops.Scope;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An I/O budget for a test: the test method's invocation is measured with iops, and a test that exceeds a budget
 * fails with a message that states each budget exceeded and the report's table.
 *
 * <pre>{@code
 * @Test
 * @IopsBudget(maxWriteOps = 3, maxBytesWritten = 8192)
 * void savesInAtMostThreeWrites() throws IOException {
 *     store.save(order);
 * }
 * }</pre>
 *
 * <p>The annotation is meta-annotated with {@code @ExtendWith(IopsExtension.class)}: it alone is enough.
 *
 * <h2>Where it applies</h2>
 * On a method it applies to that method; on a class to every test of the class, of its subclasses
 * ({@link Inherited}) and of its {@code @Nested} classes. The nearest annotation wins, whole (attributes are not
 * merged): the method's, then its class's, then the enclosing classes' outwards. Each invocation of a
 * {@code @RepeatedTest} or {@code @ParameterizedTest}, and every dynamic test of a {@code @TestFactory}, is measured
 * and judged on its own (the factory method itself, which only creates the tests, is not). {@code @BeforeEach},
 * {@code @AfterEach} and class-level lifecycle methods are not measured.
 *
 * <h2>What is measured</h2>
 * Exactly the invocation of the test method, on the thread that runs it (also when
 * {@code @Timeout(threadMode = SEPARATE_THREAD)} runs it on another thread). Class loading is I/O: code that runs
 * for the first time in the JVM reads class files, and {@link Scope#THREAD} counts those reads on the test's thread.
 *
 * <p>A budget of {@link #UNLIMITED} (the default of every budget) is not checked. A budget on a figure that the
 * measuring profiler cannot count fails the test with that reason: never a silent pass.
 *
 * @see IopsExtension
 */
@Target({ElementType.METHOD, ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(IopsExtension.class)
public @interface IopsBudget {

    /** The value of a budget that is not checked. */
    long UNLIMITED = -1;

    /**
     * @return the most read operations (system calls for OS profilers) the test may make; {@link #UNLIMITED} for no
     *         limit
     */
    long maxReadOps() default UNLIMITED;

    /** @return the most write operations the test may make; {@link #UNLIMITED} for no limit */
    long maxWriteOps() default UNLIMITED;

    /** @return the most bytes the test may read; {@link #UNLIMITED} for no limit */
    long maxBytesRead() default UNLIMITED;

    /** @return the most bytes the test may write; {@link #UNLIMITED} for no limit */
    long maxBytesWritten() default UNLIMITED;

    /**
     * Which threads are counted. The default, {@link Scope#THREAD}, counts only the thread that runs the test method,
     * so tests running in parallel (and JUnit's own threads) do not land in each other's figures. {@link Scope#PROCESS}
     * also counts threads the test starts, and everything else the JVM does at the same time.
     *
     * @return the scope
     */
    Scope scope() default Scope.THREAD;

    /**
     * The profiler that measures, such as {@code "procfs"} or {@code "strace"}; empty (the default) lets iops choose
     * the best usable one (or the one {@code -Diops.profiler} names). A named profiler is never replaced by another.
     *
     * @return a profiler name, or empty for automatic selection
     */
    String profiler() default "";

    /**
     * What happens when no profiler can measure here.
     *
     * @return the policy; {@link NoProfilerPolicy#DEFAULT} follows the configuration parameter
     *         {@value IopsExtension#NO_PROFILER_PARAMETER}, whose default is to skip the test
     */
    NoProfilerPolicy whenNoProfiler() default NoProfilerPolicy.DEFAULT;
}
