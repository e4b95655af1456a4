package dev.iops.internal;

import dev.iops.NoProfilerException;
import dev.iops.ProfilerInfo;
import dev.iops.Scope;
import dev.iops.fake.TestProfiler;
import dev.iops.spi.Availability;
import dev.iops.spi.Capability;
import dev.iops.spi.Profiler;
import dev.iops.spi.ProfilerStartException;
import dev.iops.spi.RequestDeclinedException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The one selection path production uses: {@link Selection#start}, with scripted profilers. */
class SelectionTest {
    private final TestProfiler perf = new TestProfiler("perf", 350, Capability.OPERATION_SIZES,
            Capability.THREAD_SCOPE).unusable("perf not found on PATH; install it with apt-get install linux-tools");
    private final TestProfiler procfs = new TestProfiler("procfs", 200, Capability.THREAD_SCOPE);
    private final TestProfiler jfr = new TestProfiler("jfr", 150, Capability.OPERATION_SIZES, Capability.THREAD_SCOPE);
    private final TestProfiler oshi = new TestProfiler("oshi", 50);

    private static Selection.Options auto(Scope scope, boolean histogram) {
        return new Selection.Options(null, scope, histogram, false);
    }

    private static Selection.Started start(List<Profiler> all, Selection.Options options) {
        return start(all, options, null);
    }

    private static Selection.Started start(List<Profiler> all, Selection.Options options, String property) {
        Selection.Started s = Selection.start(all, options, key -> Selection.PROPERTY.equals(key) ? property : null);
        s.recording().close();
        return s;
    }

    @Test
    void startsTheHighestPriorityUsableProfilerAndNotesTheBetterOnePassedOver() {
        Selection.Started s = start(List.of(oshi, jfr, perf, procfs), auto(Scope.PROCESS, false));
        assertThat(s.profiler().name()).isEqualTo("procfs");
        assertThat(s.aggregator()).isNull();
        assertThat(s.notes()).containsExactly("passed over perf (priority 350): not usable here: perf not found "
                + "on PATH; install it with apt-get install linux-tools");
        assertThat(procfs.started.get()).isEqualTo(1);
        assertThat(jfr.started.get() + oshi.started.get()).isZero();
    }

    @Test
    void breaksPriorityTiesByName() {
        TestProfiler b = new TestProfiler("bravo", 10);
        TestProfiler a = new TestProfiler("alpha", 10);
        assertThat(start(List.of(b, a), auto(Scope.PROCESS, false)).profiler().name()).isEqualTo("alpha");
    }

    @Test
    void histogramRulesOutCountOnlyProvidersAndGivesASink() {
        Selection.Started s = start(List.of(oshi, jfr, perf, procfs), auto(Scope.PROCESS, true));
        assertThat(s.profiler().name()).isEqualTo("jfr");
        assertThat(s.aggregator()).isNotNull();
        assertThat(jfr.lastRequest.perOperation()).isTrue();
        assertThat(s.notes()).hasSize(1).allMatch(n -> n.startsWith("passed over perf (priority 350)"));
    }

    @Test
    void threadScopeRulesOutProcessOnlyProviders() {
        TestProfiler best = new TestProfiler("best", 900); // process scope only
        assertThat(start(List.of(best, oshi, jfr, procfs), auto(Scope.THREAD, false)).profiler().name())
                .isEqualTo("procfs");
        assertThat(best.started.get()).isZero();
        assertThat(procfs.lastRequest.scope()).isEqualTo(Scope.THREAD);
        assertThat(procfs.lastRequest.thread()).isSameAs(Thread.currentThread());
    }

    @Test
    void histogramWithOnlyCountProvidersGivesTheClearError() {
        NoProfilerException e = catchThrowableOfType(NoProfilerException.class,
                () -> Selection.start(List.of(oshi, perf, procfs), auto(Scope.THREAD, true), k -> null));
        assertThat(e).hasMessage("""
                No iops profiler can measure scope THREAD with a histogram here. Candidates:
                  - perf (priority 350): not usable: perf not found on PATH; install it with apt-get install linux-tools
                  - procfs (priority 200): does not see operation sizes (needed by histogram())
                  - oshi (priority 50): does not see operation sizes (needed by histogram()) and cannot count a single thread (needed by Scope.THREAD)
                Make one of them usable as its reason says, add a provider module that can (iops-linux on Linux, \
                iops-macos on macOS, iops-windows on Windows), or ask for less (no histogram(), Scope.PROCESS).""");
        assertThat(e.candidates()).extracting(ProfilerInfo::name).containsExactly("perf", "procfs", "oshi");
        assertThat(e.candidates().get(0).usable()).isFalse();
    }

    @Test
    void callSitesNeedAProfilerThatSeesJavaFrames() {
        TestProfiler jvm = new TestProfiler("jvm", 150, Capability.OPERATION_SIZES, Capability.CALL_SITES);
        TestProfiler tracer = new TestProfiler("tracer", 300, Capability.OPERATION_SIZES, Capability.THREAD_SCOPE);
        Selection.Options sites = new Selection.Options(null, Scope.PROCESS, true, true);
        assertThat(start(List.of(tracer, jvm), sites).profiler().name()).isEqualTo("jvm");
        assertThat(jvm.lastRequest.callSites()).isTrue();
        assertThatThrownBy(() -> Selection.start(List.of(tracer), new Selection.Options(null, Scope.PROCESS, false, true),
                k -> null))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("""
                        No iops profiler can measure scope PROCESS with call sites here. Candidates:
                          - tracer (priority 300): does not see Java call sites (needed by callSites())
                        Make one of them usable as its reason says, add a provider module that can (iops-linux on Linux, \
                        iops-macos on macOS, iops-windows on Windows), or ask for less (no callSites()).""");
    }

    @Test
    void asksAvailabilityOnlyOfTheProfilersItTries() {
        AtomicInteger asked = new AtomicInteger();
        TestProfiler counted = new TestProfiler("counted", 10) {
            @Override
            public Availability availability() {
                asked.incrementAndGet();
                return super.availability();
            }
        };
        assertThat(start(List.of(procfs, counted), auto(Scope.PROCESS, false)).profiler().name()).isEqualTo("procfs");
        assertThat(asked.get()).isZero();
        procfs.unusable("off");
        assertThat(start(List.of(procfs, counted), auto(Scope.PROCESS, false)).profiler().name()).isEqualTo("counted");
        assertThat(asked.get()).isEqualTo(1);
    }

    @Test
    void noProviderAtAllSaysWhatToAdd() {
        assertThatThrownBy(() -> Selection.start(List.of(), auto(Scope.PROCESS, false), k -> null))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("No iops profiler was found: add a provider module next to iops-api "
                        + "(iops-linux on Linux, iops-macos on macOS, iops-windows on Windows).");
    }

    @Test
    void aNamedProfilerIsUsedEvenWithLowerPriority() {
        Selection.Started s = start(List.of(procfs, oshi), new Selection.Options("oshi", Scope.PROCESS, false, false));
        assertThat(s.profiler().name()).isEqualTo("oshi");
        assertThat(s.notes()).isEmpty();
        assertThat(procfs.started.get()).isZero();
    }

    @Test
    void theSystemPropertyNamesTheProfilerWhenTheCodeDoesNot() {
        assertThat(start(List.of(procfs, oshi), auto(Scope.PROCESS, false), " oshi ").profiler().name())
                .isEqualTo("oshi");
        Selection.Options inCode = new Selection.Options("procfs", Scope.PROCESS, false, false);
        assertThat(start(List.of(procfs, oshi), inCode, "oshi").profiler().name()).isEqualTo("procfs");
    }

    @Test
    void anUnknownNameListsWhatExistsAndWhereTheNameCameFrom() {
        assertThatThrownBy(() -> Selection.start(List.of(procfs, jfr), auto(Scope.PROCESS, false),
                k -> Selection.PROPERTY.equals(k) ? "strase" : null))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("No iops profiler is named 'strase' (from -Diops.profiler=strase). Found: procfs, jfr.");
    }

    @Test
    void aNamedUnusableProfilerSaysWhy() {
        assertThatThrownBy(() -> Selection.start(List.of(perf, procfs),
                new Selection.Options("perf", Scope.PROCESS, false, false), k -> null))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("Profiler 'perf' (from profiler(\"perf\")) is not usable here: "
                        + "perf not found on PATH; install it with apt-get install linux-tools");
        assertThat(procfs.started.get()).isZero();
    }

    @Test
    void aNamedProfilerThatCannotDoItNamesThoseThatCan() {
        assertThatThrownBy(() -> Selection.start(List.of(perf, procfs, jfr),
                new Selection.Options("procfs", Scope.PROCESS, true, false), k -> null))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("Profiler 'procfs' (from profiler(\"procfs\")) cannot measure scope PROCESS with a histogram: "
                        + "it does not see operation sizes (needed by histogram()). Usable profilers that can: jfr.");
    }

    @Test
    void aProfilerWhoseAvailabilityThrowsIsPassedOverWithTheReason() {
        Profiler broken = new TestProfiler("broken", 500) {
            @Override
            public Availability availability() {
                throw new IllegalStateException("boom");
            }
        };
        ProfilerInfo info = Selection.info(broken);
        assertThat(info.usable()).isFalse();
        assertThat(info.reason()).isEqualTo("availability() threw java.lang.IllegalStateException: boom");
        assertThat(info).hasToString("broken (priority 500): not usable: availability() threw "
                + "java.lang.IllegalStateException: boom");
        Selection.Started s = start(List.of(broken, procfs), auto(Scope.PROCESS, false));
        assertThat(s.profiler().name()).isEqualTo("procfs");
        assertThat(s.notes()).containsExactly("passed over broken (priority 500): not usable here: availability() "
                + "threw java.lang.IllegalStateException: boom");
    }

    @Test
    void fallsBackWhenTheBestProfilerFailsToStartAndSaysSo() {
        TestProfiler refused = new TestProfiler("tracer", 350, Capability.THREAD_SCOPE)
                .failingToStart("tracer could not attach to pid 42: not permitted");
        Selection.Started s = start(List.of(refused, perf, procfs), auto(Scope.PROCESS, false));
        assertThat(s.profiler().name()).isEqualTo("procfs");
        assertThat(s.notes()).containsExactly( // same priority: by name
                "passed over perf (priority 350): not usable here: perf not found on PATH; install it with "
                        + "apt-get install linux-tools",
                "passed over tracer (priority 350): failed to start: tracer could not attach to pid 42: not permitted");
    }

    @Test
    void whenEveryCandidateFailsToStartTheErrorListsThemAll() {
        TestProfiler a = new TestProfiler("alpha", 2, Capability.OPERATION_SIZES).failingToStart("alpha refused");
        TestProfiler b = new TestProfiler("beta", 1, Capability.OPERATION_SIZES).failingToStart("beta refused");
        assertThatThrownBy(() -> Selection.start(List.of(a, b), auto(Scope.PROCESS, true), k -> null))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("Every usable iops profiler failed to start for scope PROCESS with a histogram:\n"
                        + "  - alpha could not start (alpha refused)\n  - beta could not start (beta refused)");
    }

    @Test
    void aNamedProfilerThatFailsToStartIsNotReplaced() {
        TestProfiler refused = new TestProfiler("strace", 100).failingToStart("refused");
        assertThatThrownBy(() -> Selection.start(List.of(refused, procfs),
                new Selection.Options("strace", Scope.PROCESS, false, false), k -> null))
                .isInstanceOf(ProfilerStartException.class).hasMessage("refused");
        assertThat(procfs.started.get()).isZero();
    }

    @Test
    void aNamedProfilerThatThrowsSomethingElseIsWrappedWithItsName() {
        TestProfiler buggy = new TestProfiler("buggy", 1);
        buggy.startFailure = new IllegalStateException("oops");
        assertThatThrownBy(() -> Selection.start(List.of(buggy), new Selection.Options("buggy", Scope.PROCESS, false,
                false), k -> null))
                .isInstanceOf(ProfilerStartException.class)
                .hasMessage("Profiler 'buggy' failed to start: java.lang.IllegalStateException: oops");
    }

    @Test
    void aProfilerMadeForAnotherOperatingSystemIsPassedOverWithoutANote() {
        TestProfiler fsUsage = new TestProfiler("fs_usage", 350, Capability.OPERATION_SIZES, Capability.THREAD_SCOPE);
        fsUsage.availability = Availability.forOtherPlatform("fs_usage needs macOS (it reads the kernel's ktrace "
                + "buffer); this is Linux. Use strace or procfs on Linux, iocounters on Windows, or jfr anywhere.");
        Selection.Started s = start(List.of(fsUsage, perf, procfs), auto(Scope.PROCESS, false));
        assertThat(s.profiler().name()).isEqualTo("procfs");
        assertThat(s.notes()).as("a note for perf, which could run on this OS; none for fs_usage").containsExactly(
                "passed over perf (priority 350): not usable here: perf not found on PATH; install it with apt-get "
                        + "install linux-tools");
        // still listed, with its reason, for whoever asks what there is
        assertThat(Selection.describe(List.of(fsUsage, procfs))).extracting(ProfilerInfo::toString).contains(
                "fs_usage (priority 350): not usable: fs_usage needs macOS (it reads the kernel's ktrace buffer); "
                        + "this is Linux. Use strace or procfs on Linux, iocounters on Windows, or jfr anywhere.");
    }

    @Test
    void aProfilerForAnotherPlatformIsUsableNever() {
        assertThatThrownBy(() -> new Availability(true, "", true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a profiler made for another operating system is not usable here");
        assertThat(Availability.unusable("x").otherPlatform()).isFalse();
        assertThat(new Availability(false, "x")).isEqualTo(Availability.unusable("x"));
    }

    /** What selection logs while it runs, through slf4j-simple's System.err (resolved at each line). */
    private static String logged(Runnable r) {
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setErr(err);
        }
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aDeclinedRequestIsPassedOverWithANoteAndNoWarning() {
        String declined = "procfs counts one OS thread in Scope.THREAD, but this session runs on a virtual thread "
                + "(VirtualThread[#31]), which can move to another carrier thread at any blocking call; its counts "
                + "would be the carriers'. Use Scope.PROCESS, run the block on a platform thread, or use "
                + "-Diops.profiler=jfr, which counts Java threads.";
        procfs.startFailure = new RequestDeclinedException(declined);
        Selection.Started[] s = new Selection.Started[1];
        String log = logged(() -> s[0] = start(List.of(perf, procfs, jfr), auto(Scope.THREAD, false)));
        assertThat(s[0].profiler().name()).isEqualTo("jfr");
        assertThat(s[0].notes()).containsExactly(
                "passed over perf (priority 350): not usable here: perf not found on PATH; install it with apt-get "
                        + "install linux-tools",
                "passed over procfs (priority 200): " + declined);
        assertThat(log).as("what selection expects is no warning").isEmpty();
        // a start that fails for another reason is still a warning (and shows the capture works)
        procfs.startFailure = new ProfilerStartException("procfs could not open /proc/thread-self/io");
        assertThat(logged(() -> start(List.of(procfs, jfr), auto(Scope.THREAD, false)))).startsWith("[main] WARN ")
                .contains("iops: profiler 'procfs' failed to start, trying the next candidate: procfs could not open "
                        + "/proc/thread-self/io");
    }

    @Test
    void whenEveryCandidateDeclinesTheErrorSaysSo() {
        procfs.startFailure = new RequestDeclinedException("procfs counts one OS thread");
        jfr.unusable("Flight Recorder is not available in this JVM");
        assertThatThrownBy(() -> Selection.start(List.of(procfs, jfr), auto(Scope.THREAD, false), k -> null))
                .isInstanceOf(NoProfilerException.class)
                .hasMessage("Every usable iops profiler failed to start for scope THREAD:\n"
                        + "  - procfs declined (procfs counts one OS thread)");
    }

    @org.junit.jupiter.api.Nested
    class WithoutAnOsModule {
        private final TestProfiler jvmLevel = new dev.iops.jvm.JvmLevelTestProfiler("jfr", 150,
                Capability.OPERATION_SIZES, Capability.THREAD_SCOPE);

        private Selection.Started startOn(String os, List<Profiler> all, String property) {
            Selection.Started s = Selection.start(all, auto(Scope.PROCESS, false),
                    k -> k.equals("os.name") ? os : Selection.PROPERTY.equals(k) ? property : null);
            s.recording().close();
            return s;
        }

        @Test
        void theJvmLevelProfilerMeasuresAndTheReportNamesTheModuleThatGivesSystemCalls() {
            assertThat(startOn("Linux", List.of(jvmLevel), null).notes()).containsExactly("no iops module for Linux "
                    + "is on the class path, so jfr measured what the JVM sees of the block's I/O; add iops-linux "
                    + "(dev.iops:iops-linux) for the exact system calls of the block (procfs, perf, tracepoints, "
                    + "strace)");
            assertThat(startOn("Mac OS X", List.of(jvmLevel), null).notes()).singleElement().asString()
                    .startsWith("no iops module for Mac OS X is on the class path").contains("add iops-macos");
            assertThat(startOn("Windows 11", List.of(jvmLevel), null).notes()).singleElement().asString()
                    .contains("add iops-windows (dev.iops:iops-windows) for the process's I/O counters");
        }

        @Test
        void aProfilerThatIsNotJvmLevelOrOneNamedOnPurposeGetsNoHint() {
            assertThat(startOn("Linux", List.of(jvmLevel, oshi), null).notes()).as("oshi (iops-macos) is no Linux "
                    + "module: still the hint").singleElement().asString().startsWith("no iops module for Linux");
            assertThat(startOn("Linux", List.of(jvmLevel, procfs), null).notes()).as("procfs measured").isEmpty();
            assertThat(startOn("Linux", List.of(jvmLevel), "jfr").notes()).as("-Diops.profiler=jfr").isEmpty();
            assertThat(startOn("FreeBSD", List.of(jvmLevel), null).notes()).as("no module iops could name")
                    .isEmpty();
        }
    }

    /** The profilers of an ordinary user's Linux machine (no root: perf unusable; strace usable), as priorities rank them. */
    @org.junit.jupiter.api.Nested
    class WhatASourceCostsTheMeasuredCode {
        private final TestProfiler rootOnly = new TestProfiler("perf", 350, Capability.OPERATION_SIZES,
                Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY)
                .unusable("perf may not trace this JVM's system calls: run as root or grant CAP_PERFMON");
        private final TestProfiler counters = new TestProfiler("procfs", 200, Capability.THREAD_SCOPE,
                Capability.STORAGE_BYTES);
        private final TestProfiler composite = new TestProfiler("procfs+jfr", 180, Capability.OPERATION_SIZES,
                Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY, Capability.CALL_SITES);
        private final TestProfiler jvm = new TestProfiler("jfr", 150, Capability.OPERATION_SIZES,
                Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY, Capability.CALL_SITES);
        private final TestProfiler ptrace = new TestProfiler("strace", 100, Capability.OPERATION_SIZES,
                Capability.THREAD_SCOPE, Capability.PATHS, Capability.LATENCY);
        private final List<Profiler> machine = List.of(ptrace, jvm, composite, counters, rootOnly);

        @Test
        void aPlainRequestTakesTheCheapestExactCounterAndNeverTheTracerThatSlowsTheBlock() {
            for (Scope scope : Scope.values()) {
                assertThat(start(machine, auto(scope, false)).profiler().name()).as("%s", scope).isEqualTo("procfs");
            }
            assertThat(ptrace.started.get() + jvm.started.get() + composite.started.get()).isZero();
        }

        @Test
        void aHistogramTakesExactCountsWithJvmDetailRatherThanStrace() {
            Selection.Started s = start(machine, auto(Scope.PROCESS, true));
            assertThat(s.profiler().name()).isEqualTo("procfs+jfr");
            assertThat(s.aggregator()).isNotNull();
            assertThat(s.notes()).containsExactly("passed over perf (priority 350): not usable here: perf may not "
                    + "trace this JVM's system calls: run as root or grant CAP_PERFMON");
            assertThat(ptrace.started.get()).isZero();
        }

        @Test
        void callSitesGoToTheBestSourceThatSeesJavaFrames() {
            assertThat(start(machine, new Selection.Options(null, Scope.THREAD, false, true)).profiler().name())
                    .isEqualTo("procfs+jfr");
            composite.unusable("its jfr part is not usable: Flight Recorder is not available in this JVM");
            jvm.unusable("Flight Recorder is not available in this JVM");
            assertThatThrownBy(() -> Selection.start(machine, new Selection.Options(null, Scope.THREAD, false, true),
                    k -> null)).isInstanceOf(NoProfilerException.class); // strace does not see Java frames either
        }

        @Test
        void straceMeasuresAutomaticallyOnlyWhenNothingElseUsableCanGiveWhatWasAsked() {
            composite.unusable("its jfr part is not usable: Flight Recorder is not available in this JVM");
            jvm.unusable("Flight Recorder is not available in this JVM");
            Selection.Started s = start(machine, auto(Scope.THREAD, true));
            assertThat(s.profiler().name()).isEqualTo("strace");
            assertThat(s.notes()).containsExactly(
                    "passed over perf (priority 350): not usable here: perf may not trace this JVM's system calls: run "
                            + "as root or grant CAP_PERFMON",
                    "passed over procfs+jfr (priority 180): not usable here: its jfr part is not usable: Flight "
                            + "Recorder is not available in this JVM",
                    "passed over jfr (priority 150): not usable here: Flight Recorder is not available in this JVM");
            // a plain request still never needs it
            assertThat(start(machine, auto(Scope.THREAD, false)).profiler().name()).isEqualTo("procfs");
        }

        @Test
        void straceIsTriedLastWhenEverySourceAboveItFailsToStart() {
            composite.failingToStart("procfs+jfr: its procfs part could not start: a virtual thread");
            jvm.failingToStart("jfr could not start a Flight Recorder recording");
            Selection.Started s = start(machine, auto(Scope.THREAD, true));
            assertThat(s.profiler().name()).isEqualTo("strace");
            assertThat(s.notes()).hasSize(3);
        }

        @Test
        void straceStaysAvailableByNameAndByProperty() {
            Selection.Options named = new Selection.Options("strace", Scope.PROCESS, true, false);
            Selection.Started s = start(machine, named);
            assertThat(s.profiler().name()).isEqualTo("strace");
            assertThat(s.notes()).isEmpty();
            assertThat(start(machine, auto(Scope.PROCESS, false), "strace").profiler().name()).isEqualTo("strace");
            assertThat(counters.started.get() + composite.started.get() + jvm.started.get()).isZero();
        }
    }

    @Test
    void aWarmUpSettingThatIsNeitherTrueNorFalseRefusesEverySession() {
        // -Diops.warmup=nope used to leave the warm-up on in silence (issue 19, item 7)
        assertThatThrownBy(() -> Selection.start(List.of(procfs), auto(Scope.PROCESS, false),
                k -> WarmUp.PROPERTY.equals(k) ? "nope" : null))
                .isExactlyInstanceOf(dev.iops.IopsException.class)
                .hasMessage("-Diops.warmup=nope is not true or false (default true); it turns iops' background warm-up "
                        + "on or off");
        start(List.of(procfs), auto(Scope.PROCESS, false)); // unset: fine
    }
}
