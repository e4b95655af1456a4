package dev.iops.testkit;

import dev.iops.Iops;
import dev.iops.ProfilerInfo;
import dev.iops.jvm.JfrProfiler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The kit is only worth what it catches: it runs against the real jfr profiler (all pass) and against jfr with
 * one bug planted ({@link BrokenJfr}), and each bug must fail exactly the tests whose truth it breaks, with an
 * assertion, while the tests it cannot affect still pass. (Process-scope tests are left out of the exact lists
 * where they allow other threads' I/O: the test JVM's own writes make their outcome depend on timing.)
 */
class ProfilerContractCatchesBugsTest {
    private static final String PLANTED = "iops.testkit.planted-bugs";

    /** Disables the contract classes below unless this test runs them (surefire may select nested classes). */
    static final class OnlyFromThisTest implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(PLANTED).isPresent()
                    ? ConditionEvaluationResult.enabled("run by ProfilerContractCatchesBugsTest")
                    : ConditionEvaluationResult.disabled("runs only inside ProfilerContractCatchesBugsTest");
        }
    }

    @ExtendWith(OnlyFromThisTest.class)
    static class RealJfr extends ProfilerContract {
        @Override
        protected String profilerName() {
            return JfrProfiler.NAME;
        }
    }

    @ExtendWith(OnlyFromThisTest.class)
    static class DropsOneWrite extends ProfilerContract {
        @Override
        protected String profilerName() {
            return BrokenJfr.DropsOneWrite.NAME;
        }
    }

    @ExtendWith(OnlyFromThisTest.class)
    static class IgnoresThreadScope extends ProfilerContract {
        @Override
        protected String profilerName() {
            return BrokenJfr.IgnoresThreadScope.NAME;
        }
    }

    @BeforeAll
    static void requireJfr() {
        ProfilerInfo jfr = Iops.profilers().stream().filter(p -> p.name().equals(JfrProfiler.NAME)).findFirst()
                .orElseThrow();
        assumeTrue(jfr.usable(), () -> "the planted bugs are built on jfr, which cannot run here: " + jfr.reason());
    }

    /** Runs one contract class; returns each test method's outcome: SUCCESSFUL, FAILED (an assertion) or ABORTED. */
    private static Map<String, String> outcomes(Class<? extends ProfilerContract> contract) {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter").selectors(selectClass(contract))
                .configurationParameter(PLANTED, "true").execute();
        Map<String, String> outcomes = new TreeMap<>();
        for (Event e : results.testEvents().finished().list()) {
            String method = ((MethodSource) e.getTestDescriptor().getSource().orElseThrow()).getMethodName();
            TestExecutionResult result = e.getPayload(TestExecutionResult.class).orElseThrow();
            String status = result.getStatus().name();
            if (result.getStatus() == TestExecutionResult.Status.FAILED) {
                Throwable t = result.getThrowable().orElseThrow();
                // a planted bug must show as a failed truth, not as the profiler crashing
                status = t instanceof AssertionError ? "FAILED" : "ERROR " + t;
            }
            outcomes.put(method, status);
        }
        return outcomes;
    }

    @Test
    @Timeout(120)
    void theRealJfrPassesEveryTest() {
        Map<String, String> outcomes = outcomes(RealJfr.class);
        assertThat(outcomes).hasSizeGreaterThanOrEqualTo(10).allSatisfy((test, status) ->
                assertThat(status).as(test).isEqualTo("SUCCESSFUL"));
    }

    @Test
    @Timeout(120)
    void aProfilerThatLosesOneWriteFailsEveryExactWriteCount() {
        Map<String, String> outcomes = outcomes(DropsOneWrite.class);
        assertThat(outcomes).containsAllEntriesOf(Map.of(
                "countsFileOutputStreamWritesExactly", "FAILED",
                "countsFileChannelWritesAndReadsExactly", "FAILED",
                "countsRandomAccessFileWritesAndReadsExactly", "FAILED",
                "nestedSessionsAreEachExactAndTheOuterDoesNotCountTheInnerProfiler", "FAILED",
                "concurrentThreadScopedSessionsAreEachExact", "FAILED",
                // no write to lose in these
                "reportsItsOwnName", "SUCCESSFUL",
                "countsFileInputStreamReadsExactlyIncludingEndOfFile", "SUCCESSFUL",
                "doesNotCountItselfInAnEmptyBlock", "SUCCESSFUL",
                "threadScopeDoesNotSeeAnotherThreadsWrites", "SUCCESSFUL"));
    }

    @Test
    @Timeout(120)
    void aProfilerThatIgnoresThreadScopeFailsTheThreadScopeTest() {
        Map<String, String> outcomes = outcomes(IgnoresThreadScope.class);
        assertThat(outcomes).containsEntry("threadScopeDoesNotSeeAnotherThreadsWrites", "FAILED")
                .containsEntry("reportsItsOwnName", "SUCCESSFUL");
    }
}
