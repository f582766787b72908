package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.common.session.InMemorySessionDirectory;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.testkit.KafkaBroker;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Room positions through a real Kafka broker: push records and comment events of one room get contiguous positions
 * (the record's topic/partition/offset is the history dedupe id), and a second job replaying the same records from the
 * start (a fresh consumer group: the seek back a restart with uncommitted offsets does) sends every one of them with
 * the position it got the first time, without appending it again; new records continue after them.
 */
@Tag("kafka")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RoomPositionsKafkaIT {
    private static final String ROOM = "live://replay";
    static KafkaBroker broker;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.shared();
        producer = KafkaPushPathIT.producer(broker);
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    private static JobServer job(String topic, String group, RecordingCometService comet,
                                 CountingHistoryStore store) {
        JobConfig cfg = TestConfigs.config("JGOIM_BUS_MODE", "kafka",
                "JGOIM_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "JGOIM_KAFKA_PUSH_TOPIC", topic,
                "JGOIM_KAFKA_GROUP_ID", group,
                "JGOIM_KAFKA_AUTO_OFFSET_RESET", "earliest",
                "JGOIM_KAFKA_COMMIT_INTERVAL", "50ms",
                "JGOIM_KAFKA_POLL_TIMEOUT", "20ms",
                "JGOIM_EVENTS_COMMENT_TOPIC", topic + "-comment",
                "JGOIM_EVENTS_PLAY_HISTORY_TOPIC", topic + "-play",
                "JGOIM_BATCH_SIZE", "4",
                "JGOIM_BATCH_WINDOW", "20ms");
        DirectCometDirectory dir = new DirectCometDirectory(cfg.comet(), cfg.retry()).add("c1", comet);
        JobServer s = new JobServer(cfg, dir, new InMemorySessionDirectory(Duration.ofMinutes(1)),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), store);
        s.start();
        return s;
    }

    private static void publishRoom(String topic, String body) {
        PushMsg m = PushMsg.newBuilder().setType(PushMsg.Type.ROOM).setOperation(1000).setRoom(ROOM)
                .setMsg(ByteString.copyFromUtf8(body)).setCreatedAtMs(System.currentTimeMillis()).build();
        producer.send(new ProducerRecord<>(topic, ROOM, m.toByteArray()));
    }

    private static void publishComment(String topic, String id) {
        String json = "{\"room_id\":\"" + ROOM + "\",\"comment_id\":\"" + id + "\",\"mid\":5,\"content\":\"hi\"}";
        producer.send(new ProducerRecord<>(topic + "-comment", ROOM, json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void shouldKeepEachRecordsPositionWhenItIsConsumedAgain() {
        String topic = "positions-" + UUID.randomUUID();
        broker.createTopics(2, topic, topic + "-comment", topic + "-play");
        CountingHistoryStore store = new CountingHistoryStore(); // stands for the cluster's shared store
        List<String> pushes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            publishRoom(topic, "p" + i);
            pushes.add("p" + i);
            if (i % 4 == 0) {
                publishComment(topic, "c" + i);
            }
        }
        producer.flush();
        int total = 13;

        RecordingCometService first = new RecordingCometService("c1");
        Map<String, Long> firstOffsets;
        try (JobServer job = job(topic, "g1-" + topic, first, store)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> first.roomOffsets(ROOM).size() == total);
            firstOffsets = first.roomOffsets(ROOM);
        }
        // Every record got a position, 1..13 with none twice; the push records (one partition) in their order.
        assertThat(new HashSet<>(firstOffsets.values())).isEqualTo(
                Set.copyOf(LongStream.rangeClosed(1, total).boxed().toList()));
        List<Long> pushOffsets = pushes.stream().map(firstOffsets::get).toList();
        assertThat(pushOffsets).isSorted();
        int appendsBefore = store.appends(ROOM).size();
        assertThat(store.appends(ROOM)).allMatch(a -> a.dedupeIds() != null && !a.dedupeIds().contains(null));

        RecordingCometService second = new RecordingCometService("c1");
        try (JobServer job = job(topic, "g2-" + topic, second, store)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> second.roomOffsets(ROOM).size() == total);
            assertThat(second.roomOffsets(ROOM)).isEqualTo(firstOffsets);
            assertThat(store.read(ROOM, 0, 100, false).join().top()).isEqualTo(total);

            publishRoom(topic, "new1");
            publishRoom(topic, "new2");
            producer.flush();
            await().atMost(Duration.ofSeconds(30)).until(() -> second.roomOffsets(ROOM).size() == total + 2);
            assertThat(second.roomOffsets(ROOM)).containsEntry("new1", (long) total + 1)
                    .containsEntry("new2", (long) total + 2);
        }
        assertThat(store.appends(ROOM).size()).isGreaterThan(appendsBefore);
        assertThat(store.read(ROOM, 0, 100, false).join().top()).isEqualTo(total + 2);
    }
}
