package io.jgoim.loadtest.report;

import io.jgoim.loadtest.LatencySummary;
import io.jgoim.loadtest.Sample;
import io.jgoim.loadtest.ScenarioResult;
import io.jgoim.loadtest.ServerStats;
import io.jgoim.loadtest.metrics.Histograms;
import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML report of one result: tables (parameters, counts, failures, latency, server) and inline SVG
 * plots of the latency percentile distribution, latency over time, delivered (or sent) messages per second, sessions
 * and server memory over time. No scripts, no external resources: it opens on an offline machine. Stateless.
 */
public final class HtmlReport {
    private static final double[] PERCENTILES = {0, 10, 20, 30, 40, 50, 60, 70, 75, 80, 85, 90, 92.5, 95, 96, 97,
        98, 99, 99.25, 99.5, 99.75, 99.9, 99.95, 99.99, 99.995, 99.999, 100};

    private HtmlReport() {
    }

    public static void write(ScenarioResult r, Path file) throws IOException {
        Files.writeString(file, render(r), StandardCharsets.UTF_8);
    }

    public static String render(ScenarioResult r) {
        StringBuilder sb = new StringBuilder(64 * 1024);
        String title = "jgoim loadtest: " + r.scenario();
        sb.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").append(SvgChart.esc(title))
                .append("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:940px;color:#222}"
                        + "table{border-collapse:collapse;margin-bottom:1em}td,th{border:1px solid #ccc;"
                        + "padding:3px 8px}td.n{text-align:right}h2{margin-top:1.6em}</style></head><body>\n");
        sb.append("<h1>").append(SvgChart.esc(title)).append("</h1>\n");
        sb.append(String.format(Locale.ROOT, "<p>Started %s, %.1f s, %d process(es).</p>%n",
                SvgChart.esc(r.startedAt()), r.durationSeconds(), r.processes()));
        table(sb, "Parameters", r.parameters());
        table(sb, "Counts", r.counts());
        table(sb, "Failures by reason", r.failures().isEmpty() ? Map.of("none", 0L) : r.failures());
        latencyTable(sb, r);
        server(sb, r.server());
        sb.append("<h2>Latency percentiles</h2>\n").append(percentileChart(r));
        sb.append("<h2>Latency over time</h2>\n");
        for (String name : r.latencies().keySet()) {
            if (r.latencies().get(name).count() > 0) {
                sb.append(latencyOverTime(r, name));
            }
        }
        sb.append("<h2>Messages per second</h2>\n").append(rates(r));
        sb.append("<h2>Sessions over time</h2>\n").append(sessions(r));
        if (r.server().pid() > 0) {
            sb.append("<h2>Server memory</h2>\n").append(serverRss(r));
        }
        sb.append("</body></html>\n");
        return sb.toString();
    }

    private static void table(StringBuilder sb, String title, Map<String, ?> rows) {
        sb.append("<h2>").append(SvgChart.esc(title)).append("</h2>\n<table>\n");
        rows.forEach((k, v) -> sb.append("<tr><td>").append(SvgChart.esc(k)).append("</td><td class=\"n\">")
                .append(SvgChart.esc(String.valueOf(v))).append("</td></tr>\n"));
        sb.append("</table>\n");
    }

    private static void latencyTable(StringBuilder sb, ScenarioResult r) {
        sb.append("<h2>Latency (ms)</h2>\n<table><tr><th>histogram</th><th>count</th><th>p50</th><th>p90</th>"
                + "<th>p99</th><th>p99.9</th><th>p99.99</th><th>max</th><th>mean</th></tr>\n");
        for (Map.Entry<String, LatencySummary> e : r.latencies().entrySet()) {
            LatencySummary s = e.getValue();
            sb.append(String.format(Locale.ROOT, "<tr><td>%s</td><td class=\"n\">%d</td><td class=\"n\">%.2f</td>"
                    + "<td class=\"n\">%.2f</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td>"
                    + "<td class=\"n\">%.2f</td><td class=\"n\">%.2f</td><td class=\"n\">%.2f</td></tr>%n",
                    SvgChart.esc(e.getKey()), s.count(), s.p50() / 1e3, s.p90() / 1e3, s.p99() / 1e3,
                    s.p999() / 1e3, s.p9999() / 1e3, s.max() / 1e3, s.mean() / 1e3));
        }
        sb.append("</table>\n");
    }

    private static void server(StringBuilder sb, ServerStats s) {
        if (s.pid() <= 0) {
            return;
        }
        sb.append(String.format(Locale.ROOT, "<h2>Server</h2>%n<table><tr><td>pid</td><td class=\"n\">%d</td></tr>"
                + "<tr><td>RSS before (MiB)</td><td class=\"n\">%.1f</td></tr>"
                + "<tr><td>RSS holding (MiB)</td><td class=\"n\">%.1f</td></tr>"
                + "<tr><td>RSS peak (MiB)</td><td class=\"n\">%.1f</td></tr>"
                + "<tr><td>CPU seconds</td><td class=\"n\">%.1f</td></tr>"
                + "<tr><td>CPU average (%% of one core)</td><td class=\"n\">%.0f</td></tr>"
                + "<tr><td>RSS per session (bytes)</td><td class=\"n\">%d</td></tr>"
                + "<tr><td>live heap before / holding (MiB)</td><td class=\"n\">%.1f / %.1f</td></tr>"
                + "<tr><td>live heap per session (bytes)</td><td class=\"n\">%d</td></tr></table>%n",
                s.pid(), s.rssBeforeKb() / 1024.0, s.rssHeldKb() / 1024.0, s.rssPeakKb() / 1024.0, s.cpuSeconds(),
                s.cpuPercent(), s.bytesPerSession(), s.heapBeforeKb() / 1024.0, s.heapHeldKb() / 1024.0,
                s.heapBytesPerSession()));
    }

