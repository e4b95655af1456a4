package dev.iops.charts;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;

import java.awt.Font;
import java.awt.Shape;
import java.awt.font.FontRenderContext;
import java.awt.font.GlyphVector;
import java.awt.geom.AffineTransform;
import java.awt.geom.Point2D;
import java.awt.geom.PathIterator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A VectorGraphics2D that writes XChart's text as text. XChart 4.0.3 never calls {@code drawString}: it fills
 * each label's glyph outlines ({@code TextLayout.getOutline}), which VectorGraphics2D can only write as paths —
 * 280-540 KB per chart, and no text a reader can search or copy. This class recognises such a fill, glyph by glyph,
 * among the fonts the charts use, and writes {@code drawString} in that font instead; any other shape (and any
 * outline it cannot read entirely) is filled as before. Not thread-safe: one instance per file written.
 */
final class TextGraphics extends VectorGraphics2D {
    /** Characters the charts' labels are made of. */
    private static final String ALPHABET;

    static {
        StringBuilder sb = new StringBuilder();
        for (char c = 33; c < 127; c++) {
            sb.append(c);
        }
        ALPHABET = sb.append("µ\u2013×·").toString();
    }

    // Coordinates of the same glyph drawn twice agree to float rounding; far below anything a shape could differ by.
    private static final double EPS = 1e-3;

    private final List<Font> fonts;
    private final Map<Font, Glyphs> glyphs = new HashMap<>();

    TextGraphics(Set<Font> fonts) {
        this.fonts = List.copyOf(new LinkedHashSet<>(fonts));
    }

    @Override
    public void fill(Shape s) {
        Decoded text = decode(s);
        if (text == null) {
            super.fill(s);
            return;
        }
        Font font = getFont();
        AffineTransform transform = getTransform();
        setFont(text.font);
        // The outline may have been rotated (XChart's slanted tick labels): draw in the text's own frame.
        transform(text.frame);
        drawString(text.text, 0f, 0f);
        setTransform(transform);
        setFont(font);
    }

    /** The text whose outline {@code s} is, in one of the fonts, or {@code null}. */
    Decoded decode(Shape s) {
        List<double[]> contours = contours(s);
        if (contours.isEmpty()) {
            return null;
        }
        for (Font font : fonts) {
            Decoded d = glyphsOf(font).read(contours);
            if (d != null) {
                return d;
            }
        }
        return null;
    }

    private Glyphs glyphsOf(Font font) {
        return glyphs.computeIfAbsent(font, f -> new Glyphs(f, getFontRenderContext()));
    }

    /**
     * A text found: what, in which font, and the frame that maps the text's own coordinates (origin at the start
     * of its baseline) onto the outline's.
     */
    record Decoded(String text, Font font, AffineTransform frame) {
    }

    /**
     * Each closed contour of a shape as a flat array: segment type, then its coordinates, for every segment.
     * Glyph outlines are such contours, in the order of the glyphs.
     */
    static List<double[]> contours(Shape s) {
        List<double[]> out = new ArrayList<>();
        List<Double> cur = new ArrayList<>();
        double[] c = new double[6];
        for (PathIterator it = s.getPathIterator(null); !it.isDone(); it.next()) {
            int type = it.currentSegment(c);
            if (type == PathIterator.SEG_MOVETO && !cur.isEmpty()) {
                out.add(toArray(cur));
                cur.clear();
            }
            cur.add((double) type);
            int n = switch (type) {
                case PathIterator.SEG_MOVETO, PathIterator.SEG_LINETO -> 2;
                case PathIterator.SEG_QUADTO -> 4;
                case PathIterator.SEG_CUBICTO -> 6;
                default -> 0;
            };
            for (int i = 0; i < n; i++) {
                cur.add(c[i]);
            }
        }
        if (!cur.isEmpty()) {
            out.add(toArray(cur));
        }
        return out;
    }

