package dev.iops.charts;

import org.knowm.xchart.internal.chartpart.Annotation;
import org.knowm.xchart.style.AxesChartStyler;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.FontRenderContext;
import java.awt.font.TextLayout;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.util.ArrayList;
import java.util.List;

/**
 * Round times (0, 5, 10 ms ...) drawn under the plot where they fall, with a tick mark each, in place of XChart's
 * own time labels. XChart puts the labels of an axis whose values are equally spaced (time slices are) on those
 * values: one per slice of a heatmap, or 0, 4.256, 8.513 ... on a rate chart that ends at the block's end. These
 * ticks stop at the last round time within the block, so the axis ends where the data ends.
 */
final class TimeTicks extends Annotation {
    /** XChart's label for every heatmap slice: blank, so that nothing but the round times shows under the plot. */
    static final String BLANK = " ";
    /** Space between the plot and the x axis title, where the times are drawn. */
    static final int ROOM_PX = 24;

    private final long spanNanos;
    private final Labels.TimeUnit unit;
    private final boolean plotEdges;

    private TimeTicks(long spanNanos, Labels.TimeUnit unit, boolean plotEdges) {
        super(true);
        this.spanNanos = spanNanos;
        this.unit = unit;
        this.plotEdges = plotEdges;
    }

    /**
     * Ticks for a plot whose left and right edges are the start and the end of the time axis (a heatmap's cells fill
     * the plot edge to edge).
     */
    static TimeTicks acrossPlot(long spanNanos, Labels.TimeUnit unit) {
        return new TimeTicks(spanNanos, unit, true);
    }

    /**
     * Ticks for an XY chart whose x values are times in {@code unit}, from 0 to the span: each tick stands where
     * the chart draws that x value.
     */
    static TimeTicks onXValues(long spanNanos, Labels.TimeUnit unit) {
        return new TimeTicks(spanNanos, unit, false);
    }

    /**
     * The times that get a label: every multiple of {@link #roundStep} from 0 up to the span, never past it.
     *
     * @param spanNanos the whole axis, {@code > 0}
     * @param unit      the axis unit
     * @return the labels, in axis units, e.g. {@code ["0", "5", "10"]}
     */
    static List<String> labels(long spanNanos, Labels.TimeUnit unit) {
        List<String> labels = new ArrayList<>();
        long step = roundStep(spanNanos, unit.nanos());
        for (long t = 0; t <= spanNanos; t += step) {
            labels.add(unit.format(t));
        }
        return labels;
    }

    @Override
    public void paint(Graphics2D g) {
        double left = plotEdges ? getXAxisScreenValueForMin() : getXAxisScreenValue(0);
        double right = plotEdges ? getXAxisScreenValueForMax()
                : getXAxisScreenValue((double) spanNanos / unit.nanos());
        double bottom = getYAxisScreenValueForMax();
        AxesChartStyler axes = (AxesChartStyler) styler;
        if (!plotEdges) {
            // XChart draws no x axis line when its x ticks are off: draw the one it would have drawn.
            g.setColor(axes.getXAxisTickMarksColor());
            g.setStroke(axes.getAxisTickMarksStroke());
            g.draw(new Line2D.Double(getXAxisScreenValueForMin(), bottom, getXAxisScreenValueForMax(), bottom));
        }
        Font font = axes.getAxisTickLabelsFont();
        FontRenderContext frc = g.getFontRenderContext();
        g.setColor(styler.getChartFontColor());
        long step = roundStep(spanNanos, unit.nanos());
        for (long t = 0; t <= spanNanos; t += step) {
            double x = left + (right - left) * t / spanNanos;
            g.draw(new Line2D.Double(x, bottom, x, bottom + 4));
            TextLayout label = new TextLayout(unit.format(t), font, frc);
            AffineTransform orig = g.getTransform();
            g.translate(x - label.getBounds().getWidth() / 2, bottom + 4 + label.getAscent());
            g.fill(label.getOutline(null));
            g.setTransform(orig);
        }
    }

    /**
     * The step between time labels: 1, 2 or 5 times a power of ten of the axis unit, the smallest that splits the
     * axis into at most ten steps (eleven labels).
     *
     * @param spanNanos  the whole axis, {@code > 0}
     * @param unitNanos  nanoseconds per axis unit
     * @return the step in nanoseconds, a whole number
     */
    static long roundStep(long spanNanos, long unitNanos) {
        double span = (double) spanNanos / unitNanos;
        double decade = Math.pow(10, Math.floor(Math.log10(span / 10)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (span / (m * decade) <= 10 + 1e-9) {
                return Math.max(1, Math.round(m * decade * unitNanos));
            }
        }
        return Math.max(1, Math.round(10 * decade * unitNanos));
    }
}
