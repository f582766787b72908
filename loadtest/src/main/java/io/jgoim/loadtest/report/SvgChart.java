package io.jgoim.loadtest.report;

import java.util.List;
import java.util.Locale;

/**
 * Draws line charts as inline SVG text, so the HTML report needs no script or network. X is either linear (seconds
 * into the run) or a percentile axis ("nines": x = log10(100 / (100 - p)), labelled 0%, 90%, 99%, ...). Stateless.
 */
final class SvgChart {
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int W = 880;
    private static final int H = 320;
    private static final int LEFT = 75;
    private static final int RIGHT = 45;
    private static final int TOP = 30;
    private static final int BOTTOM = 45;

    enum XAxis { LINEAR, PERCENTILE }

    record Series(String name, double[] xs, double[] ys) {
    }

    private SvgChart() {
    }

    static String draw(String title, String xLabel, String yLabel, XAxis axis, List<Series> series) {
        double xmin = Double.MAX_VALUE;
        double xmax = -Double.MAX_VALUE;
        double ymax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.xs().length; i++) {
                xmin = Math.min(xmin, s.xs()[i]);
                xmax = Math.max(xmax, s.xs()[i]);
                ymax = Math.max(ymax, s.ys()[i]);
            }
        }
        StringBuilder sb = new StringBuilder(4096);
        sb.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", W, H, W, H));
        sb.append(String.format(Locale.ROOT,
                "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">%s</text>%n", LEFT, esc(title)));
        if (xmin == Double.MAX_VALUE) {
            sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">no data</text></svg>%n", LEFT, H / 2));
            return sb.toString();
        }
        if (axis == XAxis.PERCENTILE) {
            xmin = 0;
            xmax = Math.max(xmax, 2);
        }
        if (xmax <= xmin) {
            xmax = xmin + 1;
        }
        double ystep = niceStep(ymax <= 0 ? 1 : ymax * 1.05, 5);
        double ytop = Math.max(ystep, Math.ceil((ymax <= 0 ? 1 : ymax * 1.02) / ystep) * ystep);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#888\"/>%n", LEFT, TOP, pw, ph));
        for (double y = 0; y <= ytop + ystep / 2; y += ystep) {
            double py = TOP + ph - y / ytop * ph;
            sb.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n", LEFT, py, LEFT + pw, py, LEFT - 5,
                    py + 4, fmt(y)));
        }
        if (axis == XAxis.PERCENTILE) {
            String[] labels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"};
            for (int n = 0; n <= (int) Math.floor(xmax) && n < labels.length; n++) {
                xTick(sb, LEFT + (n - xmin) / (xmax - xmin) * pw, ph, labels[n]);
            }
        } else {
            double xstep = niceStep(xmax - xmin, 8);
            for (double x = Math.ceil(xmin / xstep) * xstep; x <= xmax + 1e-9; x += xstep) {
                xTick(sb, LEFT + (x - xmin) / (xmax - xmin) * pw, ph, fmt(x));
            }
        }
        sb.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                LEFT + pw / 2, H - 8, esc(xLabel)));
        sb.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 14 %d)\">%s</text>%n", TOP + ph / 2, TOP + ph / 2, esc(yLabel)));
        for (int k = 0; k < series.size(); k++) {
            Series s = series.get(k);
            String color = COLORS[k % COLORS.length];
            StringBuilder pts = new StringBuilder();
            for (int i = 0; i < s.xs().length; i++) {
                double px = LEFT + (s.xs()[i] - xmin) / (xmax - xmin) * pw;
                double py = TOP + ph - s.ys()[i] / ytop * ph;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
            }
            sb.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" "
                    + "points=\"%s\"/>%n", color, pts.toString().trim()));
            int ly = TOP + 14 + k * 15;
            sb.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + 10, ly - 4, color, LEFT + 27, ly, esc(s.name())));
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static void xTick(StringBuilder sb, double px, int ph, String label) {
        sb.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", px, TOP, px, TOP + ph, px,
                TOP + ph + 15, esc(label)));
    }

    /** A 1-2-5 step that splits {@code range} into about {@code parts} intervals. */
    static double niceStep(double range, int parts) {
        double raw = range / parts;
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / mag;
        double nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10;
        return nice * mag;
    }

    private static String fmt(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
