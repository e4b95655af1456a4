package dev.iops.internal;

import dev.iops.spi.DeviceSource;
import dev.iops.spi.Profiler;
import dev.iops.spi.TraceFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * The profilers (and trace formats) found with {@link ServiceLoader}, loaded once per JVM: loading reads jar files, and that I/O
 * must happen before any measured block, not inside one.
 */
public final class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

    private Registry() {
    }

    private static final class Holder {
        static final List<Profiler> ALL = load(Profiler.class);

        static {
            WarmUp.start(ALL); // the library's first touch: pay the first block's one-off costs in the background
            StaleFiles.sweepInBackground(); // and delete what killed JVMs left in the temp directory
        }
    }

    private static final class Formats {
        static final List<TraceFormat> ALL = load(TraceFormat.class);
    }

    private static final class DeviceHolder {
        static final List<DeviceSource> ALL = load(DeviceSource.class);
    }

    /** @return every profiler found, in no particular order */
    public static List<Profiler> profilers() {
        return Holder.ALL;
    }

    /** @return every trace format found, in the order found (loaded on first use: {@code Iops.analyze} only) */
    public static List<TraceFormat> traceFormats() {
        return Formats.ALL;
    }

    /** @return every device source found (for {@code devices()}), in no particular order */
    public static List<DeviceSource> deviceSources() {
        return DeviceHolder.ALL;
    }

    private static <T> List<T> load(Class<T> type) {
        Map<String, T> byClass = new LinkedHashMap<>();
        loadFrom(ServiceLoader.load(type, Registry.class.getClassLoader()), byClass);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != Registry.class.getClassLoader()) {
            loadFrom(ServiceLoader.load(type, context), byClass);
        }
        return List.copyOf(new ArrayList<>(byClass.values()));
    }

    private static <T> void loadFrom(ServiceLoader<T> loader, Map<String, T> into) {
        Iterator<T> it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return;
                }
                T p = it.next();
                into.putIfAbsent(p.getClass().getName(), p);
            } catch (ServiceConfigurationError e) {
                LOG.warn("iops: skipping a provider that failed to load: {}", e.getMessage());
            }
        }
    }
}