    private static String percentileChart(ScenarioResult r) {
        List<SvgChart.Series> series = new ArrayList<>();
        for (Map.Entry<String, String> e : r.histograms().entrySet()) {
            Histogram h = Histograms.decode(e.getValue());
            if (h.getTotalCount() == 0) {
                continue;
            }
            double[] xs = new double[PERCENTILES.length];
            double[] ys = new double[PERCENTILES.length];
            for (int i = 0; i < PERCENTILES.length; i++) {
                double p = PERCENTILES[i];
                xs[i] = p >= 100 ? Math.max(6, Math.log10(h.getTotalCount())) : Math.log10(100 / (100 - p));
                ys[i] = h.getValueAtPercentile(p) / 1e3;
            }
            series.add(new SvgChart.Series(e.getKey(), xs, ys));
        }
        return SvgChart.draw("Latency by percentile", "percentile", "ms", SvgChart.XAxis.PERCENTILE, series);
    }

    private static String latencyOverTime(ScenarioResult r, String name) {
        List<Sample> samples = r.samples();
        long t0 = samples.isEmpty() ? 0 : samples.get(0).epochSecond();
        int n = samples.size();
        double[] xs = new double[n];
        double[] p50 = new double[n];
        double[] p99 = new double[n];
        double[] max = new double[n];
        for (int i = 0; i < n; i++) {
            Sample s = samples.get(i);
            xs[i] = s.epochSecond() - t0;
            Sample.IntervalLatency l = s.latency().get(name);
            if (l != null) {
                p50[i] = l.p50() / 1e3;
                p99[i] = l.p99() / 1e3;
                max[i] = l.max() / 1e3;
            }
        }
        return SvgChart.draw("Latency over time: " + name, "seconds", "ms", SvgChart.XAxis.LINEAR,
                List.of(new SvgChart.Series("p50", xs, p50), new SvgChart.Series("p99", xs, p99),
                        new SvgChart.Series("max", xs, max)));
    }

    /** Delivered messages get their own chart: at fan-out scale they dwarf the publisher's counts. */
    private static String rates(ScenarioResult r) {
        List<Sample> samples = r.samples();
        List<String> names = new ArrayList<>();
        samples.forEach(s -> s.rates().keySet().forEach(k -> {
            if (!names.contains(k)) {
                names.add(k);
            }
        }));
        StringBuilder sb = new StringBuilder();
        String delivered = "messages.delivered";
        if (names.remove(delivered)) {
            sb.append(rateChart("Delivered messages per second", samples, List.of(delivered)));
        }
        if (!names.isEmpty()) {
            sb.append(rateChart("Counts per second", samples, names));
        }
        return sb.toString();
    }

    private static String rateChart(String title, List<Sample> samples, List<String> names) {
        long t0 = samples.isEmpty() ? 0 : samples.get(0).epochSecond();
        List<SvgChart.Series> series = new ArrayList<>();
        for (String name : names) {
            double[] xs = new double[samples.size()];
            double[] ys = new double[samples.size()];
            for (int i = 0; i < samples.size(); i++) {
                xs[i] = samples.get(i).epochSecond() - t0;
                ys[i] = samples.get(i).rates().getOrDefault(name, 0L);
            }
            series.add(new SvgChart.Series(name + " /s", xs, ys));
        }
        return SvgChart.draw(title, "seconds", "per second", SvgChart.XAxis.LINEAR, series);
    }

    private static String sessions(ScenarioResult r) {
        return single(r, "Open sessions", "sessions", s -> s.sessions());
    }

    private static String serverRss(ScenarioResult r) {
        return single(r, "Server RSS", "MiB", s -> s.serverRssKb() / 1024.0);
    }

    private static String single(ScenarioResult r, String title, String unit,
                                 java.util.function.ToDoubleFunction<Sample> f) {
        List<Sample> samples = r.samples();
        long t0 = samples.isEmpty() ? 0 : samples.get(0).epochSecond();
        double[] xs = new double[samples.size()];
        double[] ys = new double[samples.size()];
        for (int i = 0; i < samples.size(); i++) {
            xs[i] = samples.get(i).epochSecond() - t0;
            ys[i] = Math.max(0, f.applyAsDouble(samples.get(i)));
        }
        return SvgChart.draw(title, "seconds", unit, SvgChart.XAxis.LINEAR, List.of(new SvgChart.Series(unit, xs,
                ys)));
    }
}
