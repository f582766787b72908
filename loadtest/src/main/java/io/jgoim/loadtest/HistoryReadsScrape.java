package io.jgoim.loadtest;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the comet's stream-history reads from its Prometheus page: the counter
 * {@value #METRIC}{@code {source="store"|"cache"|"joined"}} (comet's {@code CometMetrics}: store = a History call to
 * logic, i.e. a store read; cache = answered from the comet's recent messages of the room; joined = waited for an
 * identical read in flight). The resume storm reads it before and after and reports the difference: what thousands
 * of resuming clients cost the store. Stateless.
 */
final class HistoryReadsScrape {
    static final String METRIC = "jgoim_comet_history_reads_total";

    private HistoryReadsScrape() {
    }

    /** The counter by source, summed over any other labels; throws when the page cannot be read. */
    static Map<String, Double> read(URI metrics) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpRequest req = HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(10)).GET().build();
        try {
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() != 200) {
                throw new IOException(metrics + ": HTTP " + res.statusCode());
            }
            return parse(res.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted reading " + metrics, e);
        }
    }

    /** The counter by source in a Prometheus text page (empty when the page has none). */
    static Map<String, Double> parse(String page) {
        Map<String, Double> out = new TreeMap<>();
        for (String line : page.split("\n")) {
            if (!line.startsWith(METRIC + "{")) {
                continue;
            }
            int close = line.lastIndexOf('}');
            int at = line.indexOf("source=\"");
            if (close < 0 || at < 0 || at > close) {
                continue;
            }
            int from = at + "source=\"".length();
            String source = line.substring(from, line.indexOf('"', from));
            String value = line.substring(close + 1).trim().split("\\s+")[0];
            try {
                out.merge(source, Double.parseDouble(value), Double::sum);
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return out;
    }

    /** {@code after - before} per source, as whole reads. */
    static Map<String, Long> delta(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> out.put(k, Math.round(v - before.getOrDefault(k, 0.0))));
        return out;
    }
}
