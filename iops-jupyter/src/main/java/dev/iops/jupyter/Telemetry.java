package dev.iops.jupyter;

import org.dflib.jjava.jupyter.kernel.BaseKernel;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * JJava a7+'s per-invocation hook, reached by reflection (only 1.0-a6, which lacks it, is on Maven Central).
 *
 * <p>From a7, {@code JavaKernel.getEvaluator().startThreadTelemetryCollection(collector)} makes the kernel call
 * {@code collector.measurementStart()} just before each snippet of code evaluated on the calling thread is invoked,
 * and {@code measurementEnd(state)} just after; JShell's compilation of the snippet happens outside that bracket.
 * {@code %time} uses it; {@code %%iops} opens one iops session per invocation with it, so the compiler's class-file
 * reads stay out of the figures.
 */
final class Telemetry {
    static final String COLLECTOR = "org.dflib.jjava.jupyter.telemetry.TelemetryCollector";

    private final Object evaluator;
    private final Class<?> collectorType;
    private final Method start;
    private final Method stop;

    private Telemetry(Object evaluator, Class<?> collectorType, Method start, Method stop) {
        this.evaluator = evaluator;
        this.collectorType = collectorType;
        this.start = start;
        this.stop = stop;
    }

    /** The kernel's hook, or empty for kernels without it (JJava 1.0-a6, other BaseKernel subclasses). */
    static Optional<Telemetry> of(BaseKernel kernel) {
        try {
            Method getEvaluator = kernel.getClass().getMethod("getEvaluator");
            Object evaluator = getEvaluator.invoke(kernel);
            if (evaluator == null) {
                return Optional.empty();
            }
            Class<?> type = Class.forName(COLLECTOR, false, kernel.getClass().getClassLoader());
            Method start = evaluator.getClass().getMethod("startThreadTelemetryCollection", type);
            Method stop = evaluator.getClass().getMethod("stopThreadTelemetryCollection");
            return Optional.of(new Telemetry(evaluator, type, start, stop));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return Optional.empty(); // no hook: the caller measures the whole evaluation and says so
        }
    }

    /**
     * Evaluates with a collector installed on this thread: {@code begin} runs before each invocation and its result
     * is handed to {@code end} after it.
     */
    <S> Object around(Supplier<S> begin, Consumer<S> end, Supplier<Object> evaluation) {
        InvocationHandler handler = (proxy, method, args) -> switch (method.getName()) {
            case "measurementStart" -> begin.get();
            case "measurementEnd" -> {
                @SuppressWarnings("unchecked") S state = (S) args[0];
                end.accept(state);
                yield null;
            }
            case "stop" -> null;
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            case "toString" -> "iops telemetry collector";
            default -> throw new UnsupportedOperationException(method.getName());
        };
        Object collector = Proxy.newProxyInstance(collectorType.getClassLoader(), new Class<?>[] {collectorType},
                handler);
        call(start, collector);
        try {
            return evaluation.get();
        } finally {
            call(stop);
        }
    }

    private void call(Method m, Object... args) {
        try {
            m.invoke(evaluator, args);
        } catch (InvocationTargetException e) {
            throw e.getCause() instanceof RuntimeException re ? re
                    : new IllegalStateException("the kernel's " + m.getName() + " failed", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot call the kernel's " + m.getName(), e);
        }
    }
}
