package dev.iops.jvm;

import dev.iops.OpKind;
import dev.iops.TargetKind;
import dev.iops.spi.Op;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;

import java.time.Instant;
import java.util.List;

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

    /** Means "no Java thread": such events are kept in PROCESS scope and dropped in THREAD scope. */
    static final long NO_THREAD = -1;

    private JfrEvents() {
    }

    /**
     * The operation an event stands for.
     *
     * @param event  a recorded event
     * @param origin when the window opened, on JFR's clock
     * @return the operation, or {@code null} for an event that is not an I/O event of this profiler or that
     *         touched one of the profiler's own files
     */
    static Op toOp(RecordedEvent event, Instant origin) {
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
        if (target == TargetKind.FILE && OwnFiles.isOwn(path)) {
            return null;
        }
        return new Op(kind, Math.max(0, bytes), threadId(event), target, path,
                offsetNanos(origin, event.getStartTime()), Math.max(0, event.getDuration().toNanos()), false);
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
