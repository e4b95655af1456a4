package dev.iops.jvm;

import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import dev.iops.spi.SelfIo;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Turns one JFR I/O event into an {@link Op}. No I/O, no clock: everything comes from the event and the
 * window's origin.
 */
final class JfrEvents {
    static final String FILE_READ = "jdk.FileRead";
    static final String FILE_WRITE = "jdk.FileWrite";
    static final String SOCKET_READ = "jdk.SocketRead";
    static final String SOCKET_WRITE = "jdk.SocketWrite";
    /** The events a window enables, all with threshold 0. */
    static final List<String> ENABLED = List.of(FILE_READ, FILE_WRITE, SOCKET_READ, SOCKET_WRITE);

    /** Packages of the JDK and of iops, skipped when looking for an operation's call site. */
    private static final List<String> PLATFORM_PREFIXES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.");
    private static final Set<String> IOPS_PACKAGES = Set.of("dev.iops", "dev.iops.spi", "dev.iops.internal", "dev.iops.jvm");

    /** Means "no Java thread": such events are kept in PROCESS scope and dropped in THREAD scope. */
    static final long NO_THREAD = -1;

    private JfrEvents() {
    }

    /**
     * The operation an event stands for.
     *
     * @param event     a recorded event
     * @param origin    when the window opened, on JFR's clock
     * @param callSites whether to name the operation's call site from the event's stack trace
     * @return the operation, or {@code null} for an event that is not an I/O event of this profiler or that
     *         touched one of the profiler's own files
     */
    static Op toOp(RecordedEvent event, Instant origin, boolean callSites) {
        String type = event.getEventType().getName();
        OpKind kind;
        long bytes;
        TargetKind target;
        String path;
        switch (type) {
            case FILE_READ -> {
                kind = OpKind.READ;
                bytes = event.getLong("bytesRead"); // 0 at end of file, with endOfFile = true
                path = event.getString("path");
                target = path == null ? TargetKind.UNKNOWN : TargetKind.FILE;
            }
            case FILE_WRITE -> {
                kind = OpKind.WRITE;
                bytes = event.getLong("bytesWritten");
                path = event.getString("path"); // null for System.out/err and streams opened on a descriptor
                target = path == null ? TargetKind.UNKNOWN : TargetKind.FILE;
            }
            case SOCKET_READ -> {
                kind = OpKind.READ;
                bytes = event.getLong("bytesRead");
                path = endpoint(event.getString("host"), event.getString("address"), event.getInt("port"));
                target = TargetKind.SOCKET;
            }
            case SOCKET_WRITE -> {
                kind = OpKind.WRITE;
                bytes = event.getLong("bytesWritten");
                path = endpoint(event.getString("host"), event.getString("address"), event.getInt("port"));
                target = TargetKind.SOCKET;
            }
            default -> {
                return null;
            }
        }
        if (target == TargetKind.FILE && (OwnFiles.isOwn(path) || SelfIo.isOwnPath(path))) {
            return null;
        }
        if (path == null && (type.equals(FILE_READ) || type.equals(FILE_WRITE))
                && SelfIo.takeUnnamed(threadId(event), kind == OpKind.WRITE, bytes)) {
            return null; // the library's own write to a child's pipe
        }
        return new Op(kind, Math.max(0, bytes), threadId(event), target, path,
                offsetNanos(origin, event.getStartTime()), Math.max(0, event.getDuration().toNanos()), false,
                callSites ? site(event.getStackTrace()) : null);
    }

    /**
     * The first frame of a stack that belongs to neither the JDK nor iops: the code that asked for the I/O.
     *
     * @param stack the event's stack trace, innermost frame first, or {@code null}
     * @return {@code class.method:line} ({@code line} is -1 when unknown), or {@code null} when every frame is
     *         the JDK's or iops' own
     */
    static String site(RecordedStackTrace stack) {
        if (stack == null) {
            return null;
        }
        for (RecordedFrame frame : stack.getFrames()) {
            RecordedMethod method = frame.getMethod();
            if (method == null || method.getType() == null) {
                continue;
            }
            String type = method.getType().getName();
            if (isPlatformOrIops(type)) {
                continue;
            }
            return type + "." + method.getName() + ":" + frame.getLineNumber();
        }
        return null;
    }

    /**
     * @param className a fully qualified class name
     * @return whether it is the JDK's or iops' own (iops' tests and examples are not)
     */
    static boolean isPlatformOrIops(String className) {
        for (String prefix : PLATFORM_PREFIXES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        int dot = className.lastIndexOf('.');
        return dot > 0 && IOPS_PACKAGES.contains(className.substring(0, dot));
    }

    /** @return the Java thread id of the event's thread, or {@link #NO_THREAD} */
    static long threadId(RecordedEvent event) {
        RecordedThread t = event.getThread();
        return t == null ? NO_THREAD : t.getJavaThreadId();
    }

    /**
     * Nanoseconds from the window's origin to {@code start}; 0 for an operation that began before the window
     * (in another thread) and ended inside it.
     */
    static long offsetNanos(Instant origin, Instant start) {
        long nanos = (start.getEpochSecond() - origin.getEpochSecond()) * 1_000_000_000L
                + (start.getNano() - origin.getNano());
        return Math.max(0, nanos);
    }

    /**
     * {@code host:port}, or {@code address:port} when the host name is unknown; IPv6 addresses in brackets.
     *
     * @param host    the host name JFR recorded, possibly empty or {@code null}
     * @param address the numeric address, possibly empty or {@code null}
     * @param port    the remote port
     * @return the endpoint, never {@code null}
     */
    static String endpoint(String host, String address, int port) {
        String name = host != null && !host.isEmpty() ? host : address != null && !address.isEmpty() ? address : "?";
        if (name.indexOf(':') >= 0 && !name.startsWith("[")) {
            name = "[" + name + "]";
        }
        return name + ":" + port;
    }
}
