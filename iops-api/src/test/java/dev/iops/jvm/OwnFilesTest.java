package dev.iops.jvm;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Recognising the profiler's own files by path, as JFR reports paths. */
class OwnFilesTest {
    private static final String DIR = OwnFiles.DIR + java.io.File.separator;

    @Test
    void recognisesItsOwnRecordingFiles() {
        assertThat(OwnFiles.isOwn(DIR + OwnFiles.PREFIX + "123456.jfr")).isTrue();
    }

    @Test
    void ignoresOtherFilesAndOtherDirectories() {
        assertThat(OwnFiles.isOwn(null)).isFalse();
        assertThat(OwnFiles.isOwn(DIR + "user.jfr")).isFalse();
        assertThat(OwnFiles.isOwn(DIR + OwnFiles.PREFIX + "1.bin")).isFalse();
        assertThat(OwnFiles.isOwn(DIR + "sub/" + OwnFiles.PREFIX + "1.jfr")).isFalse();
        assertThat(OwnFiles.isOwn("/elsewhere/" + OwnFiles.PREFIX + "1.jfr")).isFalse();
        assertThat(OwnFiles.isOwn(DIR + "iops-jfr-1-1.jfr")).as("another JVM's file").isEqualTo(
                OwnFiles.PREFIX.equals("iops-jfr-1-"));
    }

    @Test
    void formatsSocketEndpoints() {
        assertThat(JfrEvents.endpoint("localhost", "127.0.0.1", 8080)).isEqualTo("localhost:8080");
        assertThat(JfrEvents.endpoint("", "127.0.0.1", 8080)).isEqualTo("127.0.0.1:8080");
        assertThat(JfrEvents.endpoint(null, "::1", 80)).isEqualTo("[::1]:80");
        assertThat(JfrEvents.endpoint(null, null, 80)).isEqualTo("?:80");
    }

    @Test
    void clampsOffsetsOfOperationsThatBeganBeforeTheWindow() {
        java.time.Instant origin = java.time.Instant.ofEpochSecond(100, 500);
        assertThat(JfrEvents.offsetNanos(origin, java.time.Instant.ofEpochSecond(101, 400))).isEqualTo(999_999_900L);
        assertThat(JfrEvents.offsetNanos(origin, java.time.Instant.ofEpochSecond(100, 400))).isZero();
    }
}
