package dev.iops.jvm;

import dev.iops.Units;
import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Whether Flight Recorder has room to write. When JFR cannot write its data (a full disk), the JDK shuts the whole
 * JVM down ({@code [jfr,system] An irrecoverable error in Jfr. Shutting down VM...}, exit 1; JDK 17 and 25 alike),
 * and no Java code can catch that: so jfr refuses to start a recording unless both places it writes have
 * {@value #MIN_FREE_MIB} MiB free — Flight Recorder's repository, where JFR writes the data of every running
 * recording as it goes (by default under {@code java.io.tmpdir}; {@code -XX:FlightRecorderOptions:repository=DIR}
 * moves it), and {@code java.io.tmpdir}, where each block's recording is copied when it stops.
 *
 * <p>{@value #MIN_FREE_MIB} MiB: Flight Recorder buffers up to 10 MiB of events in memory by default and writes
 * them, with some hundreds of KiB of metadata, at least once per recording, into the repository and again into the
 * copy. A block whose events alone need more than what is free, or a disk that another process fills during the
 * block, can still meet a full disk: the check is made when each block starts, not while it runs.
 *
 * <p>Pure but for {@code statvfs} calls (no file is read: nothing any provider counts) and, once, the JVM's own
 * command line. Thread-safe.
 */
final class RecordingSpace {
    /** The free space both places must have when a recording starts, in MiB. */
    static final long MIN_FREE_MIB = 32;
    static final long MIN_FREE_BYTES = MIN_FREE_MIB * 1024 * 1024;

    private static volatile Optional<Path> repositoryOption;

    private RecordingSpace() {
    }

    /**
     * @return why a recording must not start now (a place where JFR writes has less than {@value #MIN_FREE_MIB} MiB
     *         free), or {@code null} if there is room
     */
    static String shortage() {
        Path repository = repositoryBase();
        boolean configured = !repository.startsWith(OwnFiles.DIR) || repositoryOption().isPresent();
        return shortage(OwnFiles.DIR, repository, configured, RecordingSpace::usableBytes);
    }

    /** How much may be written in a directory's file system, in bytes; -1 if it cannot be told. */
    interface FreeSpace {
        long usableBytes(Path dir);
    }

    /**
     * @param tmpdir     where each block's recording is copied ({@code java.io.tmpdir})
     * @param repository Flight Recorder's repository, or the directory JFR will create it in
     * @param configured whether the repository is not JFR's default ({@code java.io.tmpdir}): the JVM was told
     *                   where to put it, or it was moved
     * @param free       the free-space lookup
     * @return the reason a recording must not start, or {@code null}
     */
    static String shortage(Path tmpdir, Path repository, boolean configured, FreeSpace free) {
        List<String> shortOf = new ArrayList<>();
        long inTmp = free.usableBytes(tmpdir);
        long inRepository = repository.startsWith(tmpdir) ? inTmp : free.usableBytes(repository);
        if (!configured && inTmp >= 0 && inTmp < MIN_FREE_BYTES) {
            shortOf.add(Units.bytes(inTmp) + " free in " + tmpdir + " (java.io.tmpdir: Flight Recorder writes every "
                    + "recording's data there as it goes, and jfr copies each block's recording there)");
        }
        if (configured && inRepository >= 0 && inRepository < MIN_FREE_BYTES) {
            shortOf.add(Units.bytes(inRepository) + " free in " + repository + " (Flight Recorder's repository, "
                    + "where it writes every recording's data as it goes)");
        }
        if (configured && inTmp >= 0 && inTmp < MIN_FREE_BYTES) {
            shortOf.add(Units.bytes(inTmp) + " free in " + tmpdir + " (java.io.tmpdir, where jfr copies each "
                    + "block's recording)");
        }
        if (shortOf.isEmpty()) {
            return null;
        }
        return "jfr will not record: only " + String.join(", and ", shortOf) + "; it needs " + MIN_FREE_MIB
                + " MiB free there, because Flight Recorder shuts the whole JVM down when it cannot write (\"An "
                + "irrecoverable error in Jfr. Shutting down VM\"). Free space there, or move the recordings to a file "
                + "system with room (-Djava.io.tmpdir=DIR" + (configured ? "; -XX:FlightRecorderOptions:repository=DIR "
                + "for the repository" : "") + "), or use another profiler";
    }

    private static long usableBytes(Path dir) {
        try {
            return Files.getFileStore(dir).getUsableSpace(); // statvfs: no file is read
        } catch (IOException | RuntimeException e) {
            return -1; // a directory that does not exist yet or cannot be seen: JFR's own error will say
        }
    }

    /**
     * @return Flight Recorder's repository: the one JFR made ({@code jdk.jfr.repository}), else the directory JFR
     *         will make it in ({@code -XX:FlightRecorderOptions:repository=}, else {@code java.io.tmpdir})
     */
    static Path repositoryBase() {
        String made = System.getProperty("jdk.jfr.repository");
        if (made != null && !made.isBlank()) {
            return Path.of(made).toAbsolutePath().normalize();
        }
        return repositoryOption().orElse(OwnFiles.DIR);
    }

    /** @return the repository the JVM was started with, read once */
    private static Optional<Path> repositoryOption() {
        Optional<Path> option = repositoryOption;
        if (option == null) {
            option = repositoryOption(commandLine());
            repositoryOption = option;
        }
        return option;
    }

    /** @return the JVM's options as given: its command line and the two environment variables the JDK reads */
    private static List<String> commandLine() {
        List<String> args = new ArrayList<>();
        for (String env : List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")) {
            String v = System.getenv(env);
            if (v != null) {
                args.addAll(List.of(v.trim().split("\\s+")));
            }
        }
        // one read of /proc/self/cmdline on Linux, once per JVM: the library's own work, whatever window is open
        try (SelfIo.OwnWork own = SelfIo.ownWork()) {
            ProcessHandle.current().info().arguments().ifPresent(a -> args.addAll(List.of(a)));
        }
        return args;
    }

    /**
     * @param args JVM options, such as {@code -XX:FlightRecorderOptions:repository=/data/jfr,maxchunksize=8m}
     * @return the last {@code repository=} of a {@code -XX:FlightRecorderOptions} option, if any
     */
    static Optional<Path> repositoryOption(List<String> args) {
        Path found = null;
        for (String arg : args) {
            String options = null;
            if (arg.startsWith("-XX:FlightRecorderOptions:")) {
                options = arg.substring("-XX:FlightRecorderOptions:".length());
            } else if (arg.startsWith("-XX:FlightRecorderOptions=")) {
                options = arg.substring("-XX:FlightRecorderOptions=".length());
            }
            if (options == null) {
                continue;
            }
            for (String option : options.split(",")) {
                if (option.startsWith("repository=") && option.length() > "repository=".length()) {
                    found = Path.of(option.substring("repository=".length())).toAbsolutePath().normalize();
                }
            }
        }
        return Optional.ofNullable(found);
    }
}
