/**
 * Charts of an iops report, drawn with XChart: operation-size histograms and a time x size heatmap, saved as
 * PNG or SVG. See {@link dev.iops.charts.IopsCharts}.
 */
// XChart 4.0.3 ships no module name, so it is the automatic module named after its jar ("xchart"); callers get its
// chart types from this module's API, hence the transitive requirement javac would otherwise warn about.
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.iops.charts {
    requires transitive dev.iops.api;
    requires transitive java.desktop;
    requires transitive xchart;
    // SVG files are written through VectorGraphics2D directly (several charts in one file); automatic module too.
    requires VectorGraphics2D;

    exports dev.iops.charts;
}
