package roomgate.loadtest.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@link Report} as {@code BASE.json} (every figure, every latency distribution) and
 * {@code BASE.html}: a self-contained page (no scripts, no external files) with the figures as
 * tables and the latency distributions drawn as an inline SVG percentile plot.
 */
public final class ReportWriter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] COLORS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"
    };

    private ReportWriter() {}

    /** Writes both files; returns the JSON file. */
    public static Path write(Report report, Path base) throws IOException {
        Path parent = base.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path json = Path.of(base + ".json");
        Files.writeString(json, toJson(report), StandardCharsets.UTF_8);
        Files.writeString(Path.of(base + ".html"), toHtml(report), StandardCharsets.UTF_8);
        return json;
    }

    public static String toJson(Report report) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("title", report.title());
        root.put("passed", report.passed());
        root.put("problems", report.problems());
        root.putAll(report.figures());
        Map<String, Object> latencies = new LinkedHashMap<>();
        report.latencies().forEach((name, s) -> latencies.put(name, s));
        root.put("latency", latencies);
        return JSON.writeValueAsString(root);
    }

    static String toHtml(Report report) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>")
                .append(esc(report.title()))
                .append(
                        "</title>\n<style>body{font:14px sans-serif;margin:2em;max-width:1000px}"
                                + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left}"
                                + "th{background:#f4f4f4}.bad{color:#b00}.ok{color:#070}code{font-size:12px}</style></head><body>\n");
        h.append("<h1>").append(esc(report.title())).append("</h1>\n");
        if (report.passed()) {
            h.append("<p class=\"ok\">All checks passed.</p>\n");
        } else {
            h.append("<h2 class=\"bad\">Problems (")
                    .append(report.problems().size())
                    .append(")</h2><ul>\n");
            report.problems().stream()
                    .limit(50)
                    .forEach(p -> h.append("<li class=\"bad\">").append(esc(p)).append("</li>\n"));
            h.append("</ul>\n");
        }
        h.append("<h2>Figures</h2>\n");
        table(h, report.figures());
        if (!report.latencies().isEmpty()) {
            h.append("<h2>Latency: move sent (intended time) &rarr; received by every participant</h2>\n");
            h.append("<table><tr><th>series</th><th>count</th><th>p50 ms</th><th>p90 ms</th><th>p99 ms</th>"
                    + "<th>p99.9 ms</th><th>max ms</th></tr>\n");
            report.latencies()
                    .forEach((name, s) -> h.append("<tr><td>")
                            .append(esc(name))
                            .append("</td><td>")
                            .append(s.count())
                            .append("</td><td>")
                            .append(s.p50Ms())
                            .append("</td><td>")
                            .append(s.p90Ms())
                            .append("</td><td>")
                            .append(s.p99Ms())
                            .append("</td><td>")
                            .append(s.p999Ms())
                            .append("</td><td>")
                            .append(s.maxMs())
                            .append("</td></tr>\n"));
            h.append("</table>\n");
            h.append(percentilePlot(report.latencies()));
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    @SuppressWarnings("unchecked")
    private static void table(StringBuilder h, Map<String, Object> figures) {
        h.append("<table>\n");
        figures.forEach((name, value) -> {
            h.append("<tr><th>").append(esc(name)).append("</th><td>");
            if (value instanceof Map<?, ?> map
                    && !map.isEmpty()
                    && map.values().iterator().next() instanceof Map) {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    h.append("<b>").append(esc(String.valueOf(e.getKey()))).append("</b>");
                    table(h, (Map<String, Object>) e.getValue());
                }
            } else {
                h.append("<code>").append(esc(String.valueOf(value))).append("</code>");
            }
            h.append("</td></tr>\n");
        });
        h.append("</table>\n");
    }

    /**
     * Latency by percentile, the x axis spread as 1/(1-p) on a log scale so that the tail (99%,
     * 99.9%, 99.99%) gets as much room as the body: where coordinated omission would hide.
     */
    static String percentilePlot(Map<String, LatencySummary> series) {
        int width = 900;
        int height = 420;
        int left = 70;
        int bottom = 50;
        int top = 20;
        int right = 160;
        double maxX = 5; // 99.999%
        double maxY = 0;
        for (LatencySummary s : series.values()) {
            maxY = Math.max(maxY, s.maxMs());
        }
        maxY = niceCeiling(maxY);
        double plotW = width - left - right;
        double plotH = height - top - bottom;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-size=\"12\">\n",
                width,
                height));
        svg.append(String.format(
                Locale.ROOT,
                "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#888\"/>\n",
                left,
                top,
                plotW,
                plotH));
        String[] xLabels = {"0%", "90%", "99%", "99.9%", "99.99%", "99.999%"};
        for (int i = 0; i <= 5; i++) {
            double x = left + plotW * i / maxX;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
                    x,
                    top,
                    x,
                    top + plotH,
                    x,
                    top + plotH + 18,
                    xLabels[i]));
        }
        for (int i = 0; i <= 5; i++) {
            double value = maxY * i / 5;
            double y = top + plotH - plotH * i / 5;
            svg.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                            + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
                    left,
                    y,
                    left + plotW,
                    y,
                    left - 6,
                    y + 4,
                    trim(value)));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">percentile</text>\n",
                left + plotW / 2,
                height - 8));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" text-anchor=\"middle\">latency (ms)</text>\n",
                top + plotH / 2,
                top + plotH / 2));
        int index = 0;
        for (Map.Entry<String, LatencySummary> e : series.entrySet()) {
            String color = COLORS[index % COLORS.length];
            List<double[]> points = e.getValue().distribution();
            StringBuilder path = new StringBuilder();
            for (double[] p : points) {
                double percentile = Math.min(p[0], 99.999);
                double xv = Math.min(maxX, Math.log10(1 / (1 - percentile / 100)));
                double x = left + plotW * xv / maxX;
                double y = top + plotH - (maxY == 0 ? 0 : plotH * p[1] / maxY);
                path.append(path.length() == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f %.1f ", x, y));
            }
            if (path.length() > 0) {
                svg.append("<path d=\"")
                        .append(path)
                        .append("\" fill=\"none\" stroke=\"")
                        .append(color)
                        .append("\" stroke-width=\"2\"/>\n");
            }
            double ly = top + 16 + index * 18;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                            + "<text x=\"%.1f\" y=\"%.1f\">%s</text>\n",
                    left + plotW + 10,
                    ly - 10,
                    color,
                    left + plotW + 26,
                    ly,
                    esc(e.getKey())));
            index++;
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static double niceCeiling(double v) {
        if (v <= 0) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
