package dev.iops.testkit;

import dev.iops.jvm.JfrProfiler;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.Op;
import dev.iops.spi.OpSink;
import dev.iops.OpKind;
import dev.iops.spi.Profiler;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RecordingResult;

import java.util.Set;

/**
 * Profilers with one known bug each, built on the real jfr profiler so that everything else about them is right:
 * the kit must fail them on exactly the tests that bug breaks. Registered through this module's test
 * META-INF/services with negative priorities (test doubles), so selection never picks them unasked.
 */
abstract class BrokenJfr implements Profiler {
    private final Profiler jfr = new JfrProfiler();
    private final String name;

    BrokenJfr(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int priority() {
        return -50;
    }

    @Override
    public Set<Capability> capabilities() {
        return jfr.capabilities();
    }

    @Override
    public Availability availability() {
        return jfr.availability();
    }

    Recording startJfr(RecordingRequest request) {
        return jfr.start(request);
    }

    /** Loses the first write of every window: one operation and 4096 bytes short. */
    public static final class DropsOneWrite extends BrokenJfr {
        /** Its name. */
        public static final String NAME = "broken-drops-one-write";

        public DropsOneWrite() {
            super(NAME);
        }

        @Override
        public Recording start(RecordingRequest request) {
            // Built before jfr opens its window: loading a class inside it would read a class file, a second bug.
            Dropping recording = new Dropping();
            recording.inner = startJfr(request);
            return recording;
        }

        private static final class Dropping implements Recording, OpSink {
            Recording inner;
            OpSink downstream;
            boolean dropped;

            @Override
            public RecordingResult stop(OpSink sink) {
                downstream = sink;
                return inner.stop(this);
            }

            @Override
            public void accept(Op op) {
                if (op.kind() == OpKind.WRITE && !dropped) {
                    dropped = true;
                    return;
                }
                downstream.accept(op);
            }

            @Override
            public void close() {
                inner.close();
            }
        }
    }

    /** Claims thread scope but always records the whole process. */
    public static final class IgnoresThreadScope extends BrokenJfr {
        /** Its name. */
        public static final String NAME = "broken-ignores-thread-scope";

        public IgnoresThreadScope() {
            super(NAME);
        }

        @Override
        public Recording start(RecordingRequest request) {
            return startJfr(new RecordingRequest(dev.iops.Scope.PROCESS, request.thread(), request.perOperation(),
                    request.callSites()));
        }
    }
}
