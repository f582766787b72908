package io.jgoim.server.observability;

import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.common.metrics.HistogramBuckets;
import io.jgoim.server.StandaloneWithClients;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The shape of a real standalone server's /metrics after pushes on several routes, reads and an unknown path: every
 * histogram has jgoim's explicit buckets ({@link HistogramBuckets}), not Micrometer's ~70 a series; a route never
 * called exports no series; and the whole exposition stays below a bound (before the explicit buckets it was 2,779
 * lines and 224 KB for the same traffic, 1,440 lines of them the push API's timers). A scrape is parsed, so the
 * histograms must still read right: cumulative, the {@code +Inf} bucket equal to the count.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ExpositionShapeIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern BUCKET = Pattern.compile("^(\\w+)_bucket\\{(.*),?le=\"([^\"]+)\"} (\\S+)$");
    /** Lines and bytes a scrape may have here: about 1,020 and 70 KB now; a percentile histogram back is 1,500 more. */
    private static final int MAX_LINES = 1_400;
    private static final int MAX_BYTES = 100_000;
    private static final int ROUNDS = 5;

    @TempDir
    Path dir;
    private StandaloneWithClients fixture;

    @AfterEach
    void stop() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldExportExplicitBucketsOnlyForCalledRoutesWithinABound() throws Exception {
        fixture = StandaloneWithClients.in(dir).start();
        JgoimClient client = fixture.connect(fixture.client(Transport.TCP).goimToken(7, "scrape-7", "live://scrape",
                "test", 1000).heartbeatInterval(Duration.ofSeconds(5)));
        String api = fixture.api();
        for (int i = 0; i < ROUNDS; i++) {
            assertThat(post(api, "/goim/push/keys?operation=1000&keys=scrape-7")).isEqualTo(200);
            assertThat(post(api, "/goim/push/mids?operation=1000&mids=7")).isEqualTo(200);
            assertThat(post(api, "/goim/push/room?operation=1000&type=live&room=scrape")).isEqualTo(200);
            assertThat(post(api, "/goim/push/all?operation=1000")).isEqualTo(200);
            assertThat(get(api, "/goim/online/total").statusCode()).isEqualTo(200);
            assertThat(get(api, "/goim/nodes/instances").statusCode()).isEqualTo(200);
            assertThat(get(api, "/goim/no-such-route").statusCode()).isEqualTo(404);
        }
        // The comet observes a push once it is in the session's queue: wait until all 4 kinds were.
        await().atMost(Duration.ofSeconds(10)).until(() -> value(get(api, "/metrics").body(),
                "jgoim_comet_push_latency_seconds_count{kind=\"room\"}") == ROUNDS);
        String text = get(api, "/metrics").body();
        List<String> lines = text.lines().toList();

        for (String route : List.of("/goim/push/keys", "/goim/push/mids", "/goim/push/room", "/goim/push/all",
                "/goim/online/total", "/goim/nodes/instances")) {
            String labels = "code=\"0\",route=\"" + route + "\"";
            assertThat(bounds(lines, "jgoim_logic_api_requests_seconds", labels)).as(route)
                    .containsExactly(withInf(HistogramBuckets.callSeconds()));
            assertCumulative(lines, "jgoim_logic_api_requests_seconds", labels, ROUNDS);
        }
        assertCumulative(lines, "jgoim_logic_api_requests_seconds", "code=\"404\",route=\"other\"", ROUNDS);
        assertThat(bounds(lines, "jgoim_comet_push_latency_seconds", "kind=\"room\""))
                .containsExactly(withInf(HistogramBuckets.ageSeconds()));
        assertCumulative(lines, "jgoim_comet_push_latency_seconds", "kind=\"room\"", ROUNDS);
        assertThat(bounds(lines, "jgoim_comet_push_fanout_seconds", "kind=\"room\""))
                .containsExactly(withInf(HistogramBuckets.callSeconds()));

        // Read and admin routes nobody called, and a code no route answered, export nothing.
        assertThat(text).doesNotContain("route=\"/goim/admin/kick\"").doesNotContain("route=\"/goim/online/top\"")
                .doesNotContain("code=\"0\",route=\"other\"");
        // No histogram anywhere has more buckets than the largest explicit set (+Inf included).
        int widest = Math.max(HistogramBuckets.callSeconds().length, HistogramBuckets.ageSeconds().length) + 1;
        for (var e : bucketsPerSeries(lines).entrySet()) {
            assertThat(e.getValue()).as(e.getKey()).isLessThanOrEqualTo(widest);
        }
        assertThat(lines.size()).as("lines of /metrics").isLessThan(MAX_LINES);
        assertThat(text.getBytes(StandardCharsets.UTF_8).length).as("bytes of /metrics").isLessThan(MAX_BYTES);
        client.close();
    }

    private static Double[] withInf(double[] bounds) {
        Double[] out = new Double[bounds.length + 1];
        for (int i = 0; i < bounds.length; i++) {
            out[i] = bounds[i];
        }
        out[bounds.length] = Double.POSITIVE_INFINITY;
        return out;
    }

    /** The {@code le} values of {@code family}'s series whose other labels are {@code labels}, in order. */
    private static List<Double> bounds(List<String> lines, String family, String labels) {
        List<Double> out = new ArrayList<>();
        for (String l : lines) {
            Matcher m = BUCKET.matcher(l);
            if (m.matches() && m.group(1).equals(family) && stripComma(m.group(2)).equals(labels)) {
                out.add(m.group(3).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(3)));
            }
        }
        return out;
    }

    /** Buckets never decrease, and the +Inf bucket and _count both equal {@code count}. */
    private static void assertCumulative(List<String> lines, String family, String labels, int count) {
        List<Double> values = new ArrayList<>();
        for (String l : lines) {
            Matcher m = BUCKET.matcher(l);
            if (m.matches() && m.group(1).equals(family) && stripComma(m.group(2)).equals(labels)) {
                values.add(Double.parseDouble(m.group(4)));
            }
        }
        assertThat(values).as(family + "{" + labels + "}").isNotEmpty().isSorted();
        assertThat(values.get(values.size() - 1)).as(family + "{" + labels + "} +Inf").isEqualTo(count);
        assertThat(value(String.join("\n", lines), family + "_count{" + labels + "}")).isEqualTo(count);
    }

    private static Map<String, Integer> bucketsPerSeries(List<String> lines) {
        Map<String, Integer> out = new TreeMap<>();
        for (String l : lines) {
            Matcher m = BUCKET.matcher(l);
            if (m.matches()) {
                out.merge(m.group(1) + "{" + stripComma(m.group(2)) + "}", 1, Integer::sum);
            }
        }
        return out;
    }

    private static String stripComma(String labels) {
        return labels.endsWith(",") ? labels.substring(0, labels.length() - 1) : labels;
    }

    /** The value of the sample line starting with {@code series} followed by a space; -1 when there is none. */
    private static double value(String text, String series) {
        return text.lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1))).orElse(-1.0);
    }

    private static int post(String api, String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + pathAndQuery)).POST(HttpRequest.BodyPublishers
                .ofString("scrape")).build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }

    private static HttpResponse<String> get(String api, String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(api + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
