package dev.iops.examples;

import dev.iops.Iops;
import dev.iops.ProfilerInfo;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tests run on the class path, where providers are found through META-INF/services. This test resolves the
 * same modules on a module path, in a fresh layer, and checks that {@code provides} in each module-info finds the
 * same providers: a provider missing from one of the two registrations fails here.
 */
class ModulePathTest {
    private static Path locationOf(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void modulePathFindsTheSameProvidersAsTheClassPath() throws Exception {
        List<Path> paths = new ArrayList<>();
        paths.add(locationOf(Iops.class));
        paths.add(locationOf(LoggerFactory.class));
        for (ProfilerInfo info : Iops.profilers()) {
            // every provider's own module (api, linux, ...), found through the class path registration
            ServiceLoader.load(dev.iops.spi.Profiler.class).stream()
                    .filter(p -> p.get().name().equals(info.name()))
                    .forEach(p -> {
                        try {
                            Path where = locationOf(p.type());
                            if (!paths.contains(where)) {
                                paths.add(where);
                            }
                        } catch (URISyntaxException e) {
                            throw new IllegalStateException(e);
                        }
                    });
        }
        ModuleFinder finder = ModuleFinder.of(paths.toArray(Path[]::new));
        Set<String> roots = new TreeSet<>();
        finder.findAll().forEach(m -> roots.add(m.descriptor().name()));
        assertThat(roots).contains("dev.iops.api", "dev.iops.linux", "org.slf4j");

        // What the provider modules require (JNA, ...) comes from the rest of the test's class path.
        Path[] classPath = java.util.Arrays.stream(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                .map(Path::of).filter(p -> !paths.contains(p)).toArray(Path[]::new);
        Configuration cf = ModuleLayer.boot().configuration().resolveAndBind(finder, ModuleFinder.of(classPath), roots);
        ModuleLayer layer = ModuleLayer.boot().defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
        Class<?> spi = layer.findLoader("dev.iops.api").loadClass("dev.iops.spi.Profiler");
        Method name = spi.getMethod("name");
        Set<String> onModulePath = new TreeSet<>();
        for (Object provider : ServiceLoader.load(layer, spi)) {
            onModulePath.add((String) name.invoke(provider));
        }
        Set<String> onClassPath = new TreeSet<>();
        Iops.profilers().forEach(p -> onClassPath.add(p.name()));
        assertThat(onModulePath).isEqualTo(onClassPath).contains("procfs");
    }
}
