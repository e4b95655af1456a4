package dev.iops.jvm;

import dev.iops.spi.SelfIo;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * jfr's marks of the library's own work: while a jfr window is open, every stretch of own work commits an
 * {@link OwnWorkEvent} at its begin and its end, on JFR's own clock, and the window drops what the thread did in
 * between. Thread-safe.
 */
final class OwnWorkMarks {
    private static final AtomicLong COMMITTED = new AtomicLong();
    private static final Object LOCK = new Object();
    private static int open; // guarded by LOCK
    private static SelfIo.Registration installed; // same
    private static boolean registered; // same

    private static final SelfIo.OwnWorkMarks MARKS = new SelfIo.OwnWorkMarks() {
        @Override
        public void begin() {
            commit(true);
        }

        @Override
        public void end() {
            commit(false);
        }
    };

    private OwnWorkMarks() {
    }

    private static void commit(boolean begin) {
        OwnWorkEvent e = new OwnWorkEvent();
        e.begin = begin;
        e.commit();
        COMMITTED.incrementAndGet();
    }

    /** @return marks committed so far: unchanged over a window means it holds none */
    static long committed() {
        return COMMITTED.get();
    }

    /** A jfr window opened (its recording not started yet): mark own work from now on. */
    static void windowOpened() {
        synchronized (LOCK) {
            if (open == 0 && !registered) {
                // loads the event class now, outside the window: a first commit inside it would read the jar there
                jdk.jfr.FlightRecorder.register(OwnWorkEvent.class);
                registered = true;
            }
            if (open++ == 0) {
                installed = SelfIo.markOwnWork(MARKS);
            }
        }
    }

    /** A jfr window closed: the last one stops the marking. */
    static void windowClosed() {
        synchronized (LOCK) {
            if (--open == 0) {
                installed.close();
                installed = null;
            }
        }
    }

    /**
     * Reads the marks of a recording.
     *
     * @param file the recording
     * @return each thread's stretches
     * @throws IOException if the file cannot be read
     */
    static Stretches read(Path file) throws IOException {
        Map<Long, List<RecordedEvent>> marks = new HashMap<>();
        try (RecordingFile in = new RecordingFile(file)) {
            while (in.hasMoreEvents()) {
                RecordedEvent e = in.readEvent();
                if (e.getEventType().getName().equals(OwnWorkEvent.NAME)) {
                    marks.computeIfAbsent(JfrEvents.threadId(e), k -> new ArrayList<>()).add(e);
                }
            }
        }
        Map<Long, List<Instant[]>> stretches = new HashMap<>();
        marks.forEach((thread, list) -> {
            list.sort(Comparator.comparing(RecordedEvent::getStartTime));
            List<Instant[]> mine = new ArrayList<>();
            int depth = 0;
            Instant from = Instant.MIN; // an end whose begin came before the recording started
            for (RecordedEvent e : list) {
                if (e.getBoolean("begin")) {
                    if (depth++ == 0) {
                        from = e.getStartTime();
                    }
                } else if (depth <= 1) {
                    mine.add(new Instant[]{from, e.getStartTime()});
                    depth = 0;
                } else {
                    depth--;
                }
            }
            if (depth > 0) {
                mine.add(new Instant[]{from, Instant.MAX}); // still inside at the end of the recording
            }
            stretches.put(thread, mine);
        });
        return new Stretches(stretches);
    }

    /** Each thread's stretches of own work in a recording. */
    static final class Stretches {
        static final Stretches NONE = new Stretches(Map.of());
        private final Map<Long, List<Instant[]>> byThread;

        private Stretches(Map<Long, List<Instant[]>> byThread) {
            this.byThread = byThread;
        }

        /**
         * @param thread a Java thread id
         * @param time   when an event began
         * @return true if the thread was doing the library's own work then
         */
        boolean contains(long thread, Instant time) {
            List<Instant[]> mine = byThread.get(thread);
            if (mine == null) {
                return false;
            }
            for (Instant[] s : mine) {
                if (!time.isBefore(s[0]) && !time.isAfter(s[1])) {
                    return true;
                }
            }
            return false;
        }
    }
}
