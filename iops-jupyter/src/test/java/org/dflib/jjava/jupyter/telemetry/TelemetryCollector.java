package org.dflib.jjava.jupyter.telemetry;

/**
 * Test stand-in for JJava 1.0-a7's interface of the same name (not on Maven Central), with a7's three methods, so
 * that {@code dev.iops.jupyter.TestKernel} can emulate an a7 kernel: {@code measurementStart} before each snippet
 * invocation, {@code measurementEnd} after it, {@code stop} when the collection ends.
 *
 * @param <I> the state handed from start to end
 */
public interface TelemetryCollector<I> {
    /** @return the state of one measurement */
    I measurementStart();

    /** @param startState what {@link #measurementStart()} returned */
    void measurementEnd(I startState);

    /** Ends the collection. */
    void stop();
}
