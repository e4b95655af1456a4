package dev.iops.internal;

import dev.iops.Scope;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.PropertyValues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The background warm-up: when the library is first touched, one low-priority daemon thread calls
 * {@link Profiler#warmUp()} on the profiler {@code -Diops.profiler} names, or else on those that selection would
 * pick for a plain request and for a {@code histogram()} request, so that the first measured block does not pay their one-off costs (jfr's first
 * recording costs about a second). {@code -Diops.warmup=false} turns it off. On Linux without a tracer that leaves the
 * timing truthful the picks are {@code procfs} and {@code procfs+jfr}, whose warm-up leaves jfr's first recording to
 * the first {@code histogram()} block: made here, its I/O would straddle the first procfs windows of the process.
 */
final class WarmUp {
    /** System property: {@code false} turns the background warm-up off. */
    static final String PROPERTY = "iops.warmup";

    private static final Logger LOG = LoggerFactory.getLogger(WarmUp.class);

    private WarmUp() {
    }

    static void start(List<Profiler> profilers) {
        try {
            if (!PropertyValues.trueOrFalse(PROPERTY, true)) {
                return;
            }
        } catch (ProfilerStartException e) {
            // no warm-up on a value that means neither; every session's start then refuses it (Selection.start)
            LOG.warn("iops: {}", e.getMessage());
            return;
        }
        Thread t = dev.iops.spi.SelfIo.newOwnThread("iops-warm-up", () -> run(profilers));
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        // a JVM that exits during the warm-up lets it finish (at most 3 s) so that it leaves no file behind
        dev.iops.spi.SelfIo.finishAtExit(t);
    }

    /**
     * The profilers selection would pick here: the one {@code -Diops.profiler} names, or else those a plain and a
     * histogram request would pick, best first, each once.
     */
    static List<Profiler> picks(List<Profiler> profilers, String named) {
        if (named != null && !named.isBlank()) {
            for (Profiler p : profilers) {
                if (p.name().equals(named.trim()) && Selection.info(p).usable()) {
                    return List.of(p);
                }
            }
            return List.of();
        }
        Set<Profiler> picks = new LinkedHashSet<>();
        for (Selection.Options o : List.of(new Selection.Options(null, Scope.PROCESS, false, false),
                new Selection.Options(null, Scope.PROCESS, true, false))) {
            List<Profiler> sorted = new ArrayList<>(profilers);
            sorted.sort(Selection.ORDER);
            for (Profiler p : sorted) {
                if (p.capabilities().containsAll(o.required()) && Selection.info(p).usable()) {
                    picks.add(p);
                    break;
                }
            }
        }
        return List.copyOf(picks);
    }

    private static void run(List<Profiler> profilers) {
        for (Profiler p : picks(profilers, System.getProperty(Selection.PROPERTY))) {
            long t0 = System.nanoTime();
            try {
                p.warmUp();
            } catch (RuntimeException | LinkageError e) {
                LOG.debug("iops: warming up '{}' failed: {}", p.name(), e.toString());
            }
            LOG.debug("iops: warmed up '{}' in {} ms", p.name(), (System.nanoTime() - t0) / 1_000_000);
        }
    }
}
