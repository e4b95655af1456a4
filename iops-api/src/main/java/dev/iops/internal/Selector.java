package dev.iops.internal;

import dev.iops.NoProfilerException;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Chooses which profilers a session tries, in order. Pure: the profilers and the request come in, an ordered
 * list or a {@link NoProfilerException} goes out; availability is asked once per profiler per call.
 */
public final class Selector {
    /** System property that names the profiler to use when the code does not name one. */
    public static final String PROPERTY = "iops.profiler";

    /** Selection order: priority descending, then name. */
    public static final Comparator<Profiler> ORDER =
            Comparator.comparingInt(Profiler::priority).reversed().thenComparing(Profiler::name);

    private Selector() {
    }

    /** The capabilities a request needs. */
    public static Set<Capability> required(Scope scope, boolean histogram, boolean callSites) {
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

    /** Describes what was asked, for messages: {@code "scope THREAD with a histogram"}. */
    public static String wanted(Scope scope, boolean histogram, boolean callSites) {
        List<String> with = new ArrayList<>();
        if (histogram) {
            with.add("a histogram");
        }
        if (callSites) {
            with.add("call sites");
        }
        return "scope " + scope + (with.isEmpty() ? "" : " with " + String.join(" and ", with));
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

    /**
     * The profilers to try, best first, without asking any for its availability: the session asks each one just
     * before starting it, so a measured call pays for one availability check, not one per profiler found. When no
     * profiler has the capabilities asked (or the named one is missing or lacks them), this throws the same
     * explanation as {@link #candidates}.
     *
     * @param profilers every profiler found
     * @param named     the profiler the caller named, or {@code null}
     * @param origin    where the name came from, for messages
     * @param scope     the scope asked
     * @param histogram whether a histogram was asked
     * @param callSites whether call sites were asked
     * @return the capable profilers in selection order: exactly one when named
     * @throws NoProfilerException when none has the capabilities asked
     */
    public static List<Profiler> plan(List<Profiler> profilers, String named, String origin, Scope scope,
                                      boolean histogram, boolean callSites) {
        Set<Capability> need = required(scope, histogram, callSites);
        List<Profiler> capable = new ArrayList<>();
        for (Profiler p : profilers) {
            if ((named == null || p.name().equals(named)) && p.capabilities().containsAll(need)) {
                capable.add(p);
            }
        }
        if (capable.isEmpty()) {
            return candidates(profilers, named, origin, scope, histogram, callSites); // throws the full explanation
        }
        capable.sort(ORDER);
        return named == null ? capable : List.of(capable.get(0));
    }

    /**
     * The profilers to try, best first.
     *
     * @param profilers every profiler found
     * @param named     the profiler the caller named, or {@code null}
     * @param origin    where the name came from, for messages ({@code "profiler(...)"} or {@code "-Diops.profiler"})
     * @param scope     the scope asked
     * @param histogram whether a histogram was asked
     * @return one or more profilers: exactly one when named
     * @throws NoProfilerException when none can measure what was asked
     */
    public static List<Profiler> candidates(List<Profiler> profilers, String named, String origin,
                                            Scope scope, boolean histogram) {
        return candidates(profilers, named, origin, scope, histogram, false);
    }

    /**
     * {@link #candidates(List, String, String, Scope, boolean)} with call sites.
     *
     * @param profilers every profiler found
     * @param named     the profiler the caller named, or {@code null}
     * @param origin    where the name came from, for messages
     * @param scope     the scope asked
     * @param histogram whether a histogram was asked
     * @param callSites whether call sites were asked
     * @return one or more profilers: exactly one when named
     */
    public static List<Profiler> candidates(List<Profiler> profilers, String named, String origin,
                                            Scope scope, boolean histogram, boolean callSites) {
        Set<Capability> need = required(scope, histogram, callSites);
        List<Profiler> sorted = new ArrayList<>(profilers);
        sorted.sort(ORDER);
        List<ProfilerInfo> infos = new ArrayList<>();
        for (Profiler p : sorted) {
            infos.add(info(p));
        }

        if (named != null) {
            for (int i = 0; i < sorted.size(); i++) {
                Profiler p = sorted.get(i);
                if (!p.name().equals(named)) {
                    continue;
                }
                ProfilerInfo info = infos.get(i);
                if (!info.usable()) {
                    throw new NoProfilerException("Profiler '" + named + "' (from " + origin + ") is not usable here: "
                            + info.reason(), infos);
                }
                Set<Capability> missing = EnumSet.copyOf(need);
                missing.removeAll(p.capabilities());
                if (!missing.isEmpty()) {
                    List<String> able = new ArrayList<>();
                    for (int j = 0; j < sorted.size(); j++) {
                        if (infos.get(j).usable() && sorted.get(j).capabilities().containsAll(need)) {
                            able.add(sorted.get(j).name());
                        }
                    }
                    throw new NoProfilerException("Profiler '" + named + "' (from " + origin + ") cannot measure "
                            + wanted(scope, histogram, callSites) + ": it " + lacking(missing) + ". "
                            + (able.isEmpty() ? "No usable profiler here can." : "Usable profilers that can: "
                            + String.join(", ", able) + "."), infos);
                }
                return List.of(p);
            }
            throw new NoProfilerException("No iops profiler is named '" + named + "' (from " + origin + "). "
                    + (sorted.isEmpty() ? "None was found at all: " + ADD_PROVIDER
                    : "Found: " + sorted.stream().map(Profiler::name).collect(Collectors.joining(", ")) + "."), infos);
        }

        List<Profiler> result = new ArrayList<>();
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
                result.add(p);
                why.append("ok");
            }
        }
        if (!result.isEmpty()) {
            return result;
        }
        if (sorted.isEmpty()) {
            throw new NoProfilerException("No iops profiler was found: " + ADD_PROVIDER, infos);
        }
        throw new NoProfilerException("No iops profiler can measure " + wanted(scope, histogram, callSites) + " here. Candidates:"
                + why + "\nMake one of them usable as its reason says, add a provider module that can (" + MODULES
                + "), or ask for less" + lessHint(scope, histogram, callSites) + ".", infos);
    }

    private static final String MODULES = "iops-linux on Linux, iops-windows on Windows";
    private static final String ADD_PROVIDER = "add a provider module next to iops-api (" + MODULES + ").";

    private static String lessHint(Scope scope, boolean histogram, boolean callSites) {
        List<String> hints = new ArrayList<>();
        if (callSites) {
            hints.add("no callSites()");
        }
        if (histogram) {
            hints.add("no histogram()");
        }
        if (scope == Scope.THREAD) {
            hints.add("Scope.PROCESS");
        }
        return hints.isEmpty() ? "" : " (" + String.join(", ", hints) + ")";
    }

    /** Asks a profiler for its state; a profiler that throws is reported unusable, never propagated. */
    public static ProfilerInfo info(Profiler p) {
        Availability a;
        try {
            a = p.availability();
            if (a == null) {
                a = Availability.unusable("availability() returned null (a bug in " + p.getClass().getName() + ")");
            }
        } catch (RuntimeException | LinkageError e) {
            a = Availability.unusable("availability() threw " + e);
        }
        return new ProfilerInfo(p.name(), p.priority(), p.capabilities(), a.usable(), a.reason());
    }
}
