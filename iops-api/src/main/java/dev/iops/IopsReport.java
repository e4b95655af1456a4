package dev.iops;

import dev.iops.internal.JsonFormat;
import dev.iops.internal.JsonReportReader;
import dev.iops.internal.TextFormat;

import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What one measured block did: elapsed time, operations, bytes, rates and, from per-operation profilers,
 * the distribution of operation sizes and more detail.
 *
 * <p><b>Unknown is not zero.</b> A profiler that cannot count a figure (for example bytes-only counters
 * cannot count operations) leaves it out of {@link #measured()}. The accessor of an unmeasured figure, and of
 * every rate or total derived from it, throws {@link IllegalStateException} instead of returning a zero that
 * looks measured; {@link #figure(Figure)} returns an empty {@link OptionalLong}, {@link #toText()} prints
 * {@code n/a} and {@link #toJson()} writes {@code null}.
 *
 * <p>Rates divide by {@link #elapsed()}, the duration of the block alone (monotonic clock), not including
 * the profiler's start and stop. When {@code elapsed} is zero a rate is 0 if nothing was counted, else
 * {@link Double#POSITIVE_INFINITY}.
 *
 * <p><b>Equality.</b> Two reports are {@link #equals equal} when every component is: the profiler name, scope,
 * elapsed time (to the nanosecond), the four figures and which were measured, storage bytes, the histogram bucket by
 * bucket, the detail (per target, per path, per call site, latency, errors, timeline cell by cell), the notes in
 * order and the devices in order. {@link #hashCode()} agrees. A report read back with {@link #fromJson(String)}
 * equals the report that wrote the JSON.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param profiler     name of the profiler that measured, e.g. {@code "procfs"}
 * @param scope        the threads counted
 * @param elapsed      duration of the block, non-negative
 * @param readOps      read operations (0 when not measured)
 * @param writeOps     write operations (0 when not measured)
 * @param bytesRead    bytes read (0 when not measured)
 * @param bytesWritten bytes written (0 when not measured)
 * @param measured     the figures the profiler measured
 * @param storage      storage-level bytes, when the profiler knows them
 * @param histogram    operation sizes, from per-operation profilers
 * @param detail       per-target, per-path, latency, error and timeline detail, from per-operation profilers
 * @param notes        fallbacks and caveats a reader should know, in order
 * @param devices      machine-wide requests per storage device over the block's window, when asked with
 *                     {@link Iops.Builder#devices()}; empty otherwise
 */
public record IopsReport(String profiler, Scope scope, Duration elapsed,
                         long readOps, long writeOps, long bytesRead, long bytesWritten,
                         Set<Figure> measured, Optional<StorageBytes> storage,
                         Optional<SizeHistogram> histogram, Optional<OpDetail> detail, List<String> notes,
                         List<DeviceIo> devices) {

    /**
     * Validates and copies the report.
     *
     * @param profiler     name of the profiler that measured, e.g. {@code "procfs"}
     * @param scope        the threads counted
     * @param elapsed      duration of the block, non-negative
     * @param readOps      read operations (0 when not measured)
     * @param writeOps     write operations (0 when not measured)
     * @param bytesRead    bytes read (0 when not measured)
     * @param bytesWritten bytes written (0 when not measured)
     * @param measured     the figures the profiler measured
     * @param storage      storage-level bytes, when the profiler knows them
     * @param histogram    operation sizes, from per-operation profilers
     * @param detail       per-target, per-path, latency, error and timeline detail, from per-operation profilers
     * @param notes        fallbacks and caveats a reader should know, in order
     * @param devices      machine-wide requests per storage device over the window; empty when not asked
     * @throws IllegalArgumentException if a count is negative, an unmeasured figure is not 0, or elapsed is negative
     * @throws NullPointerException     if a component is {@code null}
     */
    public IopsReport {
        Objects.requireNonNull(profiler, "profiler");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(histogram, "histogram");
        Objects.requireNonNull(detail, "detail");
        if (elapsed.isNegative()) {
            throw new IllegalArgumentException("elapsed must not be negative, got " + elapsed);
        }
        measured = measured.isEmpty()
                ? Collections.unmodifiableSet(EnumSet.noneOf(Figure.class))
                : Collections.unmodifiableSet(EnumSet.copyOf(measured));
        check(Figure.READ_OPS, readOps, measured);
        check(Figure.WRITE_OPS, writeOps, measured);
        check(Figure.BYTES_READ, bytesRead, measured);
        check(Figure.BYTES_WRITTEN, bytesWritten, measured);
        notes = List.copyOf(notes);
        devices = List.copyOf(devices);
    }

    /**
     * A report without device figures (the form before {@link #devices()} existed).
     *
     * @param profiler     profiler name
     * @param scope        scope
     * @param elapsed      duration of the block
     * @param readOps      read operations (0 when not measured)
     * @param writeOps     write operations (0 when not measured)
     * @param bytesRead    bytes read (0 when not measured)
     * @param bytesWritten bytes written (0 when not measured)
     * @param measured     the figures the profiler measured
     * @param storage      storage-level bytes, when known
     * @param histogram    operation sizes
     * @param detail       per-operation detail
     * @param notes        caveats
     */
    public IopsReport(String profiler, Scope scope, Duration elapsed, long readOps, long writeOps, long bytesRead,
                      long bytesWritten, Set<Figure> measured, Optional<StorageBytes> storage,
                      Optional<SizeHistogram> histogram, Optional<OpDetail> detail, List<String> notes) {
        this(profiler, scope, elapsed, readOps, writeOps, bytesRead, bytesWritten, measured, storage, histogram, detail,
                notes, List.of());
    }

    private static void check(Figure figure, long value, Set<Figure> measured) {
        if (value < 0) {
            throw new IllegalArgumentException(figure.key() + " must be >= 0, got " + value);
        }
        if (value != 0 && !measured.contains(figure)) {
            throw new IllegalArgumentException(figure.key() + " is " + value + " but not marked as measured");
        }
    }

    /**
     * A report with all four base figures measured and no further detail; handy for tests and tools.
     *
     * @param profiler     profiler name
     * @param scope        scope
     * @param elapsed      duration of the block
     * @param readOps      read operations
     * @param writeOps     write operations
     * @param bytesRead    bytes read
     * @param bytesWritten bytes written
     * @return the report
     */
    public static IopsReport of(String profiler, Scope scope, Duration elapsed,
                                long readOps, long writeOps, long bytesRead, long bytesWritten) {
        return new IopsReport(profiler, scope, elapsed, readOps, writeOps, bytesRead, bytesWritten,
                EnumSet.allOf(Figure.class), Optional.empty(), Optional.empty(), Optional.empty(), List.of());
    }

    /**
     * @param histogram the operation sizes
     * @return a copy with this histogram
     */
    public IopsReport withHistogram(SizeHistogram histogram) {
        return new IopsReport(profiler, scope, elapsed, readOps, writeOps, bytesRead, bytesWritten, measured,
                storage, Optional.of(histogram), detail, notes, devices);
    }

    /**
     * @param detail the per-operation detail
     * @return a copy with this detail
     */
    public IopsReport withDetail(OpDetail detail) {
        return new IopsReport(profiler, scope, elapsed, readOps, writeOps, bytesRead, bytesWritten, measured,
                storage, histogram, Optional.of(detail), notes, devices);
    }

    /**
     * @param storage storage-level bytes
     * @return a copy with this storage figure
     */
    public IopsReport withStorage(StorageBytes storage) {
        return new IopsReport(profiler, scope, elapsed, readOps, writeOps, bytesRead, bytesWritten, measured,
                Optional.of(storage), histogram, detail, notes, devices);
    }

    /**
     * @param note a caveat for the reader
     * @return a copy with {@code note} appended to the notes
     */
    public IopsReport withNote(String note) {
        List<String> all = new ArrayList<>(notes);
        all.add(Objects.requireNonNull(note, "note"));
        return new IopsReport(profiler, scope, elapsed, readOps, writeOps, bytesRead, bytesWritten, measured,
                storage, histogram, detail, all, devices);
    }

    /**
     * @param devices machine-wide per-device requests over the block's window
     * @return a copy with these device figures
     */
    public IopsReport withDevices(List<DeviceIo> devices) {
        return new IopsReport(profiler, scope, elapsed, readOps, writeOps, bytesRead, bytesWritten, measured,
                storage, histogram, detail, notes, devices);
    }

    /**
     * Whether the profiler measured a figure.
     *
     * @param figure the figure
     * @return true if its accessor returns a measured value
     */
    public boolean isMeasured(Figure figure) {
        return measured.contains(figure);
    }

    /**
     * A base figure, if measured.
     *
     * @param figure the figure
     * @return its value, or empty when the profiler could not measure it
     */
    public OptionalLong figure(Figure figure) {
        if (!measured.contains(figure)) {
            return OptionalLong.empty();
        }
        return switch (figure) {
            case READ_OPS -> OptionalLong.of(readOps);
            case WRITE_OPS -> OptionalLong.of(writeOps);
            case BYTES_READ -> OptionalLong.of(bytesRead);
            case BYTES_WRITTEN -> OptionalLong.of(bytesWritten);
        };
    }

    private long require(Figure figure, long value) {
        if (!measured.contains(figure)) {
            throw new IllegalStateException(figure.key() + " was not measured: profiler '" + profiler
                    + "' cannot count it (check isMeasured(Figure." + figure + ") or use figure(Figure." + figure + "))");
        }
        return value;
    }

    /**
     * @return completed read operations
     * @throws IllegalStateException if the profiler could not count read operations
     */
    @Override
    public long readOps() {
        return require(Figure.READ_OPS, readOps);
    }

    /**
     * @return completed write operations
     * @throws IllegalStateException if the profiler could not count write operations
     */
    @Override
    public long writeOps() {
        return require(Figure.WRITE_OPS, writeOps);
    }

    /**
     * @return bytes read
     * @throws IllegalStateException if the profiler could not count bytes read
     */
    @Override
    public long bytesRead() {
        return require(Figure.BYTES_READ, bytesRead);
    }

    /**
     * @return bytes written
     * @throws IllegalStateException if the profiler could not count bytes written
     */
    @Override
    public long bytesWritten() {
        return require(Figure.BYTES_WRITTEN, bytesWritten);
    }

    /**
     * @return read plus write operations
     * @throws IllegalStateException if either was not measured
     */
    public long totalOps() {
        return readOps() + writeOps();
    }

    /**
     * @return bytes read plus bytes written
     * @throws IllegalStateException if either was not measured
     */
    public long totalBytes() {
        return bytesRead() + bytesWritten();
    }

    /**
     * @return operations per second over the block, reads and writes together
     * @throws IllegalStateException if operations were not measured
     */
    public double iops() {
        return perSecond(totalOps());
    }

    /**
     * @return read operations per second over the block
     * @throws IllegalStateException if read operations were not measured
     */
    public double readIops() {
        return perSecond(readOps());
    }

    /**
     * @return write operations per second over the block
     * @throws IllegalStateException if write operations were not measured
     */
    public double writeIops() {
        return perSecond(writeOps());
    }

    /**
     * @return bytes per second over the block, read and written together
     * @throws IllegalStateException if bytes were not measured
     */
    public double throughput() {
        return perSecond(totalBytes());
    }

    /**
     * @return bytes read per second over the block
     * @throws IllegalStateException if bytes read were not measured
     */
    public double readThroughput() {
        return perSecond(bytesRead());
    }

    /**
     * @return bytes written per second over the block
     * @throws IllegalStateException if bytes written were not measured
     */
    public double writeThroughput() {
        return perSecond(bytesWritten());
    }

    /**
     * Divides a count by the elapsed time.
     *
     * @param count a count over the block
     * @return count per second; see the class comment for a zero elapsed time
     */
    public double perSecond(long count) {
        long nanos = elapsed.toNanos();
        if (nanos == 0) {
            return count == 0 ? 0.0 : Double.POSITIVE_INFINITY;
        }
        return count * 1e9 / nanos;
    }

    /**
     * A table a person reads at a glance: profiler, scope and elapsed time; operations, bytes, IOPS and
     * throughput by read, write and total; then the histogram, detail, device table and notes when present. Binary
     * units (KiB, MiB). Unmeasured figures print as {@code n/a}. The layout is for people and may change; parse
     * {@link #toJson()} instead.
     *
     * @return the table, lines separated by {@code \n}, ending with a newline
     */
    public String toText() {
        return TextFormat.format(this);
    }

    /**
     * The report as one JSON object, schema {@code "iops-report/1"} (documented in {@code docs/report-json.md}).
     * Unmeasured figures are {@code null}; byte and operation counts are exact integers; durations are in
     * nanoseconds; rates are doubles written so that they read back exactly, and {@code null} when not finite (a
     * count over a zero elapsed time), since JSON has no {@code Infinity} or {@code NaN}. Characters that JSON or
     * UTF-8 cannot carry raw (control characters, lone surrogates) are escaped, so the text survives any UTF-8
     * encoder. {@link #fromJson(String)} reads it back.
     *
     * @return the JSON text, on one line, without a trailing newline
     */
    public String toJson() {
        return JsonFormat.format(this);
    }

    /**
     * Reads a report written by {@link #toJson()}: {@code IopsReport.fromJson(r.toJson())} equals {@code r}, and
     * its {@code toJson()} is the same text. Reads schema {@code "iops-report/1"} as {@code docs/report-json.md}
     * describes it: fields may come in any order and with any JSON whitespace; derived fields (totals, rates,
     * bucket bounds) are recomputed, not read; unknown fields are ignored; fields added to the schema after its
     * first release may be absent. Strict otherwise: one JSON value, nothing after it, no duplicate member names,
     * arrays and objects nested at most 64 deep. Safe to call from any thread.
     *
     * @param json the JSON text, not {@code null}
     * @return the report
     * @throws ReportJsonException if the text is not JSON, is of another schema or version, lacks a required field,
     *                             has a value of the wrong type or out of range, or has text after the value; the
     *                             message and {@link ReportJsonException#path()} say where
     * @throws NullPointerException if {@code json} is {@code null}
     */
    public static IopsReport fromJson(String json) {
        return JsonReportReader.read(Objects.requireNonNull(json, "json"));
    }

    /**
     * Reads a report from a character stream, to its end; see {@link #fromJson(String)}. The reader is not closed.
     *
     * @param in the JSON text, not {@code null}
     * @return the report
     * @throws IOException          if reading fails
     * @throws ReportJsonException  if the text is not a report, as for {@link #fromJson(String)}
     * @throws NullPointerException if {@code in} is {@code null}
     */
    public static IopsReport fromJson(Reader in) throws IOException {
        Objects.requireNonNull(in, "in");
        StringBuilder sb = new StringBuilder();
        char[] buffer = new char[8192];
        for (int n; (n = in.read(buffer)) != -1; ) {
            sb.append(buffer, 0, n);
        }
        return fromJson(sb.toString());
    }
}
