package dev.iops.linux;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What perf's own messages mean, as pure functions over its stderr text: lost events (the report is then
 * incomplete) and refused permissions (the provider then says what to change).
 */
final class PerfMessages {
    private static final String[] PERMISSION = {
        "can't access trace events",
        "No permissions to read",
        "Access to performance monitoring and observability operations is limited",
        "perf_event_paranoid",
        "Permission denied",
        "Operation not permitted",
    };

    private PerfMessages() {
    }

    /**
     * Whether perf failed to start because a thread of the JVM exited while perf attached to each thread in turn:
     * either the open failed ({@code No such process}), or perf dropped the thread and then could not set the
     * filter on the events it had left ({@code Ignored open failure for pid N}, then {@code failed to set filter}
     * with {@code File exists} or {@code No such process}); an attempt without the kernel filter succeeds.
     *
     * @param perfRecordStderr what perf printed
     * @return true for that race
     */
    static boolean threadExitedDuringAttach(String perfRecordStderr) {
        return perfRecordStderr.contains("No such process") || perfRecordStderr.contains("Ignored open failure for pid");
    }

    /**
     * @param lost    events the kernel dropped (perf's {@code LOST} and {@code LOST_SAMPLES} records)
     * @param samples events that were saved
     * @return one sentence saying what was lost and what to do
     */
    static String lost(long lost, long samples) {
        return "perf lost " + lost + " of " + (lost + samples) + " system call events (its ring buffer overflowed: "
                + "the block made system calls faster than perf could save them), so the counts undercount the block. "
                + "Raise -D" + PerfProfiler.BUFFER_PROPERTY + " (pages per CPU, a power of 2)";
    }

    /**
     * @param perfRecordStderr what {@code perf record} printed before it failed
     * @return the first line that says the kernel refused access, or empty when none does
     */
    static Optional<String> permissionProblem(String perfRecordStderr) {
        for (String line : perfRecordStderr.split("\n")) {
            for (String p : PERMISSION) {
                if (line.contains(p)) {
                    return Optional.of(line.trim());
                }
            }
        }
        return Optional.empty();
    }

    /**
     * @param perfRecordStderr what {@code perf record} printed before it failed
     * @return the message of the start failure: what perf said and what to do
     */
    static String startFailure(String perfRecordStderr, String what) {
        Optional<String> denied = permissionProblem(perfRecordStderr);
        if (denied.isPresent()) {
            return "perf may not trace this JVM's system calls: \"" + denied.get() + "\". perf runs as the JVM's "
                    + "user with the capabilities of the JVM's ambient set only: run as root, or start the JVM with "
                    + "CAP_PERFMON in its ambient set and tracefs readable to its group (see docs/profilers/perf.md#"
                    + "permissions), or use -Diops.profiler=strace.";
        }
        String said = lastLines(perfRecordStderr, 3);
        return "perf record " + what + (said.isEmpty() ? "" : "; it said: " + said)
                + ". Check -D" + PerfProfiler.PATH_PROPERTY + ", or use -Diops.profiler=strace.";
    }

    /** @return the last {@code n} non-blank lines, joined with " / " */
    static String lastLines(String text, int n) {
        List<String> lines = new ArrayList<>();
        for (String l : text.split("\n")) {
            if (!l.isBlank()) {
                lines.add(l.trim());
            }
        }
        return String.join(" / ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }
}
