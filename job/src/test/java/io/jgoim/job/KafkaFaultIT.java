package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.testkit.KafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Job's faults against a real Kafka broker: poison records, kill mid-stream, a second instance joining, bad events. */
@Tag("kafka")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaFaultIT {
    static KafkaBroker broker;
    static KafkaProducer<String, byte[]> producer;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final InMemorySessionDirectory sessions = new InMemorySessionDirectory(Duration.ofMinutes(5));
    private final RecordingCometService c1 = new RecordingCometService("c1");
    private final RecordingCometService c2 = new RecordingCometService("c2");
    private final List<JobServer> jobs = new ArrayList<>();
    private final String topic = "push-" + UUID.randomUUID();

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.shared();
        KafkaPushPathIT.broker = broker;
        producer = KafkaPushPathIT.producer(broker);
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    @AfterEach
    void closeJobs() {
        jobs.forEach(JobServer::close);
    }

    private JobServer startJob(PrometheusMeterRegistry reg, String... extra) {
        List<String> env = new ArrayList<>(Arrays.asList(KafkaPushPathIT.kafkaEnv(topic, "g-" + topic)));
        env.addAll(Arrays.asList(extra));
        JobConfig cfg = TestConfigs.config(env.toArray(new String[0]));
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c1", c1).add("c2", c2);
        JobServer job = new JobServer(cfg, dir, sessions, reg);
        job.start();
        jobs.add(job);
        return job;
    }

    private static PushMsg roomMsg(String room, String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(body)).setCreatedAtMs(System.currentTimeMillis()).build();
    }

    private void produceRooms(int rooms, int from, int to) {
        for (int i = from; i < to; i++) {
            String room = "live://" + (i % rooms);
            producer.send(new ProducerRecord<>(topic, room, roomMsg(room, room + "#" + i).toByteArray()));
        }
        producer.flush();
    }

    /** The expected bodies of every room, in publish order. */
    private static Map<String, List<String>> expected(int rooms, int count) {
        Map<String, List<String>> out = new HashMap<>();
        for (int i = 0; i < count; i++) {
            String room = "live://" + (i % rooms);
            out.computeIfAbsent(room, r -> new ArrayList<>()).add(room + "#" + i);
        }
        return out;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String t, int expectedCount)
            throws InterruptedException {
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            List<TopicPartition> parts = List.of();
            while (parts.isEmpty() && System.nanoTime() < deadline) {
                // The dead-letter topic is created by job's first write to it, which may still be on its way.
                parts = c.partitionsFor(t, Duration.ofSeconds(5)).stream()
                        .map(pi -> new TopicPartition(t, pi.partition())).toList();
                if (parts.isEmpty()) {
                    Thread.sleep(50);
                }
            }
            assertThat(parts).as("partitions of " + t).isNotEmpty();
            c.assign(parts);
            c.seekToBeginning(parts);
            while (out.size() < expectedCount && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            c.poll(Duration.ofMillis(300)).forEach(out::add);
        }
        return out;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterAllTenPoisonRecordsAmongTenThousandAndDeliverTheRest() throws Exception {
        broker.createTopics(4, topic);
        startJob(registry, "JGOIM_BATCH_WINDOW", "5ms", "JGOIM_COMET_FILTER_ROOMS", "false");
        Random rnd = new Random(42);
        Set<Integer> poisonAt = new HashSet<>();
        while (poisonAt.size() < 10) {
            poisonAt.add(rnd.nextInt(10_000));
        }
        int rooms = 40;
        List<String> poisonKinds = new ArrayList<>();
        int p = 0;
        for (int i = 0; i < 10_000; i++) {
            String room = "live://" + (i % rooms);
            byte[] value;
            if (poisonAt.contains(i)) {
                switch (p++ % 3) {
                    case 0 -> value = new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2};
                    case 1 -> value = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).build()
                            .toByteArray();
                    default -> value = new byte[0];
                }
                poisonKinds.add(room);
            } else {
                value = roomMsg(room, room + "#" + i).toByteArray();
            }
            producer.send(new ProducerRecord<>(topic, room, value));
        }
        producer.flush();

        await().atMost(Duration.ofSeconds(60)).until(() -> c1.frameCount() >= 9_990);
        List<ConsumerRecord<byte[], byte[]>> dlt = readAll(topic + ".DLT", 10);
        assertThat(dlt).hasSize(10);
        Set<String> categories = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : dlt) {
            assertThat(header(r, "jgoim.dlt.original.topic")).isEqualTo(topic);
            assertThat(header(r, "jgoim.dlt.original.partition")).matches("[0-3]");
            assertThat(header(r, "jgoim.dlt.original.offset")).matches("\\d+");
            assertThat(header(r, "jgoim.dlt.reason")).isNotBlank();
            categories.add(header(r, "jgoim.dlt.category"));
        }
        assertThat(categories).containsExactlyInAnyOrder("undecodable", "invalid");
        assertThat(dlt.stream().map(r -> header(r, "jgoim.dlt.reason")))
                .contains("room push without room", "empty record value");

        Map<String, List<String>> want = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            if (!poisonAt.contains(i)) {
                String room = "live://" + (i % rooms);
                want.computeIfAbsent(room, r -> new ArrayList<>()).add(room + "#" + i);
            }
        }
        for (Map.Entry<String, List<String>> e : want.entrySet()) {
            assertThat(c1.roomBodies(e.getKey())).containsExactlyElementsOf(e.getValue());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> registry.find("jgoim.job.dead_lettered").counters()
                .stream().mapToDouble(c -> c.count()).sum() == 10.0);
    }

    @Test
    void shouldLoseNothingWhenKilledMidStreamAndRestarted() {
        broker.createTopics(4, topic);
        c1.randomDelay(400);
        // One poll's worth may be in flight; completed offsets are committed every 5 ms.
        String[] env = {"JGOIM_KAFKA_MAX_POLL_RECORDS", "100", "JGOIM_KAFKA_MAX_IN_FLIGHT_RECORDS", "100",
            "JGOIM_KAFKA_COMMIT_INTERVAL", "5ms",
            "JGOIM_BATCH_WINDOW", "2ms", "JGOIM_BATCH_SIZE", "16", "JGOIM_COMET_FILTER_ROOMS", "false"};
        int rooms = 30;
        int total = 6_000;
        produceRooms(rooms, 0, total);
        JobServer first = startJob(registry, env);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5)).until(() -> c1.frameCount() >= 1_500);
        first.crash();
        int seenAtCrash = c1.frameCount();
        assertThat(seenAtCrash).isLessThan(total);

        startJob(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), env);
        await().atMost(Duration.ofSeconds(60)).until(() -> new HashSet<>(c1.bodies()).size() == total);

        List<String> all = c1.bodies();
        int duplicates = all.size() - total;
        System.out.println("kill -9 test: " + seenAtCrash + " delivered before the crash, " + duplicates
                + " duplicates after the restart");
        // Bounded by what one job may hold uncommitted: one poll in flight, plus what completed since the last commit.
        assertThat(duplicates).isBetween(0, 2 * 100);
        Map<String, List<String>> want = expected(rooms, total);
        for (Map.Entry<String, List<String>> e : want.entrySet()) {
            // First deliveries are in publish order; re-deliveries after the crash only repeat earlier ones.
            List<String> firsts = new ArrayList<>(new LinkedHashSet<>(c1.roomBodies(e.getKey())));
            assertThat(firsts).containsExactlyElementsOf(e.getValue());
        }
    }

    @Test
    void shouldLoseNothingAndKeepOrderWhenASecondJobJoinsMidStream() throws Exception {
        broker.createTopics(4, topic);
        c1.randomDelay(200);
        String[] env = {"JGOIM_BATCH_WINDOW", "2ms", "JGOIM_COMET_FILTER_ROOMS", "false",
            "JGOIM_NODE_ID", "job-a"};
        int rooms = 40;
        int total = 4_000;
        startJob(registry, env);
        Thread pub = new Thread(() -> {
            for (int i = 0; i < total; i += 100) {
                produceRooms(rooms, i, i + 100);
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        pub.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> c1.frameCount() >= 800);
        String[] env2 = env.clone();
        env2[env2.length - 1] = "job-b";
        PrometheusMeterRegistry secondRegistry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        JobServer second = startJob(secondRegistry, env2);
        pub.join();
        await().atMost(Duration.ofSeconds(60)).until(() -> c1.frameCount() >= total);
        Thread.sleep(300);
        Map<String, List<String>> want = expected(rooms, total);
        for (Map.Entry<String, List<String>> e : want.entrySet()) {
            assertThat(c1.roomBodies(e.getKey())).containsExactlyElementsOf(e.getValue());
        }
        assertThat(second.metrics().inFlight().get()).isZero();
        // Both instances really shared the stream.
        double firstConsumed = registry.find("jgoim.job.records.consumed").tag("topic", topic).counter().count();
        assertThat(firstConsumed).isLessThan(total);
        assertThat(secondRegistry.find("jgoim.job.records.consumed").tag("topic", topic).counter().count())
                .isPositive();
    }

    @Test
    void shouldBoundInFlightRecordsWhileAllCometsAreStuckAndCatchUpAfter() throws Exception {
        broker.createTopics(4, topic);
        c1.mode(RecordingCometService.Mode.TIMEOUT);
        c2.mode(RecordingCometService.Mode.TIMEOUT);
        JobServer job = startJob(registry, "JGOIM_KAFKA_MAX_POLL_RECORDS", "50", "JGOIM_KAFKA_MAX_IN_FLIGHT_RECORDS",
                "100", "JGOIM_COMET_CALL_DEADLINE", "3s", "JGOIM_COMET_FILTER_ROOMS", "false",
                "JGOIM_BATCH_WINDOW", "2ms");
        produceRooms(10, 0, 1_000);
        await().atMost(Duration.ofSeconds(20)).until(() -> job.metrics().inFlight().get() >= 60);
        Thread.sleep(500);
        // Stuck comets hold at most maxInFlightRecords; the rest waits in Kafka, visible as lag.
        assertThat(job.metrics().inFlight().get()).isLessThanOrEqualTo(100);
        assertThat(registry.find("jgoim.job.records.consumed").tag("topic", topic).counter().count())
                .isLessThanOrEqualTo(100.0);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.get("jgoim.job.consumer.lag").gauge().value() >= 500);
        // What arrives while the partitions are paused (nothing fetched) shows in the lag too: at most 100 consumed.
        produceRooms(10, 1_000, 1_500);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.get("jgoim.job.consumer.lag").gauge().value() >= 1_400);

        c1.mode(RecordingCometService.Mode.OK);
        c2.mode(RecordingCometService.Mode.OK);
        // The stuck calls time out (3 s), are retried on the healed comets, and everything else follows.
        await().atMost(Duration.ofSeconds(60)).until(() -> c1.frameCount() == 1_500 && c2.frameCount() == 1_500);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> registry.get("jgoim.job.consumer.lag").gauge().value() == 0);
    }

    @Test
    void shouldTurnEventsIntoPushesAndDeadLetterBadEvents() throws Exception {
        String comments = topic + "-comment";
        String plays = topic + "-play";
        broker.createTopics(2, topic, comments, plays);
        sessions.addSession(7, "phone", "c1");
        sessions.addSession(7, "web", "c1");
        sessions.addSession(7, "tablet", "c2");
        sessions.addSession(8, "other", "c1");
        JobServer job = startJob(registry, "JGOIM_METRICS_ENABLED", "true", "JGOIM_METRICS_PORT", "0",
                "JGOIM_BATCH_WINDOW", "2ms", "JGOIM_COMET_FILTER_ROOMS", "false");

        send(comments, "live://9", "{\"room_id\":\"live://9\",\"comment_id\":\"c-1\",\"mid\":42,"
                + "\"nickname\":\"ann\",\"content\":\"first!\",\"created_at_ms\":1700000000000}");
        send(plays, "7", "{\"mid\":7,\"key\":\"phone\",\"video_id\":\"av1\",\"progress_ms\":90500,"
                + "\"duration_ms\":3600000}");
        send(comments, "live://9", "{\"room_id\":\"live://9\",\"comment_id\":\"c-2\",\"mid\":42}");
        send(plays, "7", "{\"mid\":-1,\"key\":\"phone\",\"video_id\":\"av1\",\"progress_ms\":1}");
        send(plays, "7", "not json");
        producer.flush();

        await().atMost(Duration.ofSeconds(30)).until(() -> c1.frameCount() == 2 && c2.frameCount() == 2);
        assertThat(c1.roomBodies("live://9")).singleElement().asString()
                .contains("\"comment_id\":\"c-1\"", "\"content\":\"first!\"", "\"nickname\":\"ann\"");
        RecordingCometService.Call roomCall = c1.calls().stream().filter(c -> c.kind().equals("room")).findFirst()
                .orElseThrow();
        assertThat(roomCall.frames().get(0).op()).isEqualTo(1001);
        RecordingCometService.Call play1 = c1.calls().stream().filter(c -> c.kind().equals("push")).findFirst()
                .orElseThrow();
        assertThat(play1.keys()).containsExactly("web");
        assertThat(play1.protoOp()).isEqualTo(1002);
        assertThat(play1.frames().get(0).body()).contains("\"video_id\":\"av1\"", "\"progress_ms\":90500");
        RecordingCometService.Call play2 = c2.calls().stream().filter(c -> c.kind().equals("push")).findFirst()
                .orElseThrow();
        assertThat(play2.keys()).containsExactly("tablet");

        List<ConsumerRecord<byte[], byte[]>> badComments = readAll(comments + ".DLT", 1);
        assertThat(badComments).singleElement().satisfies(r ->
                assertThat(header(r, "jgoim.dlt.reason")).isEqualTo("missing field content"));
        List<ConsumerRecord<byte[], byte[]>> badPlays = readAll(plays + ".DLT", 2);
        assertThat(badPlays.stream().map(r -> header(r, "jgoim.dlt.reason")).collect(Collectors.toList()))
                .anyMatch(s -> s.equals("mid must be >= 1, was -1"))
                .anyMatch(s -> s.startsWith("not JSON"));

        await().atMost(Duration.ofSeconds(10)).until(() -> job.metrics().inFlight().get() == 0);
        assertThat(job.boundAddresses()).containsExactly(job.metricsAddress());
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + job.metricsAddress().getPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("jgoim_job_records_consumed_total", "jgoim_job_pushes_total",
                "jgoim_job_batch_messages", "jgoim_job_consumer_lag", "jgoim_job_dead_lettered_total",
                "jgoim_job_push_age_seconds", "jgoim_job_retries_total", "jgoim_job_inflight_records");
    }

    private void send(String t, String key, String json) {
        producer.send(new ProducerRecord<>(t, key, json.getBytes(StandardCharsets.UTF_8)));
    }
}
