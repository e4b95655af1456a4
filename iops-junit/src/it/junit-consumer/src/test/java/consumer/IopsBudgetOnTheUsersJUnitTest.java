package consumer;

import dev.iops.IopsReport;
import dev.iops.IopsSession;
import dev.iops.junit.IopsBudget;
import dev.iops.junit.IopsBudgetExceededError;
import dev.iops.junit.IopsExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What a user of iops-junit sees on the JUnit they chose: the extension loads, a budget passes and fails on real
 * writes, and the JUnit on the class path is the user's own, not one that iops-junit brought along.
 */
class IopsBudgetOnTheUsersJUnitTest {

    /** Created before the measured invocation: the directory's own I/O is outside every window. */
    @TempDir
    Path dir;

    @Test
    void runsOnTheUsersJUnit() throws ClassNotFoundException {
        String users = System.getProperty("junit.version");
        assertEquals(users, Test.class.getPackage().getImplementationVersion(), "junit-jupiter-api");
        assertEquals(users, Class.forName("org.junit.jupiter.engine.JupiterTestEngine").getPackage()
                .getImplementationVersion(), "junit-jupiter-engine");
    }

    @Test
    @IopsBudget(maxWriteOps = 10, profiler = "procfs")
    void fiveWritesPassABudgetOfTen() throws IOException {
        writeBytes(5);
    }

    @Test
    @ExtendWith(ExpectExceeded.class)
    @IopsBudget(maxWriteOps = 3, profiler = "procfs")
    void fiveWritesFailABudgetOfThree() throws IOException {
        writeBytes(5);
    }

    @Test
    @ExtendWith(IopsExtension.class)
    void aSessionParameterCountsTheWrites(IopsSession session) throws IOException {
        writeBytes(5);
        IopsReport report = session.stop();
        assertEquals(5, report.writeOps());
        assertEquals(5, report.bytesWritten());
    }

    /** {@code n} one-byte writes, one write system call each. */
    private void writeBytes(int n) throws IOException {
        try (FileOutputStream out = new FileOutputStream(dir.resolve("out.bin").toFile())) {
            for (int i = 0; i < n; i++) {
                out.write('x');
            }
        }
    }

    /**
     * Passes a test only when it failed with exactly the budget excess of {@link #fiveWritesFailABudgetOfThree()};
     * fails it when that failure is missing or another one came instead.
     */
    static final class ExpectExceeded implements TestExecutionExceptionHandler, AfterEachCallback {
        private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
                ExpectExceeded.class);

        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
            if (thrown instanceof IopsBudgetExceededError e
                    && e.exceeded().equals(List.of("5 write operations, budget 3"))) {
                context.getStore(NAMESPACE).put("seen", Boolean.TRUE);
                return;
            }
            throw thrown;
        }

        @Override
        public void afterEach(ExtensionContext context) {
            if (context.getStore(NAMESPACE).get("seen") == null) {
                throw new AssertionError("expected the test to fail with '5 write operations, budget 3'");
            }
        }
    }
}
