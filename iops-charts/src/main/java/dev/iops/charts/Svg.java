package dev.iops.charts;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.knowm.xchart.internal.chartpart.AxesChart;

import java.awt.geom.AffineTransform;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.util.List;

/**
 * SVG files of one chart or of charts side by side, through VectorGraphics2D, with text written as text
 * ({@link TextGraphics}): a reader can search and copy it, and a chart is about 20-30 KB instead of the 280-540 KB
 * of glyph outlines. Stateless.
 */
final class Svg {
    private Svg() {
    }

    static void write(List<? extends AxesChart<?, ?>> panels, OutputStream out) throws IOException {
        VectorGraphics2D g = new TextGraphics(IopsCharts.FONTS);
        for (int i = 0; i < panels.size(); i++) {
            AffineTransform orig = g.getTransform();
            g.translate(i * IopsCharts.WIDTH_PX, 0);
            panels.get(i).paint(g, IopsCharts.WIDTH_PX, IopsCharts.HEIGHT_PX);
            g.setTransform(orig);
        }
        PageSize page = new PageSize(0, 0, panels.size() * IopsCharts.WIDTH_PX, IopsCharts.HEIGHT_PX);
        ByteArrayOutputStream svg = new ByteArrayOutputStream();
        new SVGProcessor().getDocument(g.getCommands(), page).writeTo(svg);
        // VectorGraphics2D names the physical font of this machine ("DejaVu Sans"); a viewer without it would fall
        // back to its default, often a serif font, so every family gets the generic sans-serif after it.
        String text = svg.toString(StandardCharsets.UTF_8)
                .replaceAll("font-family:(&quot;[^&;]*&quot;);", "font-family:$1,sans-serif;");
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }
}
