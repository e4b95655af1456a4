package dev.iops.internal;

import dev.iops.spi.Profiler;
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
 * The profilers found with {@link ServiceLoader}, loaded once per JVM: loading reads jar files, and that I/O
 * must happen before any measured block, not inside one.
 */
public final class Registry {
    private static final Logger LOG = LoggerFactory.getLogger(Registry.class);

    private Registry() {
    }

    private static final class Holder {
        static final List<Profiler> ALL = load();
    }

    /** @return every profiler found, in no particular order */
    public static List<Profiler> profilers() {
        return Holder.ALL;
    }

    private static List<Profiler> load() {
        Map<String, Profiler> byClass = new LinkedHashMap<>();
        loadFrom(ServiceLoader.load(Profiler.class, Registry.class.getClassLoader()), byClass);
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context != Registry.class.getClassLoader()) {
            loadFrom(ServiceLoader.load(Profiler.class, context), byClass);
        }
        return List.copyOf(new ArrayList<>(byClass.values()));
    }

    private static void loadFrom(ServiceLoader<Profiler> loader, Map<String, Profiler> into) {
        Iterator<Profiler> it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return;
                }
                Profiler p = it.next();
                into.putIfAbsent(p.getClass().getName(), p);
            } catch (ServiceConfigurationError e) {
                LOG.warn("iops: skipping a profiler that failed to load: {}", e.getMessage());
            }
        }
    }
}
