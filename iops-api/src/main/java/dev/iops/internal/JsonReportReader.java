package dev.iops.internal;

import dev.iops.DeviceIo;
import dev.iops.Figure;
import dev.iops.IoTotals;
import dev.iops.IopsReport;
import dev.iops.LatencySummary;
import dev.iops.OpDetail;
import dev.iops.OpKind;
import dev.iops.PathStats;
import dev.iops.ReportJsonException;
import dev.iops.Scope;
import dev.iops.SiteStats;
import dev.iops.SizeHistogram;
import dev.iops.StorageBytes;
import dev.iops.TargetKind;
import dev.iops.TimeSizeGrid;
import dev.iops.internal.JsonParser.Arr;
import dev.iops.internal.JsonParser.Num;
import dev.iops.internal.JsonParser.Obj;
import dev.iops.internal.JsonParser.Str;
import dev.iops.internal.JsonParser.Value;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Reads {@link IopsReport#fromJson(String)}: the tree of {@link JsonParser} checked against schema
 * {@value JsonFormat#SCHEMA} field by field, every refusal a {@link ReportJsonException} naming the field.
 *
 * <p>It accepts exactly the values the report's types accept (a latency may be any {@code long}, a count must be
 * {@code >= 0}), so every report {@link JsonFormat} writes reads back equal. Derived fields (totals, rates, bucket
 * bounds, {@code machineWide}) are checked for type and otherwise ignored: they are recomputed. Unknown fields are
 * ignored, so a document with compatible additions of a later {@code iops-report/1} still reads. Fields added to
 * {@code iops-report/1} after its first release ({@code devices}, {@code detail.topSites}, the timeline's per-kind
 * arrays) may be absent. Stateless and thread-safe.
 */
public final class JsonReportReader {
    private static final String PREFIX = JsonFormat.SCHEMA.substring(0, JsonFormat.SCHEMA.indexOf('/') + 1);

    private JsonReportReader() {
    }

    /**
     * Reads one report.
     *
     * @param json the document
     * @return the report
     * @throws ReportJsonException if the document is not a report of schema {@value JsonFormat#SCHEMA}
     */
    public static IopsReport read(String json) {
        Value root;
        try {
            root = JsonParser.parse(json);
        } catch (JsonParser.SyntaxException e) {
            throw new ReportJsonException("not valid JSON: " + e.getMessage(), e.at().line(), e.at().column(),
                    e.path());
        }
        return report(root);
    }

    /** A JSON path, built as the reader descends; rendered only for a message. */
    private record Loc(Loc parent, Object segment) {
        static final Loc ROOT = new Loc(null, null);

        Loc field(String name) {
            return new Loc(this, name);
        }

        Loc index(int i) {
            return new Loc(this, i);
        }

        String render() {
            Deque<Object> segments = new ArrayDeque<>();
            for (Loc l = this; l.parent != null; l = l.parent) {
                segments.push(l.segment);
            }
            return JsonParser.renderPath(segments);
        }
    }

    private static ReportJsonException fail(Value at, Loc loc, String problem) {
        return new ReportJsonException(problem, at.at().line(), at.at().column(), loc.render());
    }

    private static String describe(Value v) {
        if (v instanceof Str s) {
            return "a string (" + JsonFormat.str(clip(s.value())) + ")";
        }
        if (v instanceof Num n) {
            return "a number (" + clip(n.text()) + ")";
        }
        return v.describe();
    }

    private static String clip(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }

    private static IopsReport report(Value root) {
        Obj o = object(root, Loc.ROOT, "a JSON object (an iops report)");
        Value schema = o.members().get("schema");
        if (schema == null) {
            throw fail(o, Loc.ROOT, "no \"schema\" member, so this is not an iops report (a report starts with "
                    + "\"schema\":\"" + JsonFormat.SCHEMA + "\")");
        }
        Loc schemaLoc = Loc.ROOT.field("schema");
        if (!(schema instanceof Str s)) {
            throw fail(schema, schemaLoc, "expected the schema name as a string, found " + describe(schema));
        }
        if (!s.value().equals(JsonFormat.SCHEMA)) {
            throw fail(schema, schemaLoc, "found schema " + JsonFormat.str(clip(s.value())) + "; this version of iops "
                    + "reads " + JsonFormat.str(JsonFormat.SCHEMA) + " only" + (s.value().startsWith(PREFIX)
                    ? ": read the report with the iops version that wrote it"
                    : ", so this is not an iops report"));
        }
        String profiler = string(o, Loc.ROOT, "profiler");
        Scope scope = constant(Scope.class, o, Loc.ROOT, "scope");
        Duration elapsed = Duration.ofNanos(count(o, Loc.ROOT, "elapsedNanos"));
        Set<Figure> measured = measured(o);
        long[] figures = new long[Figure.values().length];
        for (Figure f : Figure.values()) {
            Loc loc = Loc.ROOT.field(f.key());
            Value v = member(o, Loc.ROOT, f.key());
            if (v instanceof JsonParser.Null) {
                if (measured.contains(f)) {
                    throw fail(v, loc, f.key() + " is null but listed in \"measured\"");
                }
            } else {
                figures[f.ordinal()] = count(v, loc);
                if (!measured.contains(f)) {
                    throw fail(v, loc, f.key() + " is " + figures[f.ordinal()] + " but not listed in \"measured\" (an "
                            + "unmeasured figure is null)");
                }
            }
        }
        for (String derived : List.of("totalOps", "totalBytes", "iops", "readIops", "writeIops", "bytesPerSecond",
                "readBytesPerSecond", "writeBytesPerSecond")) {
            derivedNumber(o, Loc.ROOT, derived);
        }
        Optional<StorageBytes> storage = nullable(o, Loc.ROOT, "storage", JsonReportReader::storage);
        Optional<SizeHistogram> histogram = nullable(o, Loc.ROOT, "histogram", JsonReportReader::histogram);
        Optional<OpDetail> detail = nullable(o, Loc.ROOT, "detail", JsonReportReader::detail);
        List<String> notes = new ArrayList<>();
        Loc notesLoc = Loc.ROOT.field("notes");
        List<Value> noteValues = array(member(o, Loc.ROOT, "notes"), notesLoc);
        for (int i = 0; i < noteValues.size(); i++) {
            notes.add(string(noteValues.get(i), notesLoc.index(i)));
        }
        List<DeviceIo> devices = o.members().containsKey("devices")
                ? nullable(o, Loc.ROOT, "devices", JsonReportReader::devices).orElse(List.of())
                : List.of();
        return build(o, Loc.ROOT, () -> new IopsReport(profiler, scope, elapsed,
                figures[Figure.READ_OPS.ordinal()], figures[Figure.WRITE_OPS.ordinal()],
                figures[Figure.BYTES_READ.ordinal()], figures[Figure.BYTES_WRITTEN.ordinal()], measured, storage,
                histogram, detail, notes, devices));
    }

    private static Set<Figure> measured(Obj o) {
        Loc loc = Loc.ROOT.field("measured");
        List<Value> items = array(member(o, Loc.ROOT, "measured"), loc);
        Set<Figure> measured = EnumSet.noneOf(Figure.class);
        for (int i = 0; i < items.size(); i++) {
            Value item = items.get(i);
            String key = string(item, loc.index(i));
            Figure figure = Arrays.stream(Figure.values()).filter(f -> f.key().equals(key)).findFirst()
                    .orElse(null);
            if (figure == null) {
                throw fail(item, loc.index(i), "unknown figure " + JsonFormat.str(clip(key)) + "; known: "
                        + Arrays.stream(Figure.values()).map(Figure::key).collect(Collectors.joining(", ")));
            }
            if (!measured.add(figure)) {
                throw fail(items.get(i), loc.index(i), "figure " + JsonFormat.str(key) + " is listed twice");
            }
        }
        return measured;
    }

    private static StorageBytes storage(Value v, Loc loc) {
        Obj o = object(v, loc, "an object");
        long read = count(o, loc, "bytesRead");
        long written = count(o, loc, "bytesWritten");
        return build(o, loc, () -> new StorageBytes(read, written));
    }

    private static SizeHistogram histogram(Value v, Loc loc) {
        Obj o = object(v, loc, "an object");
        Loc bucketsLoc = loc.field("buckets");
        Value bucketsValue = member(o, loc, "buckets");
        List<Value> buckets = array(bucketsValue, bucketsLoc);
        if (buckets.size() > SizeHistogram.MAX_BUCKETS) {
            throw fail(bucketsValue, bucketsLoc, "at most " + SizeHistogram.MAX_BUCKETS + " buckets, found "
                    + buckets.size());
        }
        SizeHistogram.Builder b = SizeHistogram.builder();
        for (int i = 0; i < buckets.size(); i++) {
            Loc bl = bucketsLoc.index(i);
            Obj bucket = object(buckets.get(i), bl, "an object");
            Value indexValue = member(bucket, bl, "index");
            long index = integer(indexValue, bl.field("index"));
            if (index != i) {
                throw fail(indexValue, bl.field("index"), "bucket index " + index + " at position " + i
                        + ": buckets are listed in order, every one from 0");
            }
            derivedNumber(bucket, bl, "minBytes");
            derivedNumber(bucket, bl, "maxBytesExclusive");
            long readOps = count(bucket, bl, "readOps");
            long writeOps = count(bucket, bl, "writeOps");
            long readBytes = count(bucket, bl, "readBytes");
            long writeBytes = count(bucket, bl, "writeBytes");
            b.add(OpKind.READ, i, readOps, readBytes).add(OpKind.WRITE, i, writeOps, writeBytes);
        }
        return b.build();
    }

    private static OpDetail detail(Value v, Loc loc) {
        Obj o = object(v, loc, "an object");
        long errors = count(o, loc, "errors");
        Map<TargetKind, IoTotals> byTarget = new EnumMap<>(TargetKind.class);
        Loc byTargetLoc = loc.field("byTarget");
        Obj targets = object(member(o, loc, "byTarget"), byTargetLoc, "an object");
        for (Map.Entry<String, Value> e : targets.members().entrySet()) {
            TargetKind kind = constant(TargetKind.class, e.getKey(), e.getValue(), byTargetLoc.field(e.getKey()));
            byTarget.put(kind, totals(e.getValue(), byTargetLoc.field(e.getKey())));
        }
        int distinctPaths = intCount(o, loc, "distinctPaths");
        List<PathStats> topPaths = new ArrayList<>();
        Loc pathsLoc = loc.field("topPaths");
        List<Value> paths = boundedArray(member(o, loc, "topPaths"), pathsLoc, "top paths");
        for (int i = 0; i < paths.size(); i++) {
            Loc pl = pathsLoc.index(i);
            Obj p = object(paths.get(i), pl, "an object");
            String path = string(p, pl, "path");
            TargetKind target = constant(TargetKind.class, p, pl, "target");
            IoTotals totals = totals(member(p, pl, "totals"), pl.field("totals"));
            topPaths.add(new PathStats(path, target, totals));
        }
        IoTotals untracked = totals(member(o, loc, "untrackedPaths"), loc.field("untrackedPaths"));
        List<SiteStats> topSites = new ArrayList<>();
        if (o.members().containsKey("topSites")) {
            Loc sitesLoc = loc.field("topSites");
            List<Value> sites = boundedArray(member(o, loc, "topSites"), sitesLoc, "top call sites");
            for (int i = 0; i < sites.size(); i++) {
                Loc sl = sitesLoc.index(i);
                Obj s = object(sites.get(i), sl, "an object");
                String site = string(s, sl, "site");
                IoTotals totals = totals(member(s, sl, "totals"), sl.field("totals"));
                topSites.add(new SiteStats(site, totals));
            }
        }
        Map<OpKind, LatencySummary> latency = new EnumMap<>(OpKind.class);
        Loc latencyLoc = loc.field("latency");
        Obj kinds = object(member(o, loc, "latency"), latencyLoc, "an object");
        for (Map.Entry<String, Value> e : kinds.members().entrySet()) {
            Loc ll = latencyLoc.field(e.getKey());
            OpKind kind = constant(OpKind.class, e.getKey(), e.getValue(), ll);
            Obj l = object(e.getValue(), ll, "an object");
            long count = count(l, ll, "count");
            Duration p50 = Duration.ofNanos(integer(l, ll, "p50Nanos"));
            Duration p90 = Duration.ofNanos(integer(l, ll, "p90Nanos"));
            Duration p99 = Duration.ofNanos(integer(l, ll, "p99Nanos"));
            Duration max = Duration.ofNanos(integer(l, ll, "maxNanos"));
            latency.put(kind, build(l, ll, () -> new LatencySummary(count, p50, p90, p99, max)));
        }
        Optional<TimeSizeGrid> timeline = nullable(o, loc, "timeline", JsonReportReader::timeline);
        return build(o, loc, () -> new OpDetail(byTarget, topPaths, distinctPaths, untracked, latency, errors,
                timeline, topSites));
    }

    private static TimeSizeGrid timeline(Value v, Loc loc) {
        Obj o = object(v, loc, "an object");
        Value widthValue = member(o, loc, "binWidthNanos");
        long width = integer(widthValue, loc.field("binWidthNanos"));
        if (width <= 0) {
            throw fail(widthValue, loc.field("binWidthNanos"), "expected a bin width > 0 ns, found " + width);
        }
        Value binsValue = member(o, loc, "timeBins");
        long timeBins = integer(binsValue, loc.field("timeBins"));
        if (timeBins < 1 || timeBins > Integer.MAX_VALUE) {
            throw fail(binsValue, loc.field("timeBins"), "expected 1 or more time bins, found " + timeBins);
        }
        Value sizesValue = member(o, loc, "sizeBuckets");
        long sizeBuckets = integer(sizesValue, loc.field("sizeBuckets"));
        if (sizeBuckets < 0 || sizeBuckets > SizeHistogram.MAX_BUCKETS) {
            throw fail(sizesValue, loc.field("sizeBuckets"), "expected 0 to " + SizeHistogram.MAX_BUCKETS
                    + " size buckets, found " + sizeBuckets);
        }
        int rows = (int) timeBins;
        int columns = (int) sizeBuckets;
        long[] ops = cells(o, loc, "ops", rows, columns);
        List<String> kindFields = List.of("readOps", "writeOps", "bytesRead", "bytesWritten");
        List<String> present = kindFields.stream()
                .filter(f -> o.members().containsKey(f) && !(o.members().get(f) instanceof JsonParser.Null))
                .collect(Collectors.toList());
        if (present.isEmpty()) {
            return build(o, loc, () -> new TimeSizeGrid(Duration.ofNanos(width), rows, columns, ops));
        }
        if (present.size() < kindFields.size()) {
            List<String> missing = new ArrayList<>(kindFields);
            missing.removeAll(present);
            throw fail(o, loc, "the timeline has " + String.join(", ", present) + " but not "
                    + String.join(", ", missing) + ": the four per-kind fields come together (or are all null)");
        }
        long[] readOps = cells(o, loc, "readOps", rows, columns);
        long[] writeOps = cells(o, loc, "writeOps", rows, columns);
        long[] bytesRead = slices(o, loc, "bytesRead", rows);
        long[] bytesWritten = slices(o, loc, "bytesWritten", rows);
        for (int i = 0; i < ops.length; i++) {
            if (readOps[i] > ops[i] || ops[i] - readOps[i] != writeOps[i]) {
                int t = i / columns;
                int s = i % columns;
                Loc cell = loc.field("ops").index(t).index(s);
                throw fail(((Arr) ((Arr) o.members().get("ops")).items().get(t)).items().get(s), cell,
                        "ops[" + t + "][" + s + "] is " + ops[i] + " but readOps + writeOps there is " + readOps[i]
                                + " + " + writeOps[i]);
            }
        }
        return build(o, loc, () -> TimeSizeGrid.ofKinds(Duration.ofNanos(width), rows, columns, readOps, writeOps,
                bytesRead, bytesWritten));
    }

    /** A {@code rows x columns} array of arrays of counts, row-major. */
    private static long[] cells(Obj o, Loc loc, String name, int rows, int columns) {
        Loc fl = loc.field(name);
        Value v = member(o, loc, name);
        List<Value> rowValues = array(v, fl);
        if (rowValues.size() != rows) {
            throw fail(v, fl, "expected " + rows + " rows (timeBins), found " + rowValues.size());
        }
        long[] cells = new long[rows * columns];
        for (int t = 0; t < rows; t++) {
            Loc rl = fl.index(t);
            List<Value> row = array(rowValues.get(t), rl);
            if (row.size() != columns) {
                throw fail(rowValues.get(t), rl, "expected " + columns + " cells (sizeBuckets), found " + row.size());
            }
            for (int s = 0; s < columns; s++) {
                cells[t * columns + s] = count(row.get(s), rl.index(s));
            }
        }
        return cells;
    }

    /** One count per time slice. */
    private static long[] slices(Obj o, Loc loc, String name, int rows) {
        Loc fl = loc.field(name);
        Value v = member(o, loc, name);
        List<Value> values = array(v, fl);
        if (values.size() != rows) {
            throw fail(v, fl, "expected " + rows + " values (timeBins), found " + values.size());
        }
        long[] result = new long[rows];
        for (int t = 0; t < rows; t++) {
            result[t] = count(values.get(t), fl.index(t));
        }
        return result;
    }

    private static List<DeviceIo> devices(Value v, Loc loc) {
        Obj o = object(v, loc, "an object");
        Value machineWide = o.members().get("machineWide");
        if (machineWide != null && !(machineWide instanceof JsonParser.Bool)) {
            throw fail(machineWide, loc.field("machineWide"), "expected true or false, found " + describe(machineWide));
        }
        Loc disksLoc = loc.field("disks");
        List<Value> disks = array(member(o, loc, "disks"), disksLoc);
        List<DeviceIo> devices = new ArrayList<>();
        for (int i = 0; i < disks.size(); i++) {
            Loc dl = disksLoc.index(i);
            Obj d = object(disks.get(i), dl, "an object");
            Value nameValue = member(d, dl, "name");
            String name = string(nameValue, dl.field("name"));
            if (name.isBlank()) {
                throw fail(nameValue, dl.field("name"), "a device name must not be blank");
            }
            long readOps = count(d, dl, "readOps");
            long writeOps = count(d, dl, "writeOps");
            long bytesRead = count(d, dl, "bytesRead");
            long bytesWritten = count(d, dl, "bytesWritten");
            long busy = count(d, dl, "busyNanos");
            devices.add(build(d, dl, () -> new DeviceIo(name, readOps, writeOps, bytesRead, bytesWritten,
                    Duration.ofNanos(busy))));
        }
        return devices;
    }

    private static IoTotals totals(Value v, Loc loc) {
        Obj o = object(v, loc, "an object");
        long readOps = count(o, loc, "readOps");
        long writeOps = count(o, loc, "writeOps");
        long bytesRead = count(o, loc, "bytesRead");
        long bytesWritten = count(o, loc, "bytesWritten");
        return build(o, loc, () -> new IoTotals(readOps, writeOps, bytesRead, bytesWritten));
    }

    // ---- typed access; each names the field it refuses ----

    /** Safety net: the checks above mirror the constructors', so this should never fire; if it does, say where. */
    private static <T> T build(Value at, Loc loc, Supplier<T> constructor) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException | IllegalStateException | NullPointerException | ArithmeticException e) {
            throw fail(at, loc, "invalid value: " + e.getMessage());
        }
    }

    private static Value member(Obj o, Loc loc, String name) {
        Value v = o.members().get(name);
        if (v == null) {
            throw fail(o, loc.field(name), "missing required field " + JsonFormat.str(name)
                    + " (the object that starts here has no such member)");
        }
        return v;
    }

    private static <T> Optional<T> nullable(Obj o, Loc loc, String name, Reader<T> reader) {
        Value v = member(o, loc, name);
        return v instanceof JsonParser.Null ? Optional.empty() : Optional.of(reader.read(v, loc.field(name)));
    }

    private interface Reader<T> {
        T read(Value v, Loc loc);
    }

    /** A derived figure: ignored on reading, but when present it must be a number or null. */
    private static void derivedNumber(Obj o, Loc loc, String name) {
        Value v = o.members().get(name);
        if (v != null && !(v instanceof Num) && !(v instanceof JsonParser.Null)) {
            throw fail(v, loc.field(name), "expected a number or null, found " + describe(v));
        }
    }

    private static Obj object(Value v, Loc loc, String expected) {
        if (v instanceof Obj o) {
            return o;
        }
        throw fail(v, loc, "expected " + expected + ", found " + describe(v));
    }

    private static List<Value> array(Value v, Loc loc) {
        if (v instanceof Arr a) {
            return a.items();
        }
        throw fail(v, loc, "expected an array, found " + describe(v));
    }

    private static List<Value> boundedArray(Value v, Loc loc, String what) {
        List<Value> items = array(v, loc);
        if (items.size() > OpDetail.MAX_TOP_PATHS) {
            throw fail(v, loc, "at most " + OpDetail.MAX_TOP_PATHS + " " + what + ", found " + items.size());
        }
        return items;
    }

    private static String string(Obj o, Loc loc, String name) {
        return string(member(o, loc, name), loc.field(name));
    }

    private static String string(Value v, Loc loc) {
        if (v instanceof Str s) {
            return s.value();
        }
        throw fail(v, loc, "expected a string, found " + describe(v));
    }

    private static long integer(Obj o, Loc loc, String name) {
        return integer(member(o, loc, name), loc.field(name));
    }

    private static long integer(Value v, Loc loc) {
        if (!(v instanceof Num n)) {
            throw fail(v, loc, "expected an integer, found " + describe(v));
        }
        if (!n.isInteger()) {
            throw fail(v, loc, "expected an integer, found a number with a fraction or an exponent ("
                    + clip(n.text()) + ")");
        }
        try {
            return Long.parseLong(n.text());
        } catch (NumberFormatException e) {
            // the grammar is already checked: only the range can be wrong
            throw fail(v, loc, "integer out of the range of a 64-bit signed long: " + clip(n.text()));
        }
    }

    private static long count(Obj o, Loc loc, String name) {
        return count(member(o, loc, name), loc.field(name));
    }

    private static long count(Value v, Loc loc) {
        long n = integer(v, loc);
        if (n < 0) {
            throw fail(v, loc, "expected a count >= 0, found " + n);
        }
        return n;
    }

    private static int intCount(Obj o, Loc loc, String name) {
        Value v = member(o, loc, name);
        long n = count(v, loc.field(name));
        if (n > Integer.MAX_VALUE) {
            throw fail(v, loc.field(name), "expected a count up to " + Integer.MAX_VALUE + ", found " + n);
        }
        return (int) n;
    }

    private static <E extends Enum<E>> E constant(Class<E> type, Obj o, Loc loc, String name) {
        Value v = member(o, loc, name);
        return constant(type, string(v, loc.field(name)), v, loc.field(name));
    }

    /** An enum constant by its exact name; {@code at} is the value to blame. */
    private static <E extends Enum<E>> E constant(Class<E> type, String name, Value at, Loc loc) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw fail(at, loc, "unknown " + type.getSimpleName() + " " + JsonFormat.str(clip(name)) + "; known: "
                + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", ")));
    }
}
