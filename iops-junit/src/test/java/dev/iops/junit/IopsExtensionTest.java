package dev.iops.junit;

import dev.iops.IncompleteReportException;
import dev.iops.NoProfilerException;
import dev.iops.junit.examples.ClassBudget;
import dev.iops.junit.examples.MethodBudgets;
import dev.iops.junit.examples.NoProfiler;
import dev.iops.junit.examples.OneByteWrites;
import dev.iops.junit.examples.ProcessScope;
import dev.iops.junit.examples.ProfilerDies;
import dev.iops.junit.examples.SeparateThread;
import dev.iops.junit.examples.SessionParameter;
import dev.iops.junit.examples.Templates;
import dev.iops.junit.examples.Unmeasured;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.OutputDirectoryCreator;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.FileEntry;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventType.FINISHED;
import static org.junit.platform.testkit.engine.EventType.SKIPPED;

/**
 * Runs the example classes of {@code dev.iops.junit.examples} (real tests doing real file I/O, measured with procfs)
 * through the JUnit Platform and asserts which pass, which fail, and their messages word for word.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class IopsExtensionTest {

    @TempDir
    Path out;

    /**
     * Class loading is real I/O: code that JUnit and the extension run for the first time on the way to a test method
     * reads class files, on the test's thread, inside a window (a parameter's session opens at resolution; measured:
     * 14 reads, 34.9 KiB, in the first one). An unjudged run of every example class loads it all, so the judged runs
     * see only the examples' own I/O.
     */
    @BeforeAll
    static void loadTheClassesOnThePath(@TempDir Path warm) {
        for (Class<?> c : List.of(MethodBudgets.class, ClassBudget.class, SeparateThread.class, Templates.class,
                NoProfiler.class, SessionParameter.class, Unmeasured.class, ProcessScope.class, OneByteWrites.class)) {
            run(List.of(c), Map.of(), warm);
        }
    }

    @Test
    void passesWithinBudgetAndFailsOverItWithEachExceededBudget() {
        Run run = run(MethodBudgets.class, Map.of());

        assertThat(run.status("withinBudget()")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        String message = run.failure("overBoth()").getMessage();
        assertThat(message).startsWith("""
                I/O budget exceeded (@IopsBudget on method overBoth()):
                  5 write operations, budget 3
                  20,480 bytes written, budget 8,192

                iops report: profiler procfs, scope THREAD, elapsed\s""");
        assertThat(run.failure("overBoth()")).isInstanceOf(IopsBudgetExceededError.class);
        IopsBudgetExceededError error = (IopsBudgetExceededError) run.failure("overBoth()");
        assertThat(error.exceeded())
                .containsExactly("5 write operations, budget 3", "20,480 bytes written, budget 8,192");
        assertThat(error.report().writeOps()).isEqualTo(5);
        assertThat(error.report().bytesWritten()).isEqualTo(5 * 4096);
        // the table that follows is the report's own text, as published
        assertThat(message).endsWith("\n\n" + run.entry("overBoth()", "iops"));
        assertThat(run.entry("overBoth()", "iops")).containsPattern("\noperations +0 +5 +5\n");

        assertThat(run.failure("oneWriteOverNone()").getMessage())
                .startsWith("I/O budget exceeded (@IopsBudget on method oneWriteOverNone()):\n"
                        + "  1 write operation, budget 0\n\n");
    }

    /**
     * The class path holds the JUnit this build asked for ({@code -Pjunit5}, {@code -Pjunit6}, or the reactor's), the
     * JUnit the examples below run on: a matrix run that silently tested one version twice would fail here.
     */
    @Test
    void runsOnTheJUnitVersionTheBuildAskedFor() throws ClassNotFoundException {
        String expected = System.getProperty("iops.junit.expectedVersion");
        assertThat(expected).as("iops.junit.expectedVersion, set from junit.version by iops-junit's pom").isNotBlank();

        assertThat(ExtensionContext.class.getPackage().getImplementationVersion()).as("junit-jupiter-api")
                .isEqualTo(expected);
        assertThat(Class.forName("org.junit.jupiter.engine.JupiterTestEngine").getPackage()
                .getImplementationVersion()).as("junit-jupiter-engine").isEqualTo(expected);
    }

    @Test
    void failsFiveOneByteWritesOverABudgetOfThreeAndPassesThemUnderTen() {
        Run run = run(OneByteWrites.class, Map.of());

        Throwable failure = run.failure("fiveOverThree()");
        assertThat(failure).isInstanceOf(IopsBudgetExceededError.class).hasMessageStartingWith(
                "I/O budget exceeded (@IopsBudget on method fiveOverThree()):\n  5 write operations, budget 3\n\n");
        IopsBudgetExceededError error = (IopsBudgetExceededError) failure;
        assertThat(error.exceeded()).containsExactly("5 write operations, budget 3");
        assertThat(error.report().writeOps()).isEqualTo(5);
        assertThat(error.report().bytesWritten()).isEqualTo(5);
        assertThat(run.status("fiveWithinTen()")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    @Test
    void aThrowingTestFailsWithItsOwnExceptionAndTheExcessSuppressed() {
        Run run = run(MethodBudgets.class, Map.of());

        Throwable failure = run.failure("throwsAfterTooManyWrites()");
        assertThat(failure).isInstanceOf(IOException.class).hasMessage("disk full");
        assertThat(failure.getSuppressed()).hasSize(1);
        assertThat(failure.getSuppressed()[0]).isInstanceOf(IopsBudgetExceededError.class);
        assertThat(((IopsBudgetExceededError) failure.getSuppressed()[0]).exceeded())
                .containsExactly("5 write operations, budget 3");
    }

    @Test
    void rejectsANegativeBudgetOtherThanUnlimited() {
        Run run = run(MethodBudgets.class, Map.of());

        assertThat(run.failure("negativeBudget()")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@IopsBudget on method negativeBudget(): maxWriteOps = -5 is not a budget; use a count "
                        + ">= 0, or IopsBudget.UNLIMITED (-1) for no limit");
    }

    @Test
    void failsABudgetOnAFigureTheProfilerCannotCountInsteadOfPassingIt() {
        Run run = run(Unmeasured.class, Map.of());

        assertThat(run.failure("budgetOnAFigureTheProfilerCannotCount()"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("@IopsBudget on method budgetOnAFigureTheProfilerCannotCount() cannot be checked: profiler "
                        + "'bytes-only-test' does not count write operations (maxWriteOps = 3). Name a profiler that "
                        + "counts them (@IopsBudget(profiler = \"procfs\") on Linux) or remove that budget.");
        assertThat(run.failure("bytesBudgetStillJudged()").getMessage()).startsWith(
                "I/O budget exceeded (@IopsBudget on method bytesBudgetStillJudged()):\n"
                        + "  100 bytes written, budget 10\n\n");
    }

    @Test
    void threadScopeStaysExactWhenTestsRunInParallel() {
        Map<String, String> parallel = Map.of("junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.mode.default", "concurrent",
                "junit.jupiter.execution.parallel.mode.classes.default", "concurrent");

        Run run = run(List.of(MethodBudgets.class, ClassBudget.class, Templates.class), parallel);

        assertThat(run.status("withinBudget()")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(((IopsBudgetExceededError) run.failure("overBoth()")).exceeded())
                .containsExactly("5 write operations, budget 3", "20,480 bytes written, budget 8,192");
        assertThat(((IopsBudgetExceededError) run.failure("classBudgetApplies()")).exceeded())
                .containsExactly("3 write operations, budget 2");
        assertThat(run.statuses("methodBudgetWins()", "withinClassBudget()", "ownBudgetWins()", "1 blocks"))
                .containsOnly(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(((IopsBudgetExceededError) run.failure("4 blocks")).exceeded())
                .containsExactly("4 write operations, budget 2");
    }

    @Test
    void aProcessScopeFailureSaysWhenParallelTestsAreInItsFigures() {
        String note = "  (scope PROCESS with parallel execution enabled: these figures include the I/O of tests that "
                + "ran at the same time; use scope THREAD)\n";

        Run parallel = run(ProcessScope.class, Map.of("junit.jupiter.execution.parallel.enabled", "true"));
        assertThat(parallel.failure("overBudgetInProcessScope()").getMessage())
                .containsPattern("^I/O budget exceeded \\(@IopsBudget on method overBudgetInProcessScope\\(\\)\\):\n"
                        + "  \\d+ write operations, budget 3\n" + java.util.regex.Pattern.quote(note) + "\n"
                        + "iops report: profiler procfs, scope PROCESS, ");

        Run serial = run(ProcessScope.class, Map.of());
        assertThat(serial.failure("overBudgetInProcessScope()").getMessage()).doesNotContain("parallel");
    }

    @Test
    void aProfilerDyingDuringTheTestFailsItAndPublishesThePartialReport() {
        Run run = run(ProfilerDies.class, Map.of());

        assertThat(run.failure("profilerDiesDuringTheTest()")).isInstanceOf(IncompleteReportException.class)
                .hasMessage("Profiler 'dies-test' failed during the measured block: the test tracer exited with "
                        + "status 9 during the block. The partial report is attached "
                        + "(IncompleteReportException.partialReport()).");
        assertThat(run.entry("profilerDiesDuringTheTest()", "iops"))
                .contains("PARTIAL: dies-test failed during the measured block");
    }

    @Test
    void aClassBudgetAppliesToItsTestsAndNestedTestsAndTheNearestAnnotationWins() {
        Run run = run(ClassBudget.class, Map.of());

        assertThat(run.failure("classBudgetApplies()").getMessage()).startsWith(
                "I/O budget exceeded (@IopsBudget on class ClassBudget):\n  3 write operations, budget 2\n\n");
        assertThat(run.status("methodBudgetWins()")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(run.status("withinClassBudget()")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(run.failure("enclosingBudgetApplies()").getMessage()).startsWith(
                "I/O budget exceeded (@IopsBudget on class ClassBudget):\n  3 write operations, budget 2\n\n");
        assertThat(run.status("ownBudgetWins()")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    @Test
    void measuresTheThreadThatRunsTheBodyUnderASeparateThreadTimeout() {
        Run run = run(SeparateThread.class, Map.of());

        assertThat(run.failure("countsTheTimeoutThread()").getMessage()).startsWith(
                "I/O budget exceeded (@IopsBudget on method countsTheTimeoutThread()):\n"
                        + "  5 write operations, budget 3\n\n");
        assertThat(run.status("withinBudgetOnTheTimeoutThread()")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    @Test
    void refusesAThreadScopedSessionParameterWhenTheBodyRunsOnAnotherThread() {
        Run run = run(SeparateThread.class, Map.of());

        assertThat(run.failure("threadSessionParameterRefused(IopsSession)"))
                .isInstanceOf(ExtensionConfigurationException.class)
                .hasMessageMatching("\\QThe IopsSession parameter of threadSessionParameterRefused() counts scope "
                        + "THREAD on thread '\\E[^']+\\Q', where JUnit resolved it, but the test runs on thread '\\E"
                        + "[^']+\\Q' (@Timeout(threadMode = SEPARATE_THREAD)?): it would miss the test's I/O. Use "
                        + "@IopsBudget(scope = Scope.PROCESS) on the test, or start a session in the test with "
                        + "Iops.start()\\E");
    }

    @Test
    void judgesEveryRepetitionParameterSetAndDynamicTestOnItsOwn() {
        Run run = run(Templates.class, Map.of());

        assertThat(run.statuses("repetition 1 of 3", "repetition 2 of 3", "repetition 3 of 3")).containsExactly(
                TestExecutionResult.Status.SUCCESSFUL, TestExecutionResult.Status.SUCCESSFUL,
                TestExecutionResult.Status.FAILED);
        assertThat(run.failure("repetition 3 of 3").getMessage()).startsWith(
                "I/O budget exceeded (@IopsBudget on method repeated()):\n  3 write operations, budget 2\n\n");
        assertThat(run.statuses("1 blocks", "4 blocks")).containsExactly(
                TestExecutionResult.Status.SUCCESSFUL, TestExecutionResult.Status.FAILED);
        assertThat(run.failure("4 blocks").getMessage()).startsWith(
                "I/O budget exceeded (@IopsBudget on method parameterized()):\n  4 write operations, budget 2\n\n");
        assertThat(run.statuses("1 dynamic blocks", "3 dynamic blocks")).containsExactly(
                TestExecutionResult.Status.SUCCESSFUL, TestExecutionResult.Status.FAILED);
        assertThat(run.failure("3 dynamic blocks").getMessage()).startsWith(
                "I/O budget exceeded (@IopsBudget on method dynamic()):\n  3 write operations, budget 2\n\n");
        assertThat(run.status("dynamic()")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    @Test
    void skipsWithTheReasonWhenNoProfilerCanMeasureUnlessToldToFail() {
        Run run = run(NoProfiler.class, Map.of());

        String reason = "Skipped: no iops profiler can measure this test, so its @IopsBudget on method byDefault() "
                + "cannot be checked (set iops.junit.noProfiler=fail or @IopsBudget(whenNoProfiler = FAIL) to fail "
                + "instead). No iops profiler is named 'no-such-profiler' (from profiler(\"no-such-profiler\")).";
        assertThat(run.status("byDefault()")).isEqualTo(TestExecutionResult.Status.ABORTED);
        assertThat(run.failure("byDefault()").getMessage()).startsWith(reason);
        assertThat(run.failure("failsWhenAsked()")).isInstanceOf(NoProfilerException.class)
                .hasMessageStartingWith("No iops profiler is named 'no-such-profiler' "
                        + "(from profiler(\"no-such-profiler\")).");
        assertThat(run.status("skipsWhenAsked()")).isEqualTo(TestExecutionResult.Status.ABORTED);

        Run failing = run(NoProfiler.class, Map.of(IopsExtension.NO_PROFILER_PARAMETER, "fail"));
        assertThat(failing.failure("byDefault()")).isInstanceOf(NoProfilerException.class);
        assertThat(failing.status("skipsWhenAsked()")).isEqualTo(TestExecutionResult.Status.ABORTED);

        Run wrong = run(NoProfiler.class, Map.of(IopsExtension.NO_PROFILER_PARAMETER, "maybe"));
        assertThat(wrong.failure("byDefault()")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("Configuration parameter iops.junit.noProfiler = 'maybe' is not a policy; "
                        + "use skip or fail");
    }

    @Test
    void aSessionParameterMeasuresWhatTheTestChoosesAndIsPublished() {
        Run run = run(SessionParameter.class, Map.of());

        assertThat(run.status("measuresAPart(IopsSession)")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(run.entry("measuresAPart(IopsSession)", "iops.session"))
                .startsWith("iops report: profiler procfs, scope THREAD, elapsed ")
                .containsPattern("\noperations +0 +2 +2\n");
        assertThat(run.status("stoppedByTheExtension(IopsSession)")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
        assertThat(run.entry("stoppedByTheExtension(IopsSession)", "iops.session"))
                .containsPattern("\noperations +0 +4 +4\n");
        assertThat(run.status("takesTheBudgetsSettings(IopsSession)")).isEqualTo(TestExecutionResult.Status.SUCCESSFUL);
    }

    @Test
    void publishesEveryReportAsTextAndJsonFile() throws IOException {
        Run run = run(MethodBudgets.class, Map.of());

        List<FileEntry> files = run.files("overBoth()");
        assertThat(files).hasSize(1);
        assertThat(files.get(0).getPath().getFileName().toString()).isEqualTo("iops-report.json");
        assertThat(files.get(0).getMediaType()).hasValue("application/json");
        assertThat(Files.readString(files.get(0).getPath()))
                .contains("\"writeOps\":5,").contains("\"bytesWritten\":20480,");
        assertThat(run.files("withinBudget()")).hasSize(1);

        Run noFiles = run(MethodBudgets.class, Map.of(IopsExtension.FILES_PARAMETER, "false"));
        assertThat(noFiles.files("overBoth()")).isEmpty();
        assertThat(noFiles.entry("overBoth()", "iops")).contains("profiler procfs");

        // any other value used to mean true in silence (issue 19, item 7)
        Run wrong = run(MethodBudgets.class, Map.of(IopsExtension.FILES_PARAMETER, "nope"));
        assertThat(wrong.failure("withinBudget()")).isInstanceOf(ExtensionConfigurationException.class)
                .hasMessage("Configuration parameter iops.junit.files = 'nope' is not true or false (default true)");
    }

    // ---- running the examples ----

    private Run run(Class<?> examples, Map<String, String> parameters) {
        return run(List.of(examples), parameters, out);
    }

    private Run run(List<Class<?>> examples, Map<String, String> parameters) {
        return run(examples, parameters, out);
    }

    private static Run run(List<Class<?>> examples, Map<String, String> parameters, Path out) {
        AtomicInteger n = new AtomicInteger();
        OutputDirectoryCreator creator = new OutputDirectoryCreator() {
            @Override
            public Path getRootDirectory() {
                return out;
            }

            @Override
            public Path createOutputDirectory(TestDescriptor descriptor) throws IOException {
                return Files.createDirectories(out.resolve("t" + n.incrementAndGet()));
            }
        };
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(examples.stream().map(c -> selectClass(c)).toArray(DiscoverySelector[]::new))
                .configurationParameters(parameters).outputDirectoryCreator(creator).execute();
        return new Run(results.allEvents().list());
    }

    /** The events of one run, looked up by a test's display name. */
    private record Run(List<Event> events) {
        private Stream<Event> of(String displayName) {
            return events.stream().filter(e -> e.getTestDescriptor().getDisplayName().equals(displayName));
        }

        TestExecutionResult.Status status(String displayName) {
            if (of(displayName).anyMatch(e -> e.getType() == SKIPPED)) {
                return null;
            }
            return result(displayName).getStatus();
        }

        List<TestExecutionResult.Status> statuses(String... displayNames) {
            return Stream.of(displayNames).map(this::status).collect(Collectors.toList());
        }

        private TestExecutionResult result(String displayName) {
            List<TestExecutionResult> results = of(displayName).filter(e -> e.getType() == FINISHED)
                    .map(e -> e.getRequiredPayload(TestExecutionResult.class)).collect(Collectors.toList());
            assertThat(results).as("one finished test named " + displayName).hasSize(1);
            return results.get(0);
        }

        Throwable failure(String displayName) {
            return result(displayName).getThrowable().orElseThrow(
                    () -> new AssertionError(displayName + " did not fail: " + result(displayName).getStatus()));
        }

        String entry(String displayName, String key) {
            List<String> values = of(displayName).map(e -> e.getPayload(ReportEntry.class)).flatMap(Optional::stream)
                    .map(r -> r.getKeyValuePairs().get(key)).filter(v -> v != null).collect(Collectors.toList());
            assertThat(values).as("one report entry '" + key + "' of " + displayName).hasSize(1);
            return values.get(0);
        }

        List<FileEntry> files(String displayName) {
            return of(displayName).map(e -> e.getPayload(FileEntry.class)).flatMap(Optional::stream)
                    .collect(Collectors.toList());
        }
    }
}
