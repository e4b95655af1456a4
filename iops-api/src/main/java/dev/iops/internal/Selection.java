package dev.iops.internal;

import dev.iops.IopsException;
import dev.iops.NoProfilerException;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.PropertyValues;
import dev.iops.spi.Recording;
import dev.iops.spi.RecordingRequest;
import dev.iops.spi.RequestDeclinedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The one place that decides which profiler measures: it reads {@code -Diops.profiler}, filters by capability,
 * orders by priority and name, asks availability (only of the profiler about to be tried), starts it, falls back
 * with a note for every better profiler passed over, and otherwise throws the full explanation. The session only
 * times the block, stops the recording and builds the report.
 *
 * <h2>The rule: what a source sees, then what it costs the measured code</h2>
 * Among the profilers that can give what was asked (the capability filter), prefer the one that leaves the
 * block's timing truthful. A source that slows the block itself ({@code strace}: ptrace stops every system call of
 * the process twice, which made a 2001-call block about 14 times slower on this project's VM, and with it the
 * elapsed time, the IOPS and the throughput) is chosen automatically only when nothing else that is usable can
 * give what was asked; it stays available by name ({@code profiler("strace")}, {@code -Diops.profiler=strace}),
 * and a report it measures says how much it slowed the block.
 *
 * <p>The rule is carried by the priorities, not by code here: the capability filter already removes whatever
 * cannot give what was asked, so "prefer what does not disturb" is a total order in which every source that
 * stops the process ranks below every source that does not ({@link Profiler#priority()} documents the bands:
 * strace 100, below jfr 150). A separate "slows the block" flag would only repeat that order, and a third-party
 * provider states its cost where it states its rank. On Linux without root this gives: a plain request is
 * measured by {@code procfs} (exact counters, the cheapest per block), a {@code histogram()} or
 * {@code callSites()} request by {@code procfs+jfr} (procfs's exact counts and clock, jfr's per-operation detail),
 * and strace only where neither can run (a JVM without Flight Recorder asked for a histogram). See
 * {@code docs/selection.md}.
 */
public final class Selection {
    private static final Logger LOG = LoggerFactory.getLogger(Selection.class);

    /** System property that names the profiler to use when the code does not name one. */
    public static final String PROPERTY = "iops.profiler";

    /** Selection order: priority descending, then name. */
    public static final Comparator<Profiler> ORDER =
            Comparator.comparingInt(Profiler::priority).reversed().thenComparing(Profiler::name);

    // Loaded with this class: start() creates one after the window opened, when no class file may be read.
    private static final Class<?> STARTED = Started.class;

    private static final String MODULES = "iops-linux on Linux, iops-macos on macOS, iops-windows on Windows";
    private static final String ADD_PROVIDER = "add a provider module next to iops-api (" + MODULES + ").";

    private Selection() {
    }

    /**
     * What the caller asked for.
     *
     * @param named     the profiler named in code, or {@code null}
     * @param scope     the scope
     * @param histogram whether a histogram is required
     * @param callSites whether call sites are required
     */
    public record Options(String named, Scope scope, boolean histogram, boolean callSites) {
        /** Validates the options. */
        public Options {
            Objects.requireNonNull(scope, "scope");
        }

        /** @return the capabilities these options need */
        public Set<Capability> required() {
            Set<Capability> need = EnumSet.noneOf(Capability.class);
            if (callSites) {
                need.add(Capability.CALL_SITES);
            }
            if (scope == Scope.THREAD) {
                need.add(Capability.THREAD_SCOPE);
            }
            if (histogram) {
                need.add(Capability.OPERATION_SIZES);
            }
            return need;
        }

        /** @return what was asked, for messages: {@code "scope THREAD with a histogram"} */
        public String wanted() {
            List<String> with = new ArrayList<>();
            if (histogram) {
                with.add("a histogram");
            }
            if (callSites) {
                with.add("call sites");
            }
            return "scope " + scope + (with.isEmpty() ? "" : " with " + String.join(" and ", with));
        }
    }

    /**
     * A started recording and what selection has to say about it.
     *
     * @param profiler   the profiler that measures
     * @param recording  its running recording, window open
     * @param aggregator the sink for a per-operation profiler, created before the window opened; {@code null} for
     *                   counting profilers
     * @param notes      one line for every better profiler that was passed over, and why
     */
    public record Started(Profiler profiler, Recording recording, Aggregator aggregator, List<String> notes) {
        /** Copies the notes. */
        public Started {
            notes = List.copyOf(notes);
        }

        /**
         * @return whether the report's counts will come from counters read at both ends of the window
         *         ({@link Profiler#countsFromCounters()}); if the profiler's answer throws, whether it delivers no
         *         operations
         */
        public boolean countsFromCounters() {
            try {
                return profiler.countsFromCounters();
            } catch (RuntimeException | LinkageError e) {
                return aggregator == null;
            }
        }
    }

    /**
     * Selects and starts the profiler for one session, on the calling thread (the session's).
     *
     * @param profilers  every profiler found
     * @param options    what was asked
     * @param properties system property lookup ({@code System::getProperty} in production)
     * @return the started recording
     * @throws NoProfilerException     when nothing can measure what was asked; the message lists every candidate
     * @throws ProfilerStartException  when the named profiler failed to start
     */
    public static Started start(List<Profiler> profilers, Options options, UnaryOperator<String> properties) {
        try {
            PropertyValues.trueOrFalse(properties, WarmUp.PROPERTY, true); // read at the library's first touch
        } catch (ProfilerStartException e) {
            throw new IopsException(e.getMessage() + "; it turns iops' background warm-up on or off");
        }
        String named = options.named();
        String origin = "profiler(\"" + named + "\")";
        if (named == null) {
            String property = properties.apply(PROPERTY);
            if (property != null && !property.isBlank()) {
                named = property.trim();
                origin = "-D" + PROPERTY + "=" + named;
            }
        }
        Set<Capability> need = options.required();
        List<Profiler> capable = new ArrayList<>();
        for (Profiler p : profilers) {
            if ((named == null || p.name().equals(named)) && p.capabilities().containsAll(need)) {
                capable.add(p);
            }
        }
        capable.sort(ORDER);
        RecordingRequest request = new RecordingRequest(options.scope(), Thread.currentThread(), options.histogram(),
                options.callSites());
        if (named != null) {
            if (capable.isEmpty() || !info(capable.get(0)).usable()) {
                throw explain(profilers, named, origin, options);
            }
            Profiler p = capable.get(0);
            Aggregator aggregator = aggregatorFor(p);
            try {
                return new Started(p, startOne(p, request), aggregator, List.of());
            } catch (IopsException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ProfilerStartException("Profiler '" + p.name() + "' failed to start: " + e, e);
            }
        }
        List<String> passedOver = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (Profiler p : capable) {
            Availability a = availability(p);
            if (!a.usable()) {
                if (!a.otherPlatform()) { // another OS's profiler on the class path is normal: no note
                    passedOver.add("passed over " + p.name() + " (priority " + p.priority() + "): not usable here: "
                            + a.reason());
                }
                continue;
            }
            Aggregator aggregator = aggregatorFor(p);
            String hint = noOsModuleHint(profilers, p, properties); // before the window opens, like the aggregator
            try {
                Recording recording = startOne(p, request);
                if (hint != null) {
                    passedOver.add(hint);
                }
                return new Started(p, recording, aggregator, passedOver);
            } catch (RequestDeclinedException e) {
                // expected (Scope.THREAD on a virtual thread, say): the note says why, the log stays quiet
                LOG.debug("iops: profiler '{}' declined the request, trying the next candidate: {}", p.name(),
                        e.getMessage());
                passedOver.add("passed over " + p.name() + " (priority " + p.priority() + "): " + e.getMessage());
                failures.add(p.name() + " declined (" + e.getMessage() + ")");
            } catch (RuntimeException e) {
                LOG.warn("iops: profiler '{}' failed to start, trying the next candidate: {}", p.name(), e.getMessage());
                passedOver.add("passed over " + p.name() + " (priority " + p.priority() + "): failed to start: "
                        + e.getMessage());
                failures.add(p.name() + " could not start (" + e.getMessage() + ")");
            }
        }
        if (failures.isEmpty()) {
            throw explain(profilers, null, null, options);
        }
        throw new NoProfilerException("Every usable iops profiler failed to start for " + options.wanted() + ":\n  - "
                + String.join("\n  - ", failures), describe(capable));
    }

    /**
     * The hint for a block that only iops-api's own profiler ({@code jfr}) measured because no module for this
     * operating system is on the class path: it gives what the JVM sees, where the OS module gives system calls.
     *
     * @param profilers  every profiler found
     * @param measured   the profiler about to measure
     * @param properties system property lookup ({@code os.name})
     * @return the note, or {@code null} when the module for this OS is there, the OS is none iops has a module for,
     *         or the profiler that measures is not iops-api's own
     */
    static String noOsModuleHint(List<Profiler> profilers, Profiler measured, UnaryOperator<String> properties) {
        if (!measured.getClass().getPackageName().equals(BUILT_IN)) {
            return null;
        }
        String os = properties.apply("os.name");
        OsModule module = os == null ? null : OsModule.of(os);
        if (module == null) {
            return null;
        }
        for (Profiler p : profilers) {
            String pkg = p.getClass().getPackageName();
            if (pkg.equals(module.pkg()) || pkg.startsWith(module.pkg() + ".")) {
                return null;
            }
        }
        return "no iops module for " + os + " is on the class path, so " + measured.name() + " measured what the JVM "
                + "sees of the block's I/O; add " + module.artifact() + " (dev.iops:" + module.artifact() + ") for "
                + module.gives();
    }

    /** The package of iops-api's own profilers ({@code jfr}). */
    private static final String BUILT_IN = "dev.iops.jvm";

    /**
     * The iops module made for an operating system.
     *
     * @param artifact its artifact id
     * @param pkg      the package of its profilers
     * @param gives    what it measures that jfr does not, for the hint
     */
    private record OsModule(String artifact, String pkg, String gives) {
        /** @return the module for an {@code os.name}, or {@code null} for an OS iops has none for */
        static OsModule of(String os) {
            String name = os.toLowerCase(java.util.Locale.ROOT);
            if (name.startsWith("linux")) {
                return new OsModule("iops-linux", "dev.iops.linux",
                        "the exact system calls of the block (procfs, perf, tracepoints, strace)");
            }
            if (name.startsWith("mac")) {
                return new OsModule("iops-macos", "dev.iops.macos", "the system calls of the block (fs_usage)");
            }
            if (name.startsWith("windows")) {
                return new OsModule("iops-windows", "dev.iops.windows", "the process's I/O counters (iocounters)");
            }
            return null;
        }
    }

    // Created before the window opens: nothing is allocated or class-loaded between block end and window close.
    private static Aggregator aggregatorFor(Profiler p) {
        return p.capabilities().contains(Capability.OPERATION_SIZES) ? new Aggregator() : null;
    }

    private static Recording startOne(Profiler p, RecordingRequest request) {
        Recording recording = p.start(request);
        if (recording == null) {
            throw new ProfilerStartException("start() returned null (a bug in " + p.getClass().getName() + ")");
        }
        return recording;
    }

    /**
     * Every profiler, in selection order, with its state. Asks every profiler for its availability.
     *
     * @param profilers the profilers
     * @return their descriptions in selection order
     */
    public static List<ProfilerInfo> describe(List<Profiler> profilers) {
        List<Profiler> sorted = new ArrayList<>(profilers);
        sorted.sort(ORDER);
        List<ProfilerInfo> infos = new ArrayList<>();
        for (Profiler p : sorted) {
            infos.add(info(p));
        }
        return infos;
    }

    /** The full explanation of why nothing can measure; asks every profiler for its availability. */
    private static NoProfilerException explain(List<Profiler> profilers, String named, String origin, Options options) {
        Set<Capability> need = options.required();
        List<Profiler> sorted = new ArrayList<>(profilers);
        sorted.sort(ORDER);
        List<ProfilerInfo> infos = describe(sorted);
        if (named != null) {
            for (int i = 0; i < sorted.size(); i++) {
                Profiler p = sorted.get(i);
                if (!p.name().equals(named)) {
                    continue;
                }
                ProfilerInfo info = infos.get(i);
                if (!info.usable()) {
                    return new NoProfilerException("Profiler '" + named + "' (from " + origin + ") is not usable here: "
                            + info.reason(), infos);
                }
                Set<Capability> missing = EnumSet.copyOf(need);
                missing.removeAll(p.capabilities());
                List<String> able = new ArrayList<>();
                for (int j = 0; j < sorted.size(); j++) {
                    if (infos.get(j).usable() && sorted.get(j).capabilities().containsAll(need)) {
                        able.add(sorted.get(j).name());
                    }
                }
                return new NoProfilerException("Profiler '" + named + "' (from " + origin + ") cannot measure "
                        + options.wanted() + ": it " + lacking(missing) + ". "
                        + (able.isEmpty() ? "No usable profiler here can." : "Usable profilers that can: "
                        + String.join(", ", able) + "."), infos);
            }
            return new NoProfilerException("No iops profiler is named '" + named + "' (from " + origin + "). "
                    + (sorted.isEmpty() ? "None was found at all: " + ADD_PROVIDER
                    : "Found: " + sorted.stream().map(Profiler::name).collect(Collectors.joining(", ")) + "."), infos);
        }
        if (sorted.isEmpty()) {
            return new NoProfilerException("No iops profiler was found: " + ADD_PROVIDER, infos);
        }
        StringBuilder why = new StringBuilder();
        for (int i = 0; i < sorted.size(); i++) {
            Profiler p = sorted.get(i);
            ProfilerInfo info = infos.get(i);
            Set<Capability> missing = EnumSet.copyOf(need);
            missing.removeAll(p.capabilities());
            why.append("\n  - ").append(p.name()).append(" (priority ").append(p.priority()).append("): ");
            if (!info.usable()) {
                why.append("not usable: ").append(info.reason());
            } else if (!missing.isEmpty()) {
                why.append(lacking(missing));
            } else {
                why.append("usable, but became unusable while selection ran");
            }
        }
        return new NoProfilerException("No iops profiler can measure " + options.wanted() + " here. Candidates:"
                + why + "\nMake one of them usable as its reason says, add a provider module that can (" + MODULES
                + "), or ask for less" + lessHint(options) + ".", infos);
    }

    private static String lacking(Set<Capability> missing) {
        List<String> parts = new ArrayList<>();
        for (Capability c : missing) {
            parts.add(switch (c) {
                case OPERATION_SIZES -> "does not see operation sizes (needed by histogram())";
                case THREAD_SCOPE -> "cannot count a single thread (needed by Scope.THREAD)";
                case CALL_SITES -> "does not see Java call sites (needed by callSites())";
                default -> "lacks " + c;
            });
        }
        return String.join(" and ", parts);
    }

    private static String lessHint(Options options) {
        List<String> hints = new ArrayList<>();
        if (options.callSites()) {
            hints.add("no callSites()");
        }
        if (options.histogram()) {
            hints.add("no histogram()");
        }
        if (options.scope() == Scope.THREAD) {
            hints.add("Scope.PROCESS");
        }
        return hints.isEmpty() ? "" : " (" + String.join(", ", hints) + ")";
    }

    /**
     * Asks a profiler for its state; a profiler that throws is reported unusable, never propagated.
     *
     * @param p the profiler
     * @return its description
     */
    public static ProfilerInfo info(Profiler p) {
        Availability a = availability(p);
        return new ProfilerInfo(p.name(), p.priority(), p.capabilities(), a.usable(), a.reason());
    }

    /** A profiler's availability; one that throws or answers {@code null} is unusable, never propagated. */
    private static Availability availability(Profiler p) {
        try {
            Availability a = p.availability();
            return a != null ? a
                    : Availability.unusable("availability() returned null (a bug in " + p.getClass().getName() + ")");
        } catch (RuntimeException | LinkageError e) {
            return Availability.unusable("availability() threw " + e);
        }
    }
}
