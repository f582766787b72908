package io.jgoim.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.jgoim.client.ClientListener;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Readiness and liveness of a real cluster (a {@code redis-server}, a KRaft Kafka broker, logic, a comet, a job,
 * wired by {@code NodeProbes} as the node commands wire them) while its stores fail, read over HTTP as a load balancer
 * or Kubernetes would: logic's {@code /health/ready} stays 200 through a Kafka outage shorter than its grace, goes 503
 * naming Kafka once the outage outlasts the grace and 200 again when Kafka returns; a comet stays ready while Redis
 * is down (its sessions still get room pushes); a draining comet is not ready at once, and a comet that cannot reach
 * logic past its grace is not ready; {@code /health/live} answers 200 throughout. Short probe intervals and graces
 * keep it bounded; the Kafka grace (12 s) is chosen above the time the test broker takes to stop and start again.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HealthIT {
    private static final long KAFKA_GRACE_MS = 12_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @RegisterExtension
    static final ClusterFixture CLUSTER = new ClusterFixture(options());

    private static Cluster.Options options() {
        String probes = "health: {probeInterval: 200ms, probeTimeout: 1s, liveTimeout: 3s, grace: ";
        return Cluster.Options.of(1, 1)
                .logicYaml(probes + "{redis: 8s, kafka: " + KAFKA_GRACE_MS + "ms}}\n")
                .cometYaml(probes + "{logic: 5s, redis: 1s}}\n")
                .jobYaml(probes + "{kafka: " + KAFKA_GRACE_MS + "ms, comets: 5s, redis: 1s}}\n");
    }

    /** One GET: status and parsed JSON body; {@code atNanos} is when the request was sent. */
    record Answer(int status, JsonNode body, long atNanos) {
        String state(String dependency) {
            return body.path("dependencies").path(dependency).path("state").asText();
        }
    }

    static Answer get(String url) {
        long sent = System.nanoTime();
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), JSON.readTree(r.body()), sent);
        } catch (Exception e) {
            throw new AssertionError("GET " + url + " failed", e);
        }
    }

    static String scrape(String base) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Polls URLs every 100 ms on its own thread, keeping every answer, until closed. */
    static final class Watch implements AutoCloseable {
        final Map<String, List<Answer>> answers = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        Watch(String... urls) {
            for (String u : urls) {
                answers.put(u, new CopyOnWriteArrayList<>());
            }
            thread = new Thread(() -> {
                while (running) {
                    for (String u : urls) {
                        answers.get(u).add(get(u));
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "health-watch");
            thread.start();
        }

        List<Answer> of(String url) {
            return answers.get(url);
        }

        /** Waits for the first answer of {@code url} asked after {@code afterNanos} that matches, and returns it. */
        Answer awaitAnswer(String url, long afterNanos, Duration within, Predicate<Answer> p) {
            long deadline = System.nanoTime() + within.toNanos();
            int seen = 0;
            while (System.nanoTime() < deadline) {
                List<Answer> list = answers.get(url);
                for (; seen < list.size(); seen++) {
                    if (list.get(seen).atNanos() > afterNanos && p.test(list.get(seen))) {
                        return list.get(seen);
                    }
                }
                sleep(50);
            }
            throw new AssertionError("no matching answer from " + url + " within " + within + "; last: "
                    + answers.get(url).get(answers.get(url).size() - 1));
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.join(15_000);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static CometNode comet() {
        return CLUSTER.cluster().comets().get(0);
    }

    @Test
    @Order(1)
    void shouldReportEveryNodeReadyAndLiveWithEachDependencyNamed() {
        await().atMost(Duration.ofSeconds(20)).until(() -> get(CLUSTER.cluster().api() + "/health/ready").status() == 200
                && get(comet().admin() + "/health/ready").status() == 200
                && CLUSTER.cluster().jobs().get(0).server().health().readiness().ready());
        Answer logic = get(CLUSTER.cluster().api() + "/health");
        assertThat(logic.status()).isEqualTo(200);
        assertThat(logic.body().path("status").asText()).isEqualTo("ready");
        assertThat(logic.body().path("live").asBoolean()).isTrue();
        assertThat(logic.state("redis")).isEqualTo("UP");
        assertThat(logic.state("kafka")).isEqualTo("UP");
        assertThat(logic.body().path("dependencies").path("kafka").path("graceMs").asLong()).isEqualTo(KAFKA_GRACE_MS);
        Answer comet = get(comet().admin() + "/health");
        assertThat(comet.status()).isEqualTo(200);
        assertThat(comet.state("logic")).isEqualTo("UP");
        assertThat(comet.state("redis")).isEqualTo("UP");
        assertThat(comet.body().path("dependencies").path("redis").path("critical").asBoolean()).isFalse();
        assertThat(comet.body().path("conditions").path("draining").asBoolean()).isFalse();
        assertThat(get(comet().admin() + "/health/live").status()).isEqualTo(200);
        assertThat(get(CLUSTER.cluster().api() + "/health/live").body().path("checks").path("api-event-loops").asText())
                .isEqualTo("ok");
        assertThat(scrape(CLUSTER.cluster().api())).contains("jgoim_ready 1.0")
                .contains("jgoim_dependency_up{dependency=\"kafka\"} 1.0")
                .contains("jgoim_dependency_up{dependency=\"redis\"} 1.0");
        assertThat(scrape(comet().admin())).contains("jgoim_ready 1.0")
                .contains("jgoim_dependency_up{dependency=\"logic\"} 1.0");
    }

    @Test
    @Order(2)
    void shouldStayReadyThroughAKafkaOutageShorterThanTheGrace() throws Exception {
        String ready = CLUSTER.cluster().api() + "/health/ready";
        String live = CLUSTER.cluster().api() + "/health/live";
        long downNanos;
        try (Watch watch = new Watch(ready, live)) {
            long stopped = System.nanoTime();
            CLUSTER.cluster().kafka().stop();
            Answer degraded = watch.awaitAnswer(ready, stopped, Duration.ofSeconds(10),
                    a -> "DEGRADED".equals(a.state("kafka")));
            long restarting = System.nanoTime();
            CLUSTER.cluster().kafka().restart();
            Answer back = watch.awaitAnswer(ready, restarting, Duration.ofSeconds(30),
                    a -> "UP".equals(a.state("kafka")));
            downNanos = back.atNanos() - stopped;
            assertThat(degraded.body().path("dependencies").path("kafka").path("reason").asText()).isNotEmpty();
            watch.close();
            assertThat(watch.of(ready)).extracting(Answer::status).containsOnly(200);
            assertThat(watch.of(live)).extracting(Answer::status).containsOnly(200);
        }
        // The outage really was shorter than the grace (else this test would prove nothing).
        System.out.printf("HealthIT: Kafka blip of %d ms, grace %d ms%n", downNanos / 1_000_000, KAFKA_GRACE_MS);
        assertThat(TimeUnit.NANOSECONDS.toMillis(downNanos)).isLessThan(KAFKA_GRACE_MS);
    }

    @Test
    @Order(3)
    void shouldGoNotReadyWhenKafkaStaysDownPastTheGraceAndReadyWhenItReturns() throws Exception {
        String ready = CLUSTER.cluster().api() + "/health/ready";
        String live = CLUSTER.cluster().api() + "/health/live";
        JobNode job = CLUSTER.cluster().jobs().get(0);
        try (Watch watch = new Watch(ready, live)) {
            assertThat(get(ready).state("kafka")).isEqualTo("UP");
            long stopped = System.nanoTime();
            CLUSTER.cluster().kafka().stop();
            Answer firstDown = watch.awaitAnswer(ready, stopped, Duration.ofSeconds(10),
                    a -> "DEGRADED".equals(a.state("kafka")));
            Answer unready = watch.awaitAnswer(ready, stopped, Duration.ofSeconds(KAFKA_GRACE_MS / 1000 + 20),
                    a -> a.status() == 503);
            assertThat(unready.body().path("status").asText()).isEqualTo("not_ready");
            assertThat(unready.state("kafka")).isEqualTo("DOWN");
            assertThat(unready.state("redis")).isEqualTo("UP");
            assertThat(unready.body().path("reasons").get(0).asText()).startsWith("kafka: down for ");
            assertThat(unready.body().path("dependencies").path("kafka").path("downForMs").asLong())
                    .isGreaterThan(KAFKA_GRACE_MS);
            // Not before the grace: every answer until then was 200.
            assertThat(TimeUnit.NANOSECONDS.toMillis(unready.atNanos() - firstDown.atNanos()))
                    .isGreaterThanOrEqualTo(KAFKA_GRACE_MS - 1_000);
            assertThat(get(CLUSTER.cluster().api() + "/health").status()).isEqualTo(503);
            assertThat(scrape(CLUSTER.cluster().api())).contains("jgoim_ready 0.0")
                    .contains("jgoim_dependency_up{dependency=\"kafka\"} 0.0");
            await().atMost(Duration.ofSeconds(20)).until(() -> !job.server().health().readiness().ready());
            assertThat(job.server().health().readiness().reasons()).anyMatch(r -> r.startsWith("kafka: down for "));

            long restarting = System.nanoTime();
            CLUSTER.cluster().kafka().restart();
            Answer again = watch.awaitAnswer(ready, restarting, Duration.ofSeconds(60), a -> a.status() == 200);
            assertThat(again.state("kafka")).isEqualTo("UP");
            assertThat(again.body().path("reasons").size()).isZero();
            await().atMost(Duration.ofSeconds(30)).until(() -> job.server().health().readiness().ready());
            watch.close();
            assertThat(watch.of(live)).extracting(Answer::status).containsOnly(200);
        }
    }

    @Test
    @Order(4)
    void shouldKeepACometReadyWhileRedisIsDownAndItsSessionsStillGetPushes() throws Exception {
        List<String> received = new CopyOnWriteArrayList<>();
        JgoimClient client = CLUSTER.fleet().build(new Fleet.Spec("health-1", 9001, "live://health", Transport.TCP,
                List.of(comet().tcp()), false), new ClientListener() {
                    @Override
                    public void onPush(JgoimClient c, int op, int seq, ByteBuf body) {
                        received.add(body.toString(StandardCharsets.UTF_8));
                    }
                });
        client.connect().get(10, TimeUnit.SECONDS);
        Pusher pusher = new Pusher(CLUSTER.cluster().api(), List.of("live://health"), List.of(), 1.0, 1);
        String cometReady = comet().admin() + "/health/ready";
        String cometLive = comet().admin() + "/health/live";
        String logicReady = CLUSTER.cluster().api() + "/health/ready";
        // Kafka is back for the producer too (the previous test restarted it): a push goes through.
        await().atMost(Duration.ofSeconds(30)).until(() -> pusher.push("live://health").status() == 200);
        try (Watch watch = new Watch(cometReady, cometLive, logicReady)) {
            long stopped = System.nanoTime();
            CLUSTER.cluster().redis().stop();
            // Past the comet's Redis grace (1 s): Redis is DOWN in the body, and the comet is still ready.
            Answer down = watch.awaitAnswer(cometReady, stopped, Duration.ofSeconds(10),
                    a -> "DOWN".equals(a.state("redis")));
            assertThat(down.status()).isEqualTo(200);
            assertThat(scrape(comet().admin())).contains("jgoim_dependency_up{dependency=\"redis\"} 0.0")
                    .contains("jgoim_ready 1.0");
            // A room push still reaches the comet's session (logic -> Kafka -> job -> comet needs no Redis).
            Pusher.Answer pushed = pusher.push("live://health");
            assertThat(pushed.status()).as(pushed.body()).isEqualTo(200);
            String prefix = "live://health|" + pushed.seq() + "|";
            await().atMost(Duration.ofSeconds(15)).until(() -> received.stream().anyMatch(m -> m.startsWith(prefix)));
            long restarting = System.nanoTime();
            CLUSTER.cluster().redis().restart();
            watch.awaitAnswer(cometReady, restarting, Duration.ofSeconds(20), a -> "UP".equals(a.state("redis")));
            watch.awaitAnswer(logicReady, restarting, Duration.ofSeconds(20), a -> "UP".equals(a.state("redis")));
            watch.close();
            assertThat(watch.of(cometReady)).extracting(Answer::status).containsOnly(200);
            assertThat(watch.of(cometLive)).extracting(Answer::status).containsOnly(200);
            // Logic's Redis grace (8 s) outlasted the outage too.
            assertThat(watch.of(logicReady)).extracting(Answer::status).containsOnly(200);
        } finally {
            pusher.close();
            client.close();
        }
    }

    @Test
    @Order(5)
    void shouldReportADrainingCometNotReadyAtOnceAndStillLive() {
        CometNode draining = CLUSTER.cluster().addComet();
        String base = draining.admin();
        await().atMost(Duration.ofSeconds(20)).until(() -> get(base + "/health/ready").status() == 200);
        draining.server().drain(Duration.ofSeconds(3));
        Answer ready = get(base + "/health/ready");
        assertThat(ready.status()).isEqualTo(503);
        assertThat(ready.body().path("status").asText()).isEqualTo("not_ready");
        assertThat(ready.body().path("conditions").path("draining").asBoolean()).isTrue();
        assertThat(ready.body().path("reasons").get(0).asText()).startsWith("draining: ");
        assertThat(ready.state("logic")).isEqualTo("UP"); // nothing else is wrong
        Answer health = get(base + "/health");
        assertThat(health.status()).isEqualTo(503);
        assertThat(health.body().path("live").asBoolean()).isTrue();
        assertThat(get(base + "/health/live").status()).isEqualTo(200);
        assertThat(scrape(base)).contains("jgoim_ready 0.0");
        assertThat(get(comet().admin() + "/health/ready").status()).as("the other comet").isEqualTo(200);
        CLUSTER.cluster().stopComet(draining.id());
    }

    /** Last: logic stops for good. The comet cannot authenticate new sessions: not ready past its logic grace. */
    @Test
    @Order(6)
    void shouldReportACometNotReadyOnceLogicIsUnreachablePastTheGrace() throws Exception {
        String ready = comet().admin() + "/health/ready";
        String live = comet().admin() + "/health/live";
        try (Watch watch = new Watch(ready, live)) {
            long stopped = System.nanoTime();
            CLUSTER.cluster().logic().close();
            Answer degraded = watch.awaitAnswer(ready, stopped, Duration.ofSeconds(10),
                    a -> "DEGRADED".equals(a.state("logic")));
            assertThat(degraded.status()).as("within the grace").isEqualTo(200);
            Answer unready = watch.awaitAnswer(ready, stopped, Duration.ofSeconds(30), a -> a.status() == 503);
            assertThat(unready.state("logic")).isEqualTo("DOWN");
            assertThat(unready.body().path("reasons").get(0).asText()).startsWith("logic: down for ");
            assertThat(TimeUnit.NANOSECONDS.toMillis(unready.atNanos() - degraded.atNanos()))
                    .isGreaterThanOrEqualTo(5_000 - 1_000);
            watch.close();
            assertThat(watch.of(live)).extracting(Answer::status).containsOnly(200);
        }
    }
}
