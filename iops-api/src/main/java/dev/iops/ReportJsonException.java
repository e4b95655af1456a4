package dev.iops;

import java.util.Objects;

/**
 * A text given to {@link IopsReport#fromJson(String)} is not a report in a schema this version of iops reads: not
 * JSON, another schema or version, a required field missing, a value of the wrong type or out of range, or text
 * after the end. The message says what is wrong and where: line and column (from 1, columns counted in UTF-16
 * characters) and the JSON path of the value, e.g. {@code $.detail.topPaths[3].totals.readOps}.
 *
 * <p>This is the only exception {@code fromJson} throws for a bad text; malformed input never surfaces as a
 * {@link NumberFormatException}, {@link ClassCastException} or {@link NullPointerException}.
 */
public class ReportJsonException extends IopsException {
    private static final long serialVersionUID = 1L;

    /** Line of the offending value, from 1. */
    private final int line;
    /** Column of the offending value, from 1, in UTF-16 characters. */
    private final int column;
    /** JSON path of the offending value. */
    private final String path;

    /**
     * @param problem what is wrong, e.g. {@code expected an integer, found a string}
     * @param line    line of the offending value, from 1
     * @param column  column of the offending value, from 1
     * @param path    JSON path of the offending value, {@code $} for the whole document
     */
    public ReportJsonException(String problem, int line, int column, String path) {
        super("Cannot read an iops report from JSON: line " + line + ", column " + column + " ("
                + Objects.requireNonNull(path, "path") + "): " + Objects.requireNonNull(problem, "problem"));
        this.line = line;
        this.column = column;
        this.path = path;
    }

    /** @return line of the offending value, from 1 */
    public int line() {
        return line;
    }

    /** @return column of the offending value, from 1, in UTF-16 characters */
    public int column() {
        return column;
    }

    /** @return JSON path of the offending value, {@code $} for the whole document */
    public String path() {
        return path;
    }
}
