package io.jgoim.server.observability;

import com.fasterxml.jackson.databind.JsonNode;
import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.metrics.PushLatency;
import io.jgoim.server.StandaloneServer;
import io.jgoim.server.cluster.Cluster;
import io.jgoim.server.cluster.CometNode;
import io.jgoim.server.cluster.Fleet;
import io.jgoim.server.cluster.JobNode;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Metrics as an operator meets them, on a running standalone server and a running cluster (real redis-server, real
 * KRaft Kafka, two comets, one job, logic): every node exports the process meters and every one of its own meters at
 * zero before any traffic; a push's end-to-end latency is observed once per push per comet, through Kafka and gRPC;
 * and Debian's real Prometheus, run with deploy/observability's scrape config and alert rules, answers every
 * dashboard panel's and every alert's query without an error and without naming a metric no node exports.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static Path dir;
    private static StandaloneServer standalone;
    private static Cluster cluster;
    private static Fleet fleet;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        dir = tmp;
        Path cfg = tmp.resolve("standalone.yaml");
        Files.writeString(cfg, String.join("\n", "comet:", "  tcp: {bind: 127.0.0.1, port: 0}",
                "  webSocket: {bind: 127.0.0.1, port: 0}", "  wss: {port: 0}", "  shutdown: {drainTime: 1s}",
                "logic:", "  http: {port: 0}", ""));
        standalone = StandaloneServer.load(cfg, Map.of());
        standalone.start();
        Files.createDirectories(tmp.resolve("cluster"));
        cluster = Cluster.start(tmp.resolve("cluster"), Cluster.Options.of(2, 1));
        fleet = new Fleet(1);
    }

    @AfterAll
    static void stop() {
        for (AutoCloseable c : new AutoCloseable[] {fleet, cluster, standalone}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort: the next one still gets closed
            }
        }
    }

    @Test
    @Order(1)
    void shouldExportEverySeriesAtZeroBeforeAnyTraffic() throws Exception {
        String standaloneComet = standalone.comet().config().node().id();
        List<String> all = new ArrayList<>(ExpectedSeries.PROCESS);
        all.addAll(ExpectedSeries.COMET);
        all.addAll(ExpectedSeries.LOGIC);
        all.addAll(ExpectedSeries.JOB);
        all.addAll(ExpectedSeries.jobPerComet(standaloneComet));
        assertSeries("standalone", scrape(standalone.logic().httpAddress()), all, ExpectedSeries.ZERO);

        List<String> logic = new ArrayList<>(ExpectedSeries.PROCESS);
        logic.addAll(ExpectedSeries.LOGIC);
        logic.addAll(ExpectedSeries.LOGIC_KAFKA);
        assertSeries("cluster logic", scrape(cluster.logic().httpAddress()), logic, ExpectedSeries.ZERO);
        for (CometNode c : cluster.comets()) {
            List<String> comet = new ArrayList<>(ExpectedSeries.PROCESS);
            comet.addAll(ExpectedSeries.COMET);
            assertSeries(c.id(), scrape(c.server().adminAddress()), comet, ExpectedSeries.ZERO);
        }
        JobNode job = cluster.jobs().get(0);
        List<String> jobSeries = new ArrayList<>(ExpectedSeries.PROCESS);
        jobSeries.addAll(ExpectedSeries.JOB);
        jobSeries.addAll(ExpectedSeries.jobKafka(cluster.topic()));
        for (CometNode c : cluster.comets()) {
            jobSeries.addAll(ExpectedSeries.jobPerComet(c.id()));
        }
        assertSeries(job.id(), scrape(job.server().metricsAddress()), jobSeries, ExpectedSeries.ZERO);

        // Per-partition lag follows the assignment: the one job owns the topic's 4 partitions.
        String topic = cluster.topic();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String text = scrape(job.server().metricsAddress());
            for (int p = 0; p < 4; p++) {
                assertThat(text).contains("jgoim_job_consumer_partition_lag{partition=\"" + p + "\",topic=\""
                        + topic + "\"}");
            }
        });
    }

    @Test
    @Order(2)
    void shouldObserveEndToEndLatencyOncePerPushPerComet() throws Exception {
        CometNode home = cluster.comets().get(0);
        CometNode other = cluster.comets().get(1);
        AtomicInteger received = new AtomicInteger();
        ClientListener counting = new ClientListener() {
            @Override
            public void onPush(JgoimClient client, int op, int seq, ByteBuf body) {
                received.incrementAndGet();
            }
        };
        List<JgoimClient> clients = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            clients.add(fleet.build(new Fleet.Spec("obs-key-" + i, 9000 + i, "live://obs", Transport.TCP,
                    List.of(home.tcp()), false), counting));
        }
        Fleet.connectAll(clients, 3, Duration.ofSeconds(20));
        // job sends a room push only to comets that reported the room: have it ask them now, not at its next poll
        cluster.jobs().get(0).server().comets().refreshRooms().get(10, TimeUnit.SECONDS);

        for (int i = 0; i < 3; i++) {
            post("/goim/push/room?operation=1000&type=live&room=obs", "room " + i);
        }
        post("/goim/push/mids?operation=1000&mids=9001", "member");
        post("/goim/push/keys?operation=1000&keys=obs-key-2", "key");
        await().atMost(Duration.ofSeconds(20)).until(() -> received.get() == 3 * 3 + 1 + 1);
        // job counts a push once the comet answered, which it does after observing it: then the counts are final.
        JobNode job = cluster.jobs().get(0);
        await().atMost(Duration.ofSeconds(10)).until(() -> jobPushes(job, home.id()) == 5);

        PushLatency latency = home.server().metrics().pushLatency();
        assertThat(latency.timer(PushLatency.Kind.ROOM).count()).as("3 room pushes, 3 members").isEqualTo(3);
        assertThat(latency.timer(PushLatency.Kind.MID).count()).isEqualTo(1);
        assertThat(latency.timer(PushLatency.Kind.KEY).count()).isEqualTo(1);
        assertThat(latency.timer(PushLatency.Kind.BROADCAST).count()).isZero();
        assertThat(latency.timer(PushLatency.Kind.ROOM).totalTime(TimeUnit.MILLISECONDS)).isPositive();
        PushLatency elsewhere = other.server().metrics().pushLatency();
        for (PushLatency.Kind k : PushLatency.Kind.values()) {
            assertThat(elsewhere.timer(k).count()).as("no session of %s on %s", k, other.id()).isZero();
        }
    }

    @Test
    @Order(3)
    void shouldAnswerEveryDashboardAndAlertQueryFromARealPrometheus() throws Exception {
        Path binary = PrometheusServer.executable("prometheus").orElseThrow(() -> new AssertionError(
                "prometheus is not installed: apt-get install prometheus (.ci/run installs it when missing)"));
        checkRulesWithPromtool();
        Map<String, List<String>> targets = new LinkedHashMap<>();
        targets.put("jgoim-standalone", List.of(hostPort(standalone.logic().httpAddress())));
        targets.put("jgoim-logic", List.of(hostPort(cluster.logic().httpAddress())));
        targets.put("jgoim-comet", cluster.comets().stream().map(c -> hostPort(c.server().adminAddress())).toList());
        targets.put("jgoim-job", cluster.jobs().stream().map(j -> hostPort(j.server().metricsAddress())).toList());
        Path config = DeployedQueries.writeScrapeConfig(Files.createDirectories(dir.resolve("prometheus")), targets);

        List<DeployedQueries.Query> panels = DeployedQueries.dashboard();
        List<DeployedQueries.Query> alerts = DeployedQueries.alerts();
        assertThat(panels).hasSizeGreaterThanOrEqualTo(20);
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(5);
        Set<String> named = new LinkedHashSet<>();
        for (DeployedQueries.Query q : concat(panels, alerts)) {
            named.addAll(PromQlNames.of(q.expr()));
        }

        try (PrometheusServer prometheus = PrometheusServer.start(binary, config, dir.resolve("prometheus"))) {
            // Until every node was scraped (twice, for rates) and every named metric is there, or 40 s.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(40);
            List<String> problems = check(prometheus, panels, alerts, named);
            while (!problems.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(500);
                problems = check(prometheus, panels, alerts, named);
            }
            assertThat(problems).as("prometheus log:%n%s", prometheus.logText()).isEmpty();

            JsonNode groups = prometheus.get("/api/v1/rules").path("data").path("groups");
            int loaded = 0;
            for (JsonNode g : groups) {
                for (JsonNode r : g.path("rules")) {
                    loaded++;
                    assertThat(r.path("health").asText()).as(r.path("name").asText() + ": "
                            + r.path("lastError").asText()).isNotEqualTo("err");
                }
            }
            assertThat(loaded).as("rules Prometheus loaded from alerts.yml").isEqualTo(alerts.size());
        }
    }

    /** Everything wrong now: targets down, metrics missing, queries failing or (panels) answering nothing. */
    private static List<String> check(PrometheusServer prometheus, List<DeployedQueries.Query> panels,
                                      List<DeployedQueries.Query> alerts, Set<String> named) throws Exception {
        List<String> problems = new ArrayList<>();
        List<JsonNode> targets = prometheus.targets();
        if (targets.size() != 5) {
            problems.add("expected 5 scrape targets, got " + targets.size());
        }
        for (JsonNode t : targets) {
            if (!t.path("health").asText().equals("up")) {
                problems.add("target " + t.path("labels").path("job").asText() + " " + t.path("scrapeUrl").asText()
                        + " is " + t.path("health").asText() + ": " + t.path("lastError").asText());
            }
        }
        Set<String> exported = prometheus.metricNames();
        for (String name : named) {
            if (!exported.contains(name)) {
                problems.add("no node exports " + name);
            }
        }
        for (DeployedQueries.Query q : concat(panels, alerts)) {
            JsonNode r = prometheus.query(q.expr());
            if (!"success".equals(r.path("status").asText())) {
                problems.add(q.where() + " fails: " + r.path("error").asText() + " in " + q.expr());
            } else if (panels.contains(q) && r.path("data").path("result").isEmpty()) {
                problems.add(q.where() + " answers no series: " + q.expr());
            }
        }
        return problems;
    }

    private static void checkRulesWithPromtool() throws Exception {
        var promtool = PrometheusServer.executable("promtool");
        if (promtool.isEmpty()) {
            return; // the Prometheus check below loads the same file and fails on a bad rule
        }
        Process p = new ProcessBuilder(promtool.get().toString(), "check", "rules",
                DeployedQueries.dir().resolve("alerts.yml").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

    private static List<DeployedQueries.Query> concat(List<DeployedQueries.Query> a, List<DeployedQueries.Query> b) {
        List<DeployedQueries.Query> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static double jobPushes(JobNode job, String comet) {
        return job.server().metrics().pushes(comet, "push").count() + job.server().metrics().pushes(comet, "room")
                .count();
    }

    private static void post(String pathAndQuery, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(cluster.api() + pathAndQuery))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    private static String hostPort(InetSocketAddress a) {
        return "127.0.0.1:" + a.getPort();
    }

    private static String scrape(InetSocketAddress a) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + hostPort(a) + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** Each of {@code expected} is a series (prefix of a line) of {@code scrape}; those in {@code zero} read 0. */
    private static void assertSeries(String node, String scrape, List<String> expected, Set<String> zero) {
        List<String> missing = new ArrayList<>();
        List<String> notZero = new ArrayList<>();
        for (String series : expected) {
            String line = scrape.lines().filter(l -> l.startsWith(series)).findFirst().orElse(null);
            if (line == null) {
                missing.add(series);
            } else if (zero.contains(series) && !line.endsWith(" 0.0")) {
                notZero.add(line);
            }
        }
        assertThat(missing).as(node + " is missing series").isEmpty();
        assertThat(notZero).as(node + " series not at zero before any traffic").isEmpty();
    }
}
