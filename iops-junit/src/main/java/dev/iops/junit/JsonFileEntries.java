package dev.iops.junit;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.function.ThrowingConsumer;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Publishes a JSON file entry through {@code ExtensionContext.publishFile(String, org.junit.jupiter.api.MediaType,
 * ThrowingConsumer)} when the JUnit that runs the tests has it (5.14 and later, 6.x), and does nothing on older ones.
 *
 * <p>iops-junit is compiled against the oldest JUnit it supports (5.10), which has neither the method nor
 * {@code MediaType}, so both are looked up at run time, once. The user's JUnit is the only one on the class path
 * (iops-junit's dependency on it is {@code provided}), so what is found here is what the user's tests run on.
 */
final class JsonFileEntries {

    /** {@code publishFile(String, MediaType, ThrowingConsumer)}, or null on JUnit before 5.14. */
    private static final Method PUBLISH_FILE;
    /** {@code MediaType.APPLICATION_JSON}, or null on JUnit before 5.14. */
    private static final Object APPLICATION_JSON;

    static {
        Method publishFile = null;
        Object json = null;
        try {
            Class<?> mediaType = Class.forName("org.junit.jupiter.api.MediaType", false,
                    ExtensionContext.class.getClassLoader());
            json = mediaType.getField("APPLICATION_JSON").get(null);
            publishFile = ExtensionContext.class.getMethod("publishFile", String.class, mediaType,
                    ThrowingConsumer.class);
        } catch (ReflectiveOperationException | LinkageError e) {
            publishFile = null; // JUnit before 5.14: the text report entry is all that is published
            json = null;
        }
        PUBLISH_FILE = publishFile;
        APPLICATION_JSON = json;
    }

    private JsonFileEntries() {
    }

    /** Publishes {@code json} as the file {@code fileName} of {@code context}'s test, if the running JUnit can. */
    static void publish(ExtensionContext context, String fileName, Supplier<String> json) {
        if (PUBLISH_FILE == null) {
            return;
        }
        ThrowingConsumer<Path> write = path -> Files.writeString(path, json.get(), StandardCharsets.UTF_8);
        try {
            PUBLISH_FILE.invoke(context, fileName, APPLICATION_JSON, write);
        } catch (InvocationTargetException e) {
            // what publishFile itself threw (a failed write, for one): as if it had been called directly
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new UndeclaredThrowableException(cause);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("ExtensionContext.publishFile is public in every JUnit that has it", e);
        }
    }
}