    private static double[] toArray(List<Double> l) {
        double[] a = new double[l.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = l.get(i);
        }
        return a;
    }

    /** The outlines of one font's characters at the origin, looked up by the shape of their first contour. */
    private static final class Glyphs {
        final Font font;
        final Map<String, List<Character>> byKey = new HashMap<>();
        final Map<Character, List<double[]>> outline = new HashMap<>();
        final Map<Character, Double> advance = new HashMap<>();
        final double space;

        Glyphs(Font font, FontRenderContext frc) {
            this.font = font;
            for (char ch : ALPHABET.toCharArray()) {
                if (!font.canDisplay(ch)) {
                    continue;
                }
                GlyphVector gv = font.createGlyphVector(frc, String.valueOf(ch));
                List<double[]> cs = contours(gv.getOutline());
                if (cs.isEmpty()) {
                    continue;
                }
                outline.put(ch, cs);
                advance.put(ch, (double) gv.getGlyphMetrics(0).getAdvance());
                byKey.computeIfAbsent(key(cs.get(0)), k -> new ArrayList<>()).add(ch);
            }
            space = font.createGlyphVector(frc, " ").getGlyphMetrics(0).getAdvance();
        }

        /** Segment types: a glyph's contour keeps them under any rotation, scaling or move. */
        static String key(double[] contour) {
            StringBuilder sb = new StringBuilder();
            int i = 0;
            while (i < contour.length) {
                int type = (int) contour[i++];
                sb.append(type);
                i += points(type) * 2;
            }
            return sb.toString();
        }

        /** The characters of a whole outline, or {@code null} if some contour is no glyph of this font. */
        Decoded read(List<double[]> contours) {
            StringBuilder text = new StringBuilder();
            AffineTransform frame = null;
            AffineTransform inverse = null;
            double end = 0; // where the previous glyph's advance ends, in the text's frame
            int i = 0;
            while (i < contours.size()) {
                Character found = null;
                AffineTransform at = null;
                for (Character ch : byKey.getOrDefault(key(contours.get(i)), List.of())) {
                    List<double[]> g = outline.get(ch);
                    if (i + g.size() > contours.size()) {
                        continue;
                    }
                    AffineTransform t = fit(g.get(0), contours.get(i));
                    boolean same = t != null && (frame == null || sameLinearPart(t, frame));
                    for (int k = 0; k < g.size() && same; k++) {
                        same = maps(t, g.get(k), contours.get(i + k));
                    }
                    // Of two glyphs that both fit (a contour shared by "i" and a dotless stem), take the longer.
                    if (same && (found == null || g.size() > outline.get(found).size())) {
                        found = ch;
                        at = t;
                    }
                }
                if (found == null) {
                    return null;
                }
                if (frame == null) {
                    frame = at;
                    try {
                        inverse = frame.createInverse();
                    } catch (java.awt.geom.NoninvertibleTransformException e) {
                        return null;
                    }
                } else {
                    // Where this glyph's origin lies in the text's frame: on the baseline, after the previous one.
                    Point2D origin = inverse.transform(new Point2D.Double(at.getTranslateX(), at.getTranslateY()), null);
                    if (Math.abs(origin.getY()) > EPS) {
                        return null;
                    }
                    // Spaces have no outline: they show as a gap of whole space widths before the glyph.
                    long spaces = Math.round((origin.getX() - end) / space);
                    for (long k = 0; k < spaces; k++) {
                        text.append(' ');
                    }
                    end = origin.getX();
                }
                text.append(found);
                end += advance.get(found);
                i += outline.get(found).size();
            }
            return new Decoded(text.toString(), font, frame);
        }

