package dev.iops.charts;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.knowm.xchart.internal.chartpart.AxesChart;

import java.awt.geom.AffineTransform;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/** SVG files of one chart or of charts side by side, through VectorGraphics2D. Stateless. */
final class Svg {
    private Svg() {
    }

    static void write(List<? extends AxesChart<?, ?>> panels, OutputStream out) throws IOException {
        VectorGraphics2D g = new VectorGraphics2D();
        for (int i = 0; i < panels.size(); i++) {
            AffineTransform orig = g.getTransform();
            g.translate(i * IopsCharts.WIDTH_PX, 0);
            panels.get(i).paint(g, IopsCharts.WIDTH_PX, IopsCharts.HEIGHT_PX);
            g.setTransform(orig);
        }
        PageSize page = new PageSize(0, 0, panels.size() * IopsCharts.WIDTH_PX, IopsCharts.HEIGHT_PX);
        new SVGProcessor().getDocument(g.getCommands(), page).writeTo(out);
    }
}
