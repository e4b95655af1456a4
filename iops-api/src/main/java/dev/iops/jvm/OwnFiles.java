package dev.iops.jvm;

import dev.iops.spi.SelfIo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;


/**
 * The profiler's own files: where they go, how they are named, and how to recognise them in events so that
 * the library never counts its own I/O. Pure apart from {@link #create} and {@link #delete}.
 */
final class OwnFiles {
    /** The directory every own file is created in: {@code java.io.tmpdir}, absolute. */
    static final Path DIR = Path.of(System.getProperty("java.io.tmpdir", ".")).toAbsolutePath().normalize();
    /** {@code iops-jfr-<pid>-}: the pid keeps one JVM's files apart from another's in a shared directory. */
    static final String PREFIX = "iops-jfr-" + ProcessHandle.current().pid() + "-";
    static final String SUFFIX = ".jfr";

    private static final String DIR_PREFIX = DIR.toString().endsWith("/") || DIR.toString().endsWith("\\")
            ? DIR.toString() : DIR + java.io.File.separator;

    private OwnFiles() {
    }

    /**
     * Creates an empty own file, readable by this user only (createTempFile's default), and registers it as the
     * library's own so that every other provider (a tracer around this session) drops its operations.
     */
    static Path create() throws IOException {
        return SelfIo.createOwnFile(DIR, "iops-jfr-", SUFFIX); // named iops-jfr-<pid>-<n>.jfr: PREFIX + n
    }

    /** Deletes an own file; a failure is not worth an exception on a close path, so it reports false. */
    static boolean delete(Path file) {
        return SelfIo.deleteOwnFile(file);
    }

    /**
     * Whether an event's path names one of this profiler's files (the recording read back, a warm-up scratch
     * file), whichever session created it.
     *
     * @param path the path as JFR reported it, may be {@code null}
     * @return true for {@code <java.io.tmpdir>/iops-jfr-<pid>-*.jfr}
     */
    static boolean isOwn(String path) {
        if (path == null || !path.startsWith(DIR_PREFIX) || !path.endsWith(SUFFIX)) {
            return false;
        }
        String name = path.substring(DIR_PREFIX.length());
        return name.startsWith(PREFIX) && name.indexOf('/') < 0 && name.indexOf('\\') < 0;
    }
}
