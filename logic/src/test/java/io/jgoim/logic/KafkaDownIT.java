package io.jgoim.logic;

import io.jgoim.common.registry.InMemoryNodeRegistry;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.logic.ApiClient.Reply;
import io.jgoim.logic.push.KafkaPushPublisher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.testkit.KafkaBroker;
import io.jgoim.testkit.KafkaProcess;
import io.jgoim.testkit.LeakCheck;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kafka stops under a running logic: pushes fail with 503 within the configured send timeout and none is reported
 * accepted that Kafka did not take; when Kafka returns, pushes are accepted again. Uses its own broker (the shared
 * one must stay up for other tests).
 */
@Tag("kafka")
@Timeout(120)
@ExtendWith(LeakCheck.class)
class KafkaDownIT {
    private static final String TOPIC = "push-down";

    @Test
    void shouldAnswer503WithinSendTimeoutAndNeverReportUnackedPushAccepted() throws Exception {
        try (KafkaBroker kafka = KafkaBroker.start()) {
            kafka.createTopics(2, TOPIC);
            LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_ENABLED", "false",
                    "JGOIM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "JGOIM_KAFKA_TOPIC", TOPIC,
                    "JGOIM_KAFKA_SEND_TIMEOUT", "1500ms"));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
            directory.addSession(1, "k1", "comet-a").join();
            try (KafkaPushPublisher publisher = new KafkaPushPublisher(config.kafka(), "logic-down-it", registry);
                 LogicServer logic = new LogicServer(config, directory, publisher, new InMemoryNodeRegistry(),
                         registry)) {
                logic.start();
                ApiClient api = new ApiClient(logic.httpAddress());
                Set<String> accepted = new HashSet<>();
                Reply up = api.post("/goim/push/room?operation=1000&type=live&room=1", "up-1");
                assertThat(up.status()).isEqualTo(200);
                accepted.add("up-1");

                kafka.stop();
                for (String uri : new String[] {"/goim/push/room?operation=1000&type=live&room=1",
                    "/goim/push/keys?operation=1000&keys=k1", "/goim/push/all?operation=1000"}) {
                    Reply down = api.post(uri, "down");
                    assertThat(down.status()).as(uri).isEqualTo(503);
                    assertThat(down.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
                    assertThat(down.tookMillis()).as("bounded by kafka.sendTimeout").isLessThan(1_500 + 700);
                }
                assertThat(registry.get("jgoim.kafka.send.errors").counter().count()).isGreaterThanOrEqualTo(3);

                kafka.restart();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    Reply r = api.post("/goim/push/room?operation=1000&type=live&room=1", "up-2");
                    if (r.status() == 200) {
                        accepted.add("up-2");
                        return true;
                    }
                    assertThat(r.status()).isEqualTo(503);
                    return false;
                });
                List<String> inKafka = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : KafkaRecords.read(kafka.bootstrapServers(), TOPIC, 2,
                        Duration.ofSeconds(10))) {
                    inKafka.add(PushMsg.parseFrom(r.value()).getMsg().toStringUtf8());
                }
                // Everything reported accepted is in Kafka.
                assertThat(inKafka).containsAll(accepted);
            }
        }
    }

    /**
     * The broker frozen (SIGSTOP: a hung host; its connections stay open, so nothing fails but by timeouts) under
     * pushes, then thawed: every push answered within the send timeout, 503 while frozen; after the thaw the
     * producer is not wedged by the batches that expired in flight (the broker may append them late, under the old
     * producer epoch), pushes are accepted again, and everything reported accepted is in Kafka.
     */
    @Test
    void shouldAcceptPushesAgainAfterTheBrokerWasFrozen() throws Exception {
        String topic = "push-frozen";
        try (KafkaProcess kafka = KafkaProcess.start(topic + ":2")) {
            LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_ENABLED", "false",
                    "JGOIM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "JGOIM_KAFKA_TOPIC", topic,
                    "JGOIM_KAFKA_SEND_TIMEOUT", "1500ms"));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
            directory.addSession(1, "k1", "comet-a").join();
            try (KafkaPushPublisher publisher = new KafkaPushPublisher(config.kafka(), "logic-frozen-it", registry);
                 LogicServer logic = new LogicServer(config, directory, publisher, new InMemoryNodeRegistry(),
                         registry)) {
                logic.start();
                ApiClient api = new ApiClient(logic.httpAddress());
                Set<String> accepted = new HashSet<>();
                assertThat(api.post("/goim/push/room?operation=1000&type=live&room=1", "before").status())
                        .isEqualTo(200);
                accepted.add("before");

                kafka.freeze();
                int refused = 0;
                for (int i = 0; i < 6; i++) {
                    Reply r = api.post(i % 2 == 0 ? "/goim/push/room?operation=1000&type=live&room=1"
                            : "/goim/push/keys?operation=1000&keys=k1", "frozen-" + i);
                    assertThat(r.tookMillis()).as("bounded by kafka.sendTimeout").isLessThan(1_500 + 700);
                    if (r.status() == 200) {
                        accepted.add("frozen-" + i);
                    } else {
                        assertThat(r.status()).isEqualTo(503);
                        assertThat(r.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
                        refused++;
                    }
                }
                assertThat(refused).as("pushes refused while the broker was frozen").isPositive();
                kafka.thaw();

                int[] after = {0};
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    String body = "after-" + after[0]++;
                    Reply r = api.post("/goim/push/room?operation=1000&type=live&room=1", body);
                    if (r.status() == 200) {
                        accepted.add(body);
                        return true;
                    }
                    assertThat(r.status()).isEqualTo(503);
                    return false;
                });
                for (int i = 0; i < 20; i++) {
                    Reply r = api.post("/goim/push/keys?operation=1000&keys=k1", "steady-" + i);
                    assertThat(r.status()).as("push %d after the thaw", i).isEqualTo(200);
                    accepted.add("steady-" + i);
                }
                List<String> inKafka = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : KafkaRecords.read(kafka.bootstrapServers(), topic, 2,
                        Duration.ofSeconds(10))) {
                    inKafka.add(PushMsg.parseFrom(r.value()).getMsg().toStringUtf8());
                }
                System.out.printf("KafkaDownIT[frozen]: %d refused while frozen; %d accepted; in Kafka %d records "
                        + "(%d of them refused ones the broker appended late)%n", refused, accepted.size(),
                        inKafka.size(), inKafka.stream().filter(b -> b.startsWith("frozen-")
                                && !accepted.contains(b)).count());
                assertThat(inKafka).containsAll(accepted);
            }
        }
    }

    /** No broker at the bootstrap address at all: the 503 says so, not "topic not present in metadata". */
    @Test
    void shouldSayNoBrokerIsReachableWhenNoneAnswers() throws Exception {
        int dead;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            dead = s.getLocalPort();
        }
        LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_ENABLED", "false",
                "JGOIM_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + dead, "JGOIM_KAFKA_TOPIC", TOPIC,
                "JGOIM_KAFKA_SEND_TIMEOUT", "1500ms"));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try (KafkaPushPublisher publisher = new KafkaPushPublisher(config.kafka(), "logic-absent-it", registry);
             LogicServer logic = new LogicServer(config, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                     publisher, new InMemoryNodeRegistry(), registry)) {
            logic.start();
            Reply r = new ApiClient(logic.httpAddress()).post("/goim/push/room?operation=1000&type=live&room=1", "m");
            assertThat(r.status()).isEqualTo(503);
            assertThat(r.code()).isEqualTo(ErrorCode.UNAVAILABLE.code());
            assertThat(r.json().get("message").asText()).startsWith("kafka: no broker reachable at 127.0.0.1:" + dead);
        }
    }

    /**
     * Pushes keep arriving (50/s, several connections) while Kafka stops and comes back: every answer, 200 or 503,
     * comes within kafka.sendTimeout plus scheduling slack - also for records already in flight when the broker died,
     * which Kafka's own timeouts would fail only after a second request timeout - and every 200 is in Kafka.
     */
    @Test
    void shouldAnswerEveryPushWithinTheSendTimeoutUnderLoadWhileKafkaStopsAndReturns() throws Exception {
        String topic = "push-bound";
        long timeoutMillis = 1500;
        try (KafkaBroker kafka = KafkaBroker.start()) {
            kafka.createTopics(2, topic);
            LogicConfig config = LogicConfig.load(null, Map.of("JGOIM_HTTP_PORT", "0", "JGOIM_GRPC_ENABLED", "false",
                    "JGOIM_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "JGOIM_KAFKA_TOPIC", topic,
                    "JGOIM_KAFKA_SEND_TIMEOUT", timeoutMillis + "ms"));
            PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
            InMemorySessionDirectory directory = new InMemorySessionDirectory(Duration.ofMinutes(1));
            try (KafkaPushPublisher publisher = new KafkaPushPublisher(config.kafka(), "logic-bound-it", registry);
                 LogicServer logic = new LogicServer(config, directory, publisher, new InMemoryNodeRegistry(),
                         registry)) {
                logic.start();
                HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
                URI base = URI.create("http://127.0.0.1:" + logic.httpAddress().getPort());
                List<CompletableFuture<long[]>> answers = new ArrayList<>();
                ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
                int total = 300;
                CountDownLatch sent = new CountDownLatch(total);
                for (int i = 0; i < total; i++) {
                    final int n = i;
                    CompletableFuture<long[]> answer = new CompletableFuture<>();
                    answers.add(answer);
                    pacer.schedule(() -> {
                        long start = System.nanoTime();
                        HttpRequest req = HttpRequest.newBuilder(base.resolve(
                                "/goim/push/room?operation=1000&type=live&room=" + (n % 7)))
                                .timeout(Duration.ofSeconds(20))
                                .POST(HttpRequest.BodyPublishers.ofString("m-" + n)).build();
                        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                            long took = (System.nanoTime() - start) / 1_000_000;
                            answer.complete(new long[] {n, e == null ? r.statusCode() : -1, took});
                        });
                        sent.countDown();
                    }, i * 20L, TimeUnit.MILLISECONDS);
                }
                Thread.sleep(1_500);
                kafka.stop();
                Thread.sleep(2_500);
                kafka.restart();
                assertThat(sent.await(30, TimeUnit.SECONDS)).isTrue();
                pacer.shutdown();
                Set<String> accepted = new HashSet<>();
                int unavailable = 0;
                for (CompletableFuture<long[]> f : answers) {
                    long[] a = f.get(30, TimeUnit.SECONDS);
                    assertThat(a[1]).as("push %d answered", a[0]).isIn(200L, 503L);
                    assertThat(a[2]).as("push %d took %d ms (status %d)", a[0], a[2], a[1])
                            .isLessThan(timeoutMillis + 700);
                    if (a[1] == 200) {
                        accepted.add("m-" + a[0]);
                    } else {
                        unavailable++;
                    }
                }
                assertThat(unavailable).as("pushes refused while Kafka was down").isPositive();
                assertThat(accepted).as("pushes accepted before the stop").isNotEmpty();
                List<String> inKafka = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : KafkaRecords.read(kafka.bootstrapServers(), topic, 2,
                        Duration.ofSeconds(10))) {
                    inKafka.add(PushMsg.parseFrom(r.value()).getMsg().toStringUtf8());
                }
                assertThat(inKafka).containsAll(accepted);
                assertThat(registry.find("jgoim.kafka.send.late").counter()).isNotNull();
            }
        }
    }
}
