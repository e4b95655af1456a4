package dev.iops.jvm;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** jfr's check that Flight Recorder has room to write before it records (issue 19, item 2); pure parts. */
class RecordingSpaceTest {
    private static final Path TMP = Path.of("/tmp");
    private static final long MIB = 1024 * 1024;

    private static RecordingSpace.FreeSpace free(Map<Path, Long> bytes) {
        return dir -> bytes.getOrDefault(dir, -1L);
    }

    @Test
    void aTempDirWithRoomIsNoShortage() {
        assertThat(RecordingSpace.shortage(TMP, TMP, false, free(Map.of(TMP, 32 * MIB)))).isNull();
    }

    @Test
    void aFullTempDirIsRefusedWithWhereAndWhatToDo() {
        assertThat(RecordingSpace.shortage(TMP, TMP, false, free(Map.of(TMP, 4096L)))).isEqualTo(
                "jfr will not record: only 4.0 KiB free in /tmp (java.io.tmpdir: Flight Recorder writes every "
                        + "recording's data there as it goes, and jfr copies each block's recording there); it needs 32 "
                        + "MiB free there, because Flight Recorder shuts the whole JVM down when it cannot write (\"An "
                        + "irrecoverable error in Jfr. Shutting down VM\"). Free space there, or move the recordings to a "
                        + "file system with room (-Djava.io.tmpdir=DIR), or use another profiler");
    }

    @Test
    void aFullRepositoryElsewhereIsNamedWithItsOption() {
        Path repository = Path.of("/data/jfr");
        String why = RecordingSpace.shortage(TMP, repository, true,
                free(Map.of(TMP, 64 * MIB, repository, 0L)));
        assertThat(why).startsWith("jfr will not record: only 0 B free in /data/jfr (Flight Recorder's repository, "
                        + "where it writes every recording's data as it goes); it needs 32 MiB free there")
                .contains("(-Djava.io.tmpdir=DIR; -XX:FlightRecorderOptions:repository=DIR for the repository)");
    }

    @Test
    void spaceThatCannotBeToldIsNoShortage() {
        // a directory not made yet: JFR's own error says what is wrong, not a guess
        assertThat(RecordingSpace.shortage(TMP, Path.of("/nowhere"), true, free(Map.of(TMP, 64 * MIB)))).isNull();
    }

    @Test
    void readsTheRepositoryOptionInEitherSpelling() {
        assertThat(RecordingSpace.repositoryOption(List.of("-Xmx1g", "-XX:FlightRecorderOptions:repository=/data/jfr,"
                + "maxchunksize=8m"))).contains(Path.of("/data/jfr"));
        assertThat(RecordingSpace.repositoryOption(List.of("-XX:FlightRecorderOptions=stackdepth=96,repository=/r")))
                .contains(Path.of("/r"));
        assertThat(RecordingSpace.repositoryOption(List.of("-XX:StartFlightRecording=filename=/x.jfr")))
                .isEqualTo(Optional.empty());
    }
}
