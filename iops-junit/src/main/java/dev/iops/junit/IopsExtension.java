package dev.iops.junit;

import dev.iops.Figure;
import dev.iops.IncompleteReportException;
import dev.iops.Iops;
import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.NoProfilerException;
import dev.iops.Scope;
import dev.iops.Units;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.DynamicTestInvocationContext;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;
import org.opentest4j.TestAbortedException;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The JUnit Jupiter extension behind {@link IopsBudget}: measures a test method's invocation with iops, fails the
 * test when it exceeds its budget, and publishes every report.
 *
 * <h2>Budgets</h2>
 * {@link IopsBudget} registers this extension by itself. The session starts in
 * {@link #interceptTestMethod interceptTestMethod} (and {@code interceptTestTemplateMethod} for every
 * {@code @RepeatedTest} and {@code @ParameterizedTest} invocation, and {@code interceptDynamicTest} for every
 * dynamic test of a {@code @TestFactory}), on the thread that invokes the method, immediately before the method, and
 * stops immediately after it: {@code @BeforeEach}/{@code @AfterEach} are outside. JUnit's
 * {@code @Timeout(threadMode = SEPARATE_THREAD)} runs the method, together with the interceptors registered after
 * it (this one), on its own thread; the session therefore starts on that thread, and {@link Scope#THREAD} counts
 * the right one.
 *
 * <p>A test that throws fails with its own exception, with a budget excess (if any) attached as suppressed. A
 * profiler that fails during the test ({@link IncompleteReportException}) fails the test with that exception, and
 * the partial report is published. No silent pass: a budget on a figure the profiler cannot count fails the test
 * with an {@link ExtensionConfigurationException} saying so.
 *
 * <h2>An {@code IopsSession} parameter</h2>
 * With {@code @ExtendWith(IopsExtension.class)} (or an {@code @IopsBudget}), a test method may declare an
 * {@link IopsSession} parameter to measure a part of itself: the session is started when JUnit resolves the
 * parameter, immediately before the invocation, with the scope and profiler of the nearest {@code @IopsBudget} (else
 * {@link Scope#THREAD} and automatic selection). Call {@link IopsSession#stop()} where the part ends; the extension
 * stops it after the method otherwise, and publishes its report. It is not judged against a budget. A
 * {@link Scope#THREAD} session is started on JUnit's thread, so a test whose body runs on another thread
 * ({@code SEPARATE_THREAD} timeouts) fails with a message saying to use {@link Scope#PROCESS}.
 *
 * <h2>Reports</h2>
 * Every report is published with {@link ExtensionContext#publishReportEntry(String, String)} (key {@code iops}, or
 * {@code iops.session} for a parameter's session; the value is {@link IopsReport#toText()}), and as a JSON file
 * entry ({@code iops-report.json}, {@code iops-session-N.json}) with {@code ExtensionContext.publishFile}
 * (its form with {@code org.junit.jupiter.api.MediaType}, JUnit 5.14 and later; on JUnit 5.10 to 5.13 only the text
 * entry is published). The configuration parameter
 * {@value #FILES_PARAMETER}{@code =false} turns the files off. Publishing happens after the session stopped: its
 * I/O is never in a report.
 *
 * <h2>No usable profiler</h2>
 * When no iops profiler can measure the test here, the test is skipped through an assumption whose message says why
 * ({@link NoProfilerPolicy#SKIP}), or fails with the {@link NoProfilerException}
 * ({@link NoProfilerPolicy#FAIL}): {@link IopsBudget#whenNoProfiler()}, else the configuration parameter
 * {@value #NO_PROFILER_PARAMETER} ({@code skip} or {@code fail}), else skip.
 *
 * <h2>Parallel execution</h2>
 * With {@code junit.jupiter.execution.parallel.enabled=true} tests run at the same time on several threads.
 * {@link Scope#THREAD} (the default) counts only the test's own thread and is exact there; {@link Scope#PROCESS}
 * also counts every other test running meanwhile, and a failure message then says so.
 *
 * <p>Thread-safety: one instance may serve tests running in parallel; state lives in each test's
 * {@link ExtensionContext.Store}.
 */
public final class IopsExtension implements InvocationInterceptor, ParameterResolver, AfterEachCallback {

    /** Configuration parameter: {@code skip} (default) or {@code fail} when no profiler can measure a test. */
    public static final String NO_PROFILER_PARAMETER = "iops.junit.noProfiler";

    /** Configuration parameter: {@code false} stops publishing the JSON file entries; default {@code true}. */
    public static final String FILES_PARAMETER = "iops.junit.files";

    private static final String PARALLEL_PARAMETER = "junit.jupiter.execution.parallel.enabled";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(IopsExtension.class);
    private static final String INJECTED = "injected";

    /** Creates the extension; JUnit does this when it finds {@link IopsBudget} or {@code @ExtendWith}. */
    public IopsExtension() {
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
                                    ExtensionContext extensionContext) throws Throwable {
        measure(invocation, extensionContext);
    }

    @Override
    public void interceptTestTemplateMethod(Invocation<Void> invocation,
                                            ReflectiveInvocationContext<Method> invocationContext,
                                            ExtensionContext extensionContext) throws Throwable {
        measure(invocation, extensionContext);
    }

    /** Every dynamic test of a {@code @TestFactory} is measured and judged on its own, with the factory's budget. */
    @Override
    public void interceptDynamicTest(Invocation<Void> invocation, DynamicTestInvocationContext invocationContext,
                                     ExtensionContext extensionContext) throws Throwable {
        // no IopsSession parameters here: a dynamic test has none (the store would show the factory method's)
        Optional<Found> found = budget(extensionContext);
        if (found.isEmpty()) {
            invocation.proceed();
            return;
        }
        judge(invocation, extensionContext, found.get());
    }

    private void measure(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
        List<Injected> injected = injected(context);
        try {
            checkThreads(injected, context);
            Optional<Found> found = budget(context);
            if (found.isEmpty()) {
                invocation.proceed();
                return;
            }
            judge(invocation, context, found.get());
        } finally {
            stopAndPublish(injected, context);
        }
    }

    private static void judge(Invocation<Void> invocation, ExtensionContext context, Found found) throws Throwable {
        IopsBudget budget = found.budget();
        validate(budget, found.where());
        IopsSession session = start(budget, context, found.where());
        Throwable bodyFailure = null;
        try {
            invocation.proceed();
        } catch (Throwable t) {
            bodyFailure = t;
        }
        IopsReport report = null;
        RuntimeException stopFailure = null;
        try {
            report = session.stop(); // first thing after the body: nothing of ours is in the window
        } catch (IncompleteReportException e) {
            publish(context, "iops", "iops-report.json", e.partialReport());
            stopFailure = e;
        } catch (RuntimeException e) {
            stopFailure = e;
        }
        if (report != null) {
            publish(context, "iops", "iops-report.json", report);
        }
        Throwable verdict = report == null ? null : verdict(budget, found.where(), report, context);
        if (bodyFailure != null) {
            if (stopFailure != null) {
                bodyFailure.addSuppressed(stopFailure);
            }
            if (verdict != null) {
                bodyFailure.addSuppressed(verdict);
            }
            throw bodyFailure;
        }
        if (stopFailure != null) {
            throw stopFailure;
        }
        if (verdict != null) {
            throw verdict;
        }
    }

    /** The budget check: null when within budget. */
    private static Throwable verdict(IopsBudget budget, String where, IopsReport report, ExtensionContext context) {
        List<String> exceeded = new ArrayList<>();
        List<String> unmeasured = new ArrayList<>();
        check(budget.maxReadOps(), Figure.READ_OPS, "read operation", "read operations", report, exceeded, unmeasured);
        check(budget.maxWriteOps(), Figure.WRITE_OPS, "write operation", "write operations", report, exceeded,
                unmeasured);
        check(budget.maxBytesRead(), Figure.BYTES_READ, "byte read", "bytes read", report, exceeded, unmeasured);
        check(budget.maxBytesWritten(), Figure.BYTES_WRITTEN, "byte written", "bytes written", report, exceeded,
                unmeasured);
        if (!unmeasured.isEmpty()) {
            return new ExtensionConfigurationException("@IopsBudget " + where + " cannot be checked: profiler '"
                    + report.profiler() + "' does not count " + String.join(", ", unmeasured)
                    + ". Name a profiler that counts them (@IopsBudget(profiler = \"procfs\") on Linux) or remove "
                    + (unmeasured.size() == 1 ? "that budget." : "those budgets."));
        }
        if (exceeded.isEmpty()) {
            return null;
        }
        StringBuilder message = new StringBuilder("I/O budget exceeded (@IopsBudget ").append(where).append("):\n");
        for (String line : exceeded) {
            message.append("  ").append(line).append('\n');
        }
        if (report.scope() == Scope.PROCESS && parallel(context)) {
            message.append("  (scope PROCESS with parallel execution enabled: these figures include the I/O of "
                    + "tests that ran at the same time; use scope THREAD)\n");
        }
        message.append('\n').append(report.toText());
        return new IopsBudgetExceededError(message.toString(), report, List.copyOf(exceeded));
    }

    private static void check(long max, Figure figure, String singular, String plural, IopsReport report,
                              List<String> exceeded, List<String> unmeasured) {
        if (max == IopsBudget.UNLIMITED) {
            return;
        }
        if (!report.isMeasured(figure)) {
            unmeasured.add(plural + " (max" + Character.toUpperCase(figure.key().charAt(0)) + figure.key().substring(1)
                    + " = " + max + ")");
            return;
        }
        long value = report.figure(figure).getAsLong();
        if (value > max) {
            exceeded.add(Units.count(value) + " " + (value == 1 ? singular : plural) + ", budget " + Units.count(max));
        }
    }

    private static void validate(IopsBudget budget, String where) {
        long[] values = {budget.maxReadOps(), budget.maxWriteOps(), budget.maxBytesRead(), budget.maxBytesWritten()};
        String[] names = {"maxReadOps", "maxWriteOps", "maxBytesRead", "maxBytesWritten"};
        for (int i = 0; i < values.length; i++) {
            if (values[i] < 0 && values[i] != IopsBudget.UNLIMITED) {
                throw new ExtensionConfigurationException("@IopsBudget " + where + ": " + names[i] + " = " + values[i]
                        + " is not a budget; use a count >= 0, or IopsBudget.UNLIMITED (-1) for no limit");
            }
        }
    }

    /** Starts a session with the annotation's settings, applying the no-profiler policy. */
    private static IopsSession start(IopsBudget budget, ExtensionContext context, String where) {
        Iops.Builder builder = Iops.with().scope(budget.scope());
        if (!budget.profiler().isBlank()) {
            builder.profiler(budget.profiler());
        }
        try {
            return builder.start();
        } catch (NoProfilerException e) {
            if (policy(budget, context) == NoProfilerPolicy.FAIL) {
                throw e;
            }
            throw new TestAbortedException("Skipped: no iops profiler can measure this test, so its @IopsBudget "
                    + where + " cannot be checked (set " + NO_PROFILER_PARAMETER + "=fail or "
                    + "@IopsBudget(whenNoProfiler = FAIL) to fail instead). " + e.getMessage(), e);
        }
    }

    private static NoProfilerPolicy policy(IopsBudget budget, ExtensionContext context) {
        if (budget.whenNoProfiler() != NoProfilerPolicy.DEFAULT) {
            return budget.whenNoProfiler();
        }
        Optional<String> value = context.getConfigurationParameter(NO_PROFILER_PARAMETER);
        if (value.isEmpty()) {
            return NoProfilerPolicy.SKIP;
        }
        switch (value.get().trim().toLowerCase(Locale.ROOT)) {
            case "skip":
                return NoProfilerPolicy.SKIP;
            case "fail":
                return NoProfilerPolicy.FAIL;
            default:
                throw new ExtensionConfigurationException("Configuration parameter " + NO_PROFILER_PARAMETER + " = '"
                        + value.get() + "' is not a policy; use skip or fail");
        }
    }

    private static boolean files(ExtensionContext context) {
        Optional<String> value = context.getConfigurationParameter(FILES_PARAMETER);
        String v = value.map(x -> x.trim().toLowerCase(Locale.ROOT)).filter(x -> !x.isEmpty()).orElse("true");
        switch (v) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw new ExtensionConfigurationException("Configuration parameter " + FILES_PARAMETER + " = '"
                        + value.get() + "' is not true or false (default true)");
        }
    }

    private static boolean parallel(ExtensionContext context) {
        return context.getConfigurationParameter(PARALLEL_PARAMETER).map(v -> v.trim().equalsIgnoreCase("true"))
                .orElse(false);
    }

    // ---- the budget that applies: the nearest annotation, from the invocation outwards ----

    private record Found(IopsBudget budget, String where) {
    }

    private static Optional<Found> budget(ExtensionContext context) {
        for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
            Optional<AnnotatedElement> element = c.getElement();
            if (element.isEmpty()) {
                continue;
            }
            Optional<IopsBudget> budget = AnnotationSupport.findAnnotation(element.get(), IopsBudget.class);
            if (budget.isPresent()) {
                return Optional.of(new Found(budget.get(), describe(element.get())));
            }
        }
        return Optional.empty();
    }

    private static String describe(AnnotatedElement element) {
        if (element instanceof Method m) {
            return "on method " + m.getName() + "()";
        }
        if (element instanceof Class<?> c) {
            return "on class " + c.getSimpleName();
        }
        return "on " + element;
    }

    // ---- IopsSession parameters ----

    /** A session handed to a test method, with the thread it was started on. */
    private record Injected(IopsSession session, Thread startedOn, int index) {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == IopsSession.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Optional<Method> test = extensionContext.getTestMethod();
        if (test.isEmpty() || !parameterContext.getDeclaringExecutable().equals(test.get())) {
            throw new ParameterResolutionException("An IopsSession parameter is supported on test methods only, not on "
                    + parameterContext.getDeclaringExecutable().getName() + "(): start one with Iops.start() there");
        }
        Optional<Found> found = budget(extensionContext);
        Iops.Builder builder = Iops.with().scope(found.map(f -> f.budget().scope()).orElse(Scope.THREAD));
        found.map(f -> f.budget().profiler()).filter(p -> !p.isBlank()).ifPresent(builder::profiler);
        List<Injected> injected = injected(extensionContext);
        IopsSession session = builder.start(); // NoProfilerException: the parameter cannot be had, the test errors
        injected.add(new Injected(session, Thread.currentThread(), injected.size() + 1));
        return session;
    }

    @SuppressWarnings("unchecked")
    private static List<Injected> injected(ExtensionContext context) {
        // get and put, not getOrComputeIfAbsent: deprecated in JUnit 6, and its replacement is not in JUnit 5.10
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        List<Injected> injected = store.get(INJECTED, List.class);
        if (injected == null) {
            injected = new ArrayList<>();
            store.put(INJECTED, injected);
        }
        return injected;
    }

    /** A THREAD session started on JUnit's thread cannot count a body that runs on another thread: refuse it. */
    private static void checkThreads(List<Injected> injected, ExtensionContext context) {
        for (Injected i : injected) {
            if (i.session().scope() == Scope.THREAD && i.startedOn() != Thread.currentThread()) {
                throw new ExtensionConfigurationException("The IopsSession parameter of "
                        + context.getRequiredTestMethod().getName() + "() counts scope THREAD on thread '"
                        + i.startedOn().getName() + "', where JUnit resolved it, but the test runs on thread '"
                        + Thread.currentThread().getName() + "' (@Timeout(threadMode = SEPARATE_THREAD)?): it would "
                        + "miss the test's I/O. Use @IopsBudget(scope = Scope.PROCESS) on the test, or start a "
                        + "session in the test with Iops.start()");
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // Backstop: a session whose test method never ran (another parameter failed to resolve) is stopped here.
        stopAndPublish(injected(context), context);
    }

    private static void stopAndPublish(List<Injected> injected, ExtensionContext context) {
        for (Injected i : List.copyOf(injected)) {
            injected.remove(i);
            IopsReport report;
            try {
                report = i.session().stop(); // returns the same report if the test stopped it
            } catch (IncompleteReportException e) {
                report = e.partialReport();
            } catch (RuntimeException e) {
                continue; // the test that called stop() got this failure itself
            }
            publish(context, "iops.session", "iops-session-" + i.index() + ".json", report);
        }
    }

    // ---- publishing ----

    private static void publish(ExtensionContext context, String key, String fileName, IopsReport report) {
        context.publishReportEntry(key, report.toText());
        boolean files = files(context);
        if (files) {
            publishFile(context, fileName, report);
        }
    }

    private static void publishFile(ExtensionContext context, String fileName, IopsReport report) {
        JsonFileEntries.publish(context, fileName, report::toJson);
    }
}
