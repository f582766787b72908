package io.jgoim.job.it;

import com.google.protobuf.ByteString;
import io.jgoim.comet.CometServer;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.job.TestConfigs;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.testkit.KafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import io.jgoim.testkit.LeakCheck;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Job with real comets (CometServer in-process on port 0) and real client sessions over TCP: the cluster path (Kafka
 * → job → gRPC comets found in the node registry → sockets) and the standalone path (in-process bus → direct calls).
 */
@ExtendWith(LeakCheck.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RealCometIT {
    @RegisterExtension
    final RealCometFixture fixture = new RealCometFixture();
    private final PrometheusMeterRegistry meters = fixture.meters;

    private static PushMsg room(String room, int op, String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(op).setRoom(room)
                .setMsg(ByteString.copyFromUtf8(body)).setCreatedAtMs(System.currentTimeMillis()).build();
    }

    private static PushMsg push(String server, String key, int op, String body) {
        return PushMsg.newBuilder().setType(PushMsg.Type.PUSH).setOperation(op).setServer(server).addKeys(key)
                .setMsg(ByteString.copyFromUtf8(body)).setCreatedAtMs(System.currentTimeMillis()).build();
    }

    private static List<String> seq(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + i).toList();
    }

    @Test
    @Tag("kafka")
    void shouldCarryEveryPushTypeAndBothEventsFromKafkaOverGrpcToClientSocketsInOrder() {
        CometServer a = fixture.comet("comet-a", true);
        CometServer b = fixture.comet("comet-b", true);
        PushRecorder a1 = fixture.client(a, 1, "a1", "live://1");
        PushRecorder b1 = fixture.client(b, 2, "b1", "live://1");
        PushRecorder b2 = fixture.client(b, 3, "b2", "live://2");
        PushRecorder phone = fixture.client(a, 7, "phone", "");
        PushRecorder web = fixture.client(a, 7, "web", "");
        PushRecorder tablet = fixture.client(b, 7, "tablet", "");

        KafkaBroker broker = KafkaBroker.shared();
        String topic = "push-" + UUID.randomUUID();
        broker.createTopics(4, topic, topic + "-comment", topic + "-play");
        JobConfig cfg = TestConfigs.config("JGOIM_BUS_MODE", "kafka",
                "JGOIM_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(), "JGOIM_KAFKA_PUSH_TOPIC", topic,
                "JGOIM_KAFKA_GROUP_ID", "g-" + topic, "JGOIM_KAFKA_AUTO_OFFSET_RESET", "earliest",
                "JGOIM_EVENTS_COMMENT_TOPIC", topic + "-comment", "JGOIM_EVENTS_PLAY_HISTORY_TOPIC", topic + "-play",
                "JGOIM_COMET_REGISTRY_REFRESH", "200ms", "JGOIM_COMET_ROOMS_REFRESH", "200ms",
                "JGOIM_COMET_FILTER_ROOMS", "true", "JGOIM_BATCH_WINDOW", "5ms");
        JobServer job = fixture.jobOverRegistry(cfg);
        await().atMost(Duration.ofSeconds(20)).until(() -> job.comets().comets().size() == 2);
        await().atMost(Duration.ofSeconds(20)).until(() -> job.comets().comet("comet-b").rooms() != null
                && job.comets().comet("comet-b").rooms().contains("live://2"));

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(topic, "live://1", room("live://1", 1000, "r1-" + i).toByteArray()));
                if (i < 50) {
                    producer.send(new ProducerRecord<>(topic, "live://2",
                            room("live://2", 1000, "r2-" + i).toByteArray()));
                }
                if (i < 30) {
                    producer.send(new ProducerRecord<>(topic, "a1", push("comet-a", "a1", 1001, "p-" + i)
                            .toByteArray()));
                }
            }
            producer.send(new ProducerRecord<>(topic, "", PushMsg.newBuilder().setType(PushMsg.Type.BROADCAST)
                    .setOperation(1000).setMsg(ByteString.copyFromUtf8("everyone")).build().toByteArray()));
            producer.send(new ProducerRecord<>(topic + "-comment", "live://2", ("{\"room_id\":\"live://2\","
                    + "\"comment_id\":\"c1\",\"mid\":3,\"content\":\"hello room 2\"}")
                    .getBytes(StandardCharsets.UTF_8)));
            producer.send(new ProducerRecord<>(topic + "-play", "7", ("{\"mid\":7,\"key\":\"phone\","
                    + "\"video_id\":\"av9\",\"progress_ms\":4200}").getBytes(StandardCharsets.UTF_8)));
        }

        await().atMost(Duration.ofSeconds(40)).until(() -> a1.count() == 131 && b1.count() == 101
                && b2.count() == 52 && web.count() == 2 && tablet.count() == 2 && phone.count() == 1);
        List<String> r1 = new ArrayList<>(seq("r1-", 100));
        assertThat(a1.bodies(1000).stream().filter(s -> s.startsWith("r1-")).toList()).isEqualTo(r1);
        assertThat(b1.bodies(1000).stream().filter(s -> s.startsWith("r1-")).toList()).isEqualTo(r1);
        assertThat(b2.bodies(1000).stream().filter(s -> s.startsWith("r2-")).toList()).isEqualTo(seq("r2-", 50));
        assertThat(a1.bodies(1001)).isEqualTo(seq("p-", 30));
        for (PushRecorder c : List.of(a1, b1, b2, phone, web, tablet)) {
            assertThat(c.bodies(1000)).contains("everyone");
        }
        assertThat(b2.bodies(1001)).singleElement().asString().contains("\"content\":\"hello room 2\"");
        assertThat(a1.bodies(1001)).noneMatch(s -> s.contains("hello room 2"));
        assertThat(web.bodies(1002)).singleElement().asString().contains("\"progress_ms\":4200");
        assertThat(tablet.bodies(1002)).singleElement().asString().contains("\"video_id\":\"av9\"");
        assertThat(phone.bodies(1002)).isEmpty();
    }

    @Test
    void shouldFanOutInOrderToEverySessionOfARoomThroughTheInProcessBusAndDirectCalls() {
        CometServer a = fixture.comet("solo", false);
        int clients = 100;
        int messages = 300;
        List<PushRecorder> room = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            room.add(fixture.client(a, 100 + i, "s" + i, "live://big"));
        }
        JobConfig cfg = TestConfigs.config("JGOIM_BATCH_WINDOW", "5ms", "JGOIM_COMET_FILTER_ROOMS", "true");
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("solo", a::pushService);
        JobServer job = fixture.job(cfg, dir);
        await().atMost(Duration.ofSeconds(10)).until(() -> dir.comet("solo").rooms() != null
                && dir.comet("solo").rooms().contains("live://big"));

        PushRecorder s0 = room.get(0);
        for (int i = 0; i < messages; i++) {
            job.pushBus().publish("live://big", room("live://big", 1000, "m" + i)).join();
            job.pushBus().publish("s0", push("solo", "s0", 1001, "k" + i)).join();
            // Stay inside the session's outbound bound (a ring of 16 pushes): a burst beyond it is dropped by the
            // comet's slow-consumer policy, which is not what this test is about.
            int sent = i + 1;
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(1))
                    .until(() -> s0.bodies(1001).size() >= sent - 8);
        }
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> room.stream()
                    .allMatch(c -> c.bodies(1000).size() == messages) && s0.bodies(1001).size() == messages);
        } catch (RuntimeException e) {
            System.out.println("room counts: " + room.stream().map(c -> c.bodies(1000).size()).toList()
                    + " key pushes: " + s0.bodies(1001).size() + " comet drops: "
                    + meters.find("jgoim_comet_drops").counters().stream().map(x -> x.getId().getTag("reason")
                    + "=" + x.count()).toList());
            throw e;
        }
        List<String> expected = seq("m", messages);
        for (PushRecorder c : room) {
            assertThat(c.bodies(1000)).isEqualTo(expected);
        }
        assertThat(room.get(0).bodies(1001)).isEqualTo(seq("k", messages));
        assertThat(meters.find("jgoim_comet_drops").counters().stream().mapToDouble(x -> x.count()).sum()).isZero();
        // Batching happened: fewer room calls than messages.
        double calls = meters.get("jgoim.job.comet.calls").tags("comet", "solo", "type", "room").counter().count();
        assertThat(calls).isLessThan(messages);
    }

    /**
     * A comet that answers after job's deadline (its loops behind, a slow network) has still delivered: job's retry
     * carries the same request id and the comet answers it from the first attempt, so every session gets every
     * message once, in order, and nothing is counted as failed. Job's throttle is on (its defaults): every first
     * attempt here times out, and a retry it refuses locally waits instead of spending an attempt.
     */
    @Test
    void shouldNotDeliverTwiceWhenTheCometAnswersAfterTheDeadline() {
        lateComet(TestConfigs.config("JGOIM_BATCH_WINDOW", "5ms", "JGOIM_COMET_CALL_DEADLINE", "150ms",
                "JGOIM_RETRY_MAX_ATTEMPTS", "4", "JGOIM_RETRY_BACKOFF", "10ms"));
    }

    /**
     * The same slow-but-sure comet under a strict throttle (k = 1, a 1 s window, 4 requests before it refuses):
     * half of what job sends it times out, so the throttle refuses many sends, some of them again and again, for
     * longer than four attempts would last. None is given up, and every push arrives once, in order.
     */
    @Test
    void shouldLoseNoPushToACometThatAnswersLateWhileTheThrottleRefuses() {
        double refused = lateComet(TestConfigs.config("JGOIM_BATCH_WINDOW", "5ms",
                "JGOIM_COMET_CALL_DEADLINE", "150ms", "JGOIM_RETRY_MAX_ATTEMPTS", "4", "JGOIM_RETRY_BACKOFF", "10ms",
                "JGOIM_COMET_THROTTLE_K", "1", "JGOIM_COMET_THROTTLE_WINDOW", "1s",
                "JGOIM_COMET_THROTTLE_BUCKETS", "10", "JGOIM_COMET_THROTTLE_MIN_REQUESTS", "4"));
        assertThat(refused).isGreaterThanOrEqualTo(4);
    }

    /**
     * Sends 10 room and 10 key pushes through a comet whose first answer to each request comes 600 ms late (after
     * the 150 ms deadline, the push already delivered), and asserts each arrived once, in order, none given up.
     * Returns the throttle's local refusals of the comet.
     */
    private double lateComet(JobConfig cfg) {
        CometServer a = fixture.comet("slow", false);
        List<PushRecorder> room = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            room.add(fixture.client(a, 200 + i, "k" + i, "live://slow"));
        }
        LateFirstReply late = new LateFirstReply(a.pushService(), 600);
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("slow", () -> late);
        JobServer job = fixture.job(cfg, dir);

        int messages = 10;
        for (int i = 0; i < messages; i++) {
            job.pushBus().publish("live://slow", room("live://slow", 1000, "m" + i)).join();
            job.pushBus().publish("k0", push("slow", "k0", 1001, "k" + i)).join();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> job.metrics().inFlight().get() == 0);
        // Every call was answered late the first time and retried at least once.
        assertThat(meters.get("jgoim.job.retries").tags("comet", "slow").counter().count())
                .isGreaterThanOrEqualTo(late.delayed.get());
        assertThat(late.delayed.get()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get("jgoim_comet_repeated_requests").counter().count()).isGreaterThanOrEqualTo(2.0);
        assertThat(meters.find("jgoim.job.push.failures").counters().stream().mapToDouble(x -> x.count()).sum())
                .isZero();
        for (PushRecorder c : room) {
            await().atMost(Duration.ofSeconds(10)).until(() -> c.bodies(1000).size() >= messages);
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> room.get(0).bodies(1001).size() >= messages);
        sleepQuietly(300); // a duplicate would arrive within this
        for (PushRecorder c : room) {
            assertThat(c.bodies(1000)).isEqualTo(seq("m", messages));
        }
        assertThat(room.get(0).bodies(1001)).isEqualTo(seq("k", messages));
        double throttled = meters.get("jgoim.job.throttle.rejected").tags("comet", "slow").counter().count();
        System.out.printf("late comet: %d late first answers, %.0f retries, %.0f local refusals%n",
                late.delayed.get(), meters.get("jgoim.job.retries").tags("comet", "slow").counter().count(),
                throttled);
        return throttled;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The comet's real push service, reached over a path that answers the first call of each request id late (after
     * the comet has delivered), and every later call at once: what job sees of a comet that was behind once.
     */
    private static final class LateFirstReply implements io.jgoim.protocol.rpc.CometService {
        private final io.jgoim.protocol.rpc.CometService comet;
        private final long delayMillis;
        private final java.util.Set<Long> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        final java.util.concurrent.atomic.AtomicInteger delayed = new java.util.concurrent.atomic.AtomicInteger();

        LateFirstReply(io.jgoim.protocol.rpc.CometService comet, long delayMillis) {
            this.comet = comet;
            this.delayMillis = delayMillis;
        }

        private <T> java.util.concurrent.CompletableFuture<T> answer(long requestId,
                java.util.concurrent.CompletableFuture<T> reply) {
            if (requestId == 0 || !seen.add(requestId)) {
                return reply;
            }
            delayed.incrementAndGet();
            java.util.concurrent.Executor later = java.util.concurrent.CompletableFuture.delayedExecutor(
                    delayMillis, TimeUnit.MILLISECONDS);
            return reply.thenApplyAsync(r -> r, later);
        }

        @Override
        public java.util.concurrent.CompletableFuture<io.jgoim.protocol.rpc.comet.PushMsgReply> pushMsg(
                io.jgoim.protocol.rpc.comet.PushMsgReq r) {
            return answer(r.getRequestId(), comet.pushMsg(r));
        }

        @Override
        public java.util.concurrent.CompletableFuture<io.jgoim.protocol.rpc.comet.BroadcastReply> broadcast(
                io.jgoim.protocol.rpc.comet.BroadcastReq r) {
            return answer(r.getRequestId(), comet.broadcast(r));
        }

        @Override
        public java.util.concurrent.CompletableFuture<io.jgoim.protocol.rpc.comet.BroadcastRoomReply> broadcastRoom(
                io.jgoim.protocol.rpc.comet.BroadcastRoomReq r) {
            return answer(r.getRequestId(), comet.broadcastRoom(r));
        }

        @Override
        public java.util.concurrent.CompletableFuture<io.jgoim.protocol.rpc.comet.RoomsReply> rooms(
                io.jgoim.protocol.rpc.comet.RoomsReq r) {
            return comet.rooms(r);
        }
    }
}