        /**
         * The transform that maps a glyph's contour onto a contour of the shape, from three of its points that span
         * an area, or {@code null} when there are no such points.
         */
        private static AffineTransform fit(double[] glyph, double[] shape) {
            double[] p = pointsOf(glyph);
            double[] q = pointsOf(shape);
            if (p.length != q.length || p.length < 6) {
                return null;
            }
            int far = 1;
            for (int k = 1; k < p.length / 2; k++) {
                if (dist(p, 0, k) > dist(p, 0, far)) {
                    far = k;
                }
            }
            int wide = -1;
            double best = 0;
            for (int k = 1; k < p.length / 2; k++) {
                double area = Math.abs(cross(p, 0, far, k));
                if (area > best) {
                    best = area;
                    wide = k;
                }
            }
            if (wide < 0 || best < 1e-6) {
                return null;
            }
            // Solve M * (p_far - p_0, p_wide - p_0) = (q_far - q_0, q_wide - q_0) for M, then the translation.
            double ax = p[2 * far] - p[0];
            double ay = p[2 * far + 1] - p[1];
            double bx = p[2 * wide] - p[0];
            double by = p[2 * wide + 1] - p[1];
            double det = ax * by - ay * bx;
            double ux = q[2 * far] - q[0];
            double uy = q[2 * far + 1] - q[1];
            double vx = q[2 * wide] - q[0];
            double vy = q[2 * wide + 1] - q[1];
            double m00 = (ux * by - vx * ay) / det;
            double m01 = (vx * ax - ux * bx) / det;
            double m10 = (uy * by - vy * ay) / det;
            double m11 = (vy * ax - uy * bx) / det;
            // Text is only ever moved and turned, never stretched: anything else is a shape that merely has a glyph's
            // form (any rectangle is some stretch of an apostrophe's outline).
            if (Math.abs(m00 - m11) > EPS || Math.abs(m01 + m10) > EPS || Math.abs(m00 * m00 + m10 * m10 - 1) > EPS) {
                return null;
            }
            double tx = q[0] - (m00 * p[0] + m01 * p[1]);
            double ty = q[1] - (m10 * p[0] + m11 * p[1]);
            return new AffineTransform(m00, m10, m01, m11, tx, ty);
        }

        private static boolean maps(AffineTransform t, double[] glyph, double[] shape) {
            if (!key(glyph).equals(key(shape))) {
                return false;
            }
            double[] p = pointsOf(glyph);
            double[] q = pointsOf(shape);
            double[] mapped = new double[p.length];
            t.transform(p, 0, mapped, 0, p.length / 2);
            for (int k = 0; k < p.length; k++) {
                if (Math.abs(mapped[k] - q[k]) > EPS) {
                    return false;
                }
            }
            return true;
        }

        private static boolean sameLinearPart(AffineTransform a, AffineTransform b) {
            return Math.abs(a.getScaleX() - b.getScaleX()) < EPS && Math.abs(a.getScaleY() - b.getScaleY()) < EPS
                    && Math.abs(a.getShearX() - b.getShearX()) < EPS && Math.abs(a.getShearY() - b.getShearY()) < EPS;
        }

        private static double[] pointsOf(double[] contour) {
            double[] pts = new double[contour.length];
            int n = 0;
            int i = 0;
            while (i < contour.length) {
                int type = (int) contour[i++];
                for (int k = 0; k < points(type) * 2; k++) {
                    pts[n++] = contour[i++];
                }
            }
            return java.util.Arrays.copyOf(pts, n);
        }

        private static int points(int type) {
            return switch (type) {
                case PathIterator.SEG_MOVETO, PathIterator.SEG_LINETO -> 1;
                case PathIterator.SEG_QUADTO -> 2;
                case PathIterator.SEG_CUBICTO -> 3;
                default -> 0;
            };
        }

        private static double dist(double[] p, int a, int b) {
            return Math.hypot(p[2 * b] - p[2 * a], p[2 * b + 1] - p[2 * a + 1]);
        }

        private static double cross(double[] p, int o, int a, int b) {
            return (p[2 * a] - p[2 * o]) * (p[2 * b + 1] - p[2 * o + 1]) - (p[2 * a + 1] - p[2 * o + 1]) * (p[2 * b] - p[2 * o]);
        }
    }
}
