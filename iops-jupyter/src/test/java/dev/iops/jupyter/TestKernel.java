package dev.iops.jupyter;

import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import org.dflib.jjava.jupyter.channels.JupyterConnection;
import org.dflib.jjava.jupyter.kernel.BaseKernel;
import org.dflib.jjava.jupyter.kernel.KernelConnectionProperties;
import org.dflib.jjava.jupyter.kernel.magic.MagicParser;
import org.dflib.jjava.jupyter.kernel.magic.MagicTranspiler;
import org.dflib.jjava.jupyter.telemetry.TelemetryCollector;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal Jupyter kernel for the end-to-end tests: {@link BaseKernel} from jjava-jupyter 1.0-a6, JJava's magic
 * syntax ({@link MagicParser} with JJava's patterns), and JShell executing snippets in this JVM. Like JJava 1.0-a6,
 * every snippet runs on a pooled executor thread, so code that a magic evaluates runs on another thread than the
 * magic: the situation {@code %%iops} must measure. With {@code -Diops.test.jjava=a7} it behaves as JJava 1.0-a7
 * instead: nested snippets run on the caller's thread and {@link A7#getEvaluator()} offers a7's telemetry hook.
 * Started by {@code jupyter_client} from a kernelspec the test
 * writes; exits when the client shuts it down or when its parent process (python) is gone.
 */
public class TestKernel extends StubKernel {
    /** {@code -Diops.test.jjava=a7}: behave as JJava 1.0-a7 (nested snippets on the caller's thread, telemetry hook). */
    static final String VERSION_PROPERTY = "iops.test.jjava";

    private final JShell shell;
    final PooledExecution execution;

    TestKernel(PooledExecution execution) {
        super("iops-test-kernel", new MagicParser("(?<=(?:^|=))\\s*%", "%%", new MagicTranspiler()), true);
        this.execution = execution;
        this.shell = JShell.builder().executionEngine(execution, Map.of()).build();
        String cp = System.getProperty("java.class.path");
        for (String entry : cp.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                shell.addToClasspath(entry);
            }
        }
    }

    @Override
    public Object evalRaw(String source) {
        String code = magicParser.resolveMagics(source);
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(code);
        Object last = null;
        while (info.completeness().isComplete()) {
            last = evalSnippet(info.source());
            info = analysis.analyzeCompletion(info.remaining());
        }
        if (info.completeness() != SourceCodeAnalysis.Completeness.EMPTY) {
            throw new IllegalArgumentException("incomplete Java source: " + info.remaining().trim());
        }
        return last;
    }

    private Object evalSnippet(String source) {
        List<SnippetEvent> events = shell.eval(source);
        Object result = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null || e.value() == null) {
                continue;
            }
            Object value = e.snippet().subKind().isExecutable() ? execution.control.take(e.value()) : e.value();
            switch (e.snippet().subKind()) {
                case VAR_VALUE_SUBKIND, OTHER_EXPRESSION_SUBKIND, TEMP_VAR_EXPRESSION_SUBKIND -> result = value;
                default -> result = null;
            }
        }
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) {
                continue;
            }
            JShellException ex = e.exception();
            if (ex instanceof EvalException ee) {
                throw new RuntimeException(ee.getExceptionClassName() + ": " + ee.getMessage(), ee);
            } else if (ex != null) {
                throw new RuntimeException(ex);
            }
            if (e.status() == Snippet.Status.REJECTED) {
                throw new CompilationException(e);
            }
        }
        return result;
    }

    /** @return the kernel's JShell, as JJava's {@code JavaKernel.getJShell()} (a6 and a7) */
    public JShell getJShell() {
        return shell;
    }

    /** JJava's compile error (a6 and a7): a message that names only the snippet, and the event to ask about. */
    public static final class CompilationException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient SnippetEvent event;

        CompilationException(SnippetEvent event) {
            super("[snippet: [" + event.snippet().source().trim() + "], status: " + event.status() + "]");
            this.event = event;
        }

        /** @return the rejected snippet's event, as JJava's {@code getBadSnippetCompilation()} */
        public SnippetEvent getBadSnippetCompilation() {
            return event;
        }
    }

    /** Runs the kernel on the connection file {@code args[0]} until shutdown. */
    public static void main(String[] args) throws Exception {
        exitWithParent();
        KernelConnectionProperties props = KernelConnectionProperties.parse(Files.readString(Path.of(args[0])));
        JupyterConnection connection = new JupyterConnection(props);
        boolean a7 = "a7".equals(System.getProperty(VERSION_PROPERTY));
        TestKernel kernel = a7 ? new A7(new PooledExecution(true)) : new TestKernel(new PooledExecution(false));
        kernel.onStartup();
        kernel.becomeHandlerForConnection(connection);
        connection.connect();
        connection.waitUntilClose();
        kernel.shell.close();
        System.exit(0); // runs iops' shutdown hooks (a lingering tracer) and ends the pool threads
    }

    // jupyter_client tells a kernel its parent; if python is killed, no kernel JVM may outlive it.
    private static void exitWithParent() {
        Optional.ofNullable(System.getenv("JPY_PARENT_PID")).map(Long::parseLong).flatMap(ProcessHandle::of)
                .or(() -> ProcessHandle.current().parent())
                .ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(3)));
    }

    /** JShell's execution engine: snippets run on pooled daemon threads, values kept as objects. */
    static final class PooledExecution implements ExecutionControlProvider {
        final PooledControl control;

        PooledExecution(boolean a7) {
            control = new PooledControl(a7);
        }

        @Override
        public String name() {
            return "iops-test-pooled";
        }

        @Override
        public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
            return control;
        }
    }

    static final class PooledControl extends DirectExecutionControl {
        private static final Object NULL = new Object();
        private static final String THREAD_PREFIX = "test-kernel-executor-";
        private final boolean a7;
        private final ThreadLocal<TelemetryCollector<Object>> collector = new ThreadLocal<>();
        private final AtomicInteger threads = new AtomicInteger();
        private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, THREAD_PREFIX + threads.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        private final Map<String, Object> results = new ConcurrentHashMap<>();

        PooledControl(boolean a7) {
            this.a7 = a7;
        }

        @Override
        protected String invoke(Method doitMethod) throws Exception {
            TelemetryCollector<Object> tc = a7 ? collector.get() : null;
            Object state = tc != null ? tc.measurementStart() : null;
            Object value;
            try {
                value = a7 && Thread.currentThread().getName().startsWith(THREAD_PREFIX)
                        ? doitMethod.invoke(null) // a7: a nested snippet runs on its caller's thread
                        : onPool(doitMethod);
            } finally {
                if (tc != null) {
                    tc.measurementEnd(state);
                }
            }
            String key = UUID.randomUUID().toString();
            results.put(key, value == null ? NULL : value);
            return key;
        }

        private Object onPool(Method doitMethod) throws Exception {
            Future<Object> f = pool.submit(() -> doitMethod.invoke(null));
            try {
                return f.get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof InvocationTargetException ite) {
                    throw ite; // DirectExecutionControl turns its cause into the user's exception
                }
                throw e;
            }
        }

        Object take(String key) {
            Object v = results.remove(key);
            return v == NULL ? null : v;
        }

        @Override
        public void stop() {
            pool.shutdownNow();
        }
    }

    /** The kernel as JJava 1.0-a7 has it: {@code getEvaluator()} with the telemetry hook {@code %time} uses. */
    public static final class A7 extends TestKernel {
        private final Evaluator evaluator = new Evaluator(this);

        A7(PooledExecution execution) {
            super(execution);
        }

        /** @return the evaluator, as a7's JavaKernel.getEvaluator() */
        public Evaluator getEvaluator() {
            return evaluator;
        }
    }

    /** a7's CodeEvaluator telemetry methods: a collector for the calling thread's invocations. */
    public static final class Evaluator {
        private final TestKernel kernel;

        Evaluator(TestKernel kernel) {
            this.kernel = kernel;
        }

        /** @param c measures each invocation on this thread until {@link #stopThreadTelemetryCollection()} */
        @SuppressWarnings("unchecked")
        public void startThreadTelemetryCollection(TelemetryCollector<?> c) {
            kernel.execution.control.collector.set((TelemetryCollector<Object>) c);
        }

        /** Stops and removes this thread's collector. */
        public void stopThreadTelemetryCollection() {
            TelemetryCollector<Object> c = kernel.execution.control.collector.get();
            if (c != null) {
                c.stop();
                kernel.execution.control.collector.remove();
            }
        }
    }
}
