package io.jgoim.common.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.common.health.HealthConfig;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin listener of comet and job on a real socket, held to the push API's HTTP bounds: {@code name[]} selects
 * metric families, and every kind of bad request (escapes, methods, versions, undecodable heads, oversized bodies,
 * slow heads and bodies, idle connections, too many connections from one address) gets its JSON error code, or a
 * close for an idle one, while the listener goes on serving everyone else. Short timeouts through the package's
 * {@link MetricsHttpServer.Bounds}; durations asserted only as "within the timeout plus a generous slack".
 */
@ExtendWith(LeakCheck.class)
@Timeout(120)
class MetricsHttpServerIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SLACK = Duration.ofSeconds(8);
    private static final MetricsHttpServer.Bounds BOUNDS = new MetricsHttpServer.Bounds(Duration.ofMillis(1500),
            Duration.ofMillis(2000), Duration.ofMillis(2500), 4);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final MetricsHttpServer server;
    private final InetSocketAddress at;

    MetricsHttpServerIT() {
        Counter.builder("jgoim.probe.a").register(registry).increment(3);
        Counter.builder("jgoim.probe.b").register(registry).increment();
        Timer.builder("jgoim.probe.latency").publishPercentileHistogram().register(registry)
                .record(Duration.ofMillis(3));
        NodeHealth health = new NodeHealth("admin-it", new HealthConfig(Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(5), Map.of()), null);
        server = new MetricsHttpServer(registry, health, null, null, BOUNDS);
        at = server.start(group, NioServerSocketChannel.class, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        server.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    @Test
    void shouldServeOnlyTheFamiliesNamedByNameParameters() throws Exception {
        try (Conn c = connect()) {
            Response all = c.get("/metrics");
            assertThat(all.status).isEqualTo(200);
            assertThat(families(all.body)).contains("jgoim_probe_a_total", "jgoim_probe_b_total",
                    "jgoim_probe_latency_seconds_bucket", "jgoim_admin_http_timeouts_total");

            // by the family's name, and by one series' name (Prometheus' exporters accept both)
            Response one = c.get("/metrics?name[]=jgoim_probe_a");
            assertThat(one.status).isEqualTo(200);
            assertThat(one.headers.get("content-type")).startsWith("text/plain; version=0.0.4");
            assertThat(families(one.body)).containsExactly("jgoim_probe_a_total");
            assertThat(one.body).contains("jgoim_probe_a_total 3.0");

            Response two = c.get("/metrics?name%5B%5D=jgoim_probe_b_total&name[]=jgoim_probe_latency_seconds_bucket");
            assertThat(families(two.body)).containsExactlyInAnyOrder("jgoim_probe_b_total",
                    "jgoim_probe_latency_seconds_bucket", "jgoim_probe_latency_seconds_count",
                    "jgoim_probe_latency_seconds_sum");

            Response none = c.get("/metrics?name[]=jgoim_no_such_family");
            assertThat(none.status).isEqualTo(200);
            assertThat(families(none.body)).isEmpty();

            String tooMany = "/metrics?" + "name[]=x&".repeat(ScrapeNames.MAX_NAMES + 1);
            assertError(c.get(tooMany), 400, 400);
            assertError(c.get("/metrics?name[]="), 400, 400);
            assertThat(c.get("/metrics?name[]=jgoim_probe_a").status).isEqualTo(200); // the connection goes on
        }
    }

    @Test
    void shouldRefuseBadEscapesMethodsAndPathsWithTheirCodesAndKeepTheConnection() throws Exception {
        try (Conn c = connect()) {
            assertError(c.get("/metrics?name[]=%zz"), 400, 400);
            assertError(c.get("/he%C0alth"), 400, 400); // an overlong UTF-8 escape
            Response post = c.request("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
            assertError(post, 405, 405);
            assertThat(post.headers.get("allow")).isEqualTo("GET, HEAD");
            assertError(c.get("/nothing-here"), 404, 404);
            assertError(c.get("/admin/drain"), 404, 404); // no admin endpoint on this listener
            Response head = c.request("HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(head.status).isEqualTo(200);
            assertThat(head.body).isEmpty();
            assertThat(c.get("/health/live").status).isEqualTo(200);
        }
        assertServesNormally();
    }

    @Test
    void shouldAnswerUnreadableRequestsAndForeignVersionsThenClose() throws Exception {
        try (Conn c = connect()) {
            assertError(c.request("GET /metrics HTTP/2.0\r\nHost: x\r\n\r\n"), 505, 505);
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        try (Conn c = connect()) {
            assertError(c.request("THIS IS NOT HTTP\r\n\r\n"), 400, 400);
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        try (Conn c = connect()) {
            assertError(c.request("GET /metrics HTTP/1.1\r\nX-Big: " + "a".repeat(10_000) + "\r\n\r\n"), 400, 400);
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        try (Conn c = connect()) {
            assertError(c.request("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n"), 413, 413);
            assertThat(c.closedWithin(SLACK)).isTrue();
        }
        assertServesNormally();
    }

    @Test
    void shouldAnswer408ToSlowHeadsAndBodiesAndCloseIdleConnections() throws Exception {
        try (Conn slowHead = connect(); Conn slowBody = connect(); Conn idle = connect()) {
            long start = System.nanoTime();
            slowHead.send("GET /metrics HTTP/1.1\r\nHost: x\r\n"); // the head never ends
            slowBody.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nab"); // nor the body
            assertThat(idle.get("/health/live").status).isEqualTo(200); // then nothing
            assertError(slowHead.read(), 408, 408);
            assertError(slowBody.read(), 408, 408);
            assertThat(slowHead.closedWithin(SLACK)).isTrue();
            assertThat(slowBody.closedWithin(SLACK)).isTrue();
            assertThat(idle.closedWithin(SLACK)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BOUNDS.idle().plus(SLACK));
        }
        assertThat(metric("jgoim_admin_http_timeouts_total{kind=\"header\"}")).isEqualTo(1.0);
        assertThat(metric("jgoim_admin_http_timeouts_total{kind=\"body\"}")).isEqualTo(1.0);
        assertThat(metric("jgoim_admin_http_timeouts_total{kind=\"idle\"}")).isEqualTo(1.0);
    }

    @Test
    void shouldRefuseConnectionsOverThePerAddressCapAndFreeTheirPlacesOnClose() throws Exception {
        List<Conn> held = new ArrayList<>();
        try {
            for (int i = 0; i < BOUNDS.maxConnectionsPerIp(); i++) {
                Conn c = connect();
                held.add(c);
                assertThat(c.get("/health/live").status).isEqualTo(200);
            }
            try (Conn excess = connect()) {
                assertError(excess.read(), 429, 300);
                assertThat(excess.closedWithin(SLACK)).isTrue();
            }
            for (Conn c : held) { // the connections within the cap are undisturbed
                assertThat(c.get("/health/live").status).isEqualTo(200);
            }
            assertThat(metric(held.get(0), "jgoim_admin_http_connections_refused_total")).isEqualTo(1.0);
            held.remove(0).close();
            long deadline = System.nanoTime() + SLACK.toNanos();
            while (true) { // the closed connection's place is free once the server has seen the close
                try (Conn again = connect()) {
                    Response r = again.get("/health/live");
                    if (r.status == 200 || System.nanoTime() > deadline) {
                        assertThat(r.status).isEqualTo(200);
                        break;
                    }
                }
                Thread.sleep(100);
            }
        } finally {
            for (Conn c : held) {
                c.close();
            }
        }
    }

    @Test
    void shouldRenderAScrapeOffTheLoopSoOtherRequestsAreServedMeanwhile() throws Exception {
        // a gauge that holds its scrape until released: the listener's one loop thread must stay free meanwhile
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<String> renderedOn = new AtomicReference<>();
        Gauge.builder("jgoim.probe.slow", () -> {
            renderedOn.set(Thread.currentThread().getName());
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 7;
        }).register(registry);
        try (Conn slow = connect(); Conn other = connect()) {
            slow.send("GET /metrics?name[]=jgoim_probe_slow HTTP/1.1\r\nHost: x\r\n\r\n");
            long deadline = System.nanoTime() + SLACK.toNanos();
            while (renderedOn.get() == null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(renderedOn.get()).isEqualTo("jgoim-scrape");
            // the scrape is still held: the loop answers another connection's probe and a health check
            assertThat(other.get("/health/live").status).isEqualTo(200);
            assertThat(other.get("/health").status).isIn(200, 503);
            release.countDown();
            Response r = slow.read();
            assertThat(r.status).isEqualTo(200);
            assertThat(r.body).contains("jgoim_probe_slow 7.0");
            assertThat(slow.get("/health/live").status).isEqualTo(200); // that connection goes on
        } finally {
            release.countDown();
        }
    }

    private static void assertError(Response r, int status, int code) throws IOException {
        assertThat(r.status).as(r.toString()).isEqualTo(status);
        JsonNode body = JSON.readTree(r.body);
        assertThat(body.path("code").asInt(-1)).as(r.toString()).isEqualTo(code);
        assertThat(body.path("message").asText()).isNotEmpty();
    }

    private void assertServesNormally() throws IOException {
        try (Conn c = connect()) {
            Response r = c.get("/metrics?name[]=jgoim_probe_a");
            assertThat(r.status).isEqualTo(200);
            assertThat(r.body).contains("jgoim_probe_a_total 3.0");
        }
    }

    private double metric(String series) throws IOException {
        try (Conn c = connect()) {
            return metric(c, series);
        }
    }

    private static double metric(Conn c, String series) throws IOException {
        String name = series.replaceAll("\\{.*", "");
        String body = c.get("/metrics?name[]=" + name).body;
        return body.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(Double.NaN);
    }

    private static List<String> families(String exposition) {
        return exposition.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[ {]", 2)[0]).distinct().collect(Collectors.toList());
    }

    private Conn connect() throws IOException {
        Socket s = new Socket();
        s.connect(at, 5000);
        s.setSoTimeout((int) SLACK.plusSeconds(4).toMillis());
        return new Conn(s);
    }

    private record Response(int status, Map<String, String> headers, String body) {
    }

    /** One raw HTTP/1.1 connection: writes bytes as given, reads one response at a time (Content-Length bodies). */
    private static final class Conn implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private boolean lastWasHead;

        Conn(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
        }

        void send(String raw) throws IOException {
            lastWasHead = raw.startsWith("HEAD ");
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
        }

        Response get(String target) throws IOException {
            return request("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
        }

        Response request(String raw) throws IOException {
            send(raw);
            return read();
        }

        Response read() throws IOException {
            String statusLine = line();
            int status = Integer.parseInt(statusLine.split(" ")[1]);
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h = line(); !h.isEmpty(); h = line()) {
                int colon = h.indexOf(':');
                headers.put(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim());
            }
            int length = lastWasHead ? 0 : Integer.parseInt(headers.getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            return new Response(status, headers, new String(body, StandardCharsets.UTF_8));
        }

        private String line() throws IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int c;
            while ((c = in.read()) != '\n') {
                if (c < 0) {
                    throw new IOException("connection closed mid-response");
                }
                if (c != '\r') {
                    b.write(c);
                }
            }
            return b.toString(StandardCharsets.ISO_8859_1);
        }

        /** Whether the server closes the connection within {@code d} (end of stream, or a reset). */
        boolean closedWithin(Duration d) throws IOException {
            socket.setSoTimeout((int) d.toMillis());
            try {
                return in.read() < 0;
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
