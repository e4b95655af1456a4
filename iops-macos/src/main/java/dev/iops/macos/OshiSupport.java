package dev.iops.macos;

import dev.iops.spi.Availability;

import java.util.Locale;

/** What the OSHI-based sources share: where they are wired to run. Stateless. */
final class OshiSupport {
    private OshiSupport() {
    }

    /**
     * Whether OSHI can serve here: on Linux, macOS or Windows, with OSHI and JNA present. Only asks whether the
     * classes are there: initialising them would load JNA's native library.
     *
     * @param osName {@code os.name}
     * @param what   what the source reads, for the message ("process counters", "disk counters")
     * @return usable, or why not
     */
    static Availability availability(String osName, String what) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (!(os.startsWith("linux") || os.startsWith("mac") || os.startsWith("windows"))) {
            return Availability.forOtherPlatform("OSHI " + what + " are wired here for Linux, macOS and Windows; "
                    + "this is " + osName);
        }
        try {
            Class.forName("oshi.SystemInfo", false, OshiSupport.class.getClassLoader());
            Class.forName("com.sun.jna.Native", false, OshiSupport.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            return Availability.unusable("needs OSHI (com.github.oshi:oshi-core) and JNA next to iops-macos; "
                    + e.getMessage() + " is not on the class path or module path");
        }
        return Availability.ready();
    }
}
