package io.jgoim.job;

import com.google.protobuf.ByteString;
import io.jgoim.job.comet.DirectCometDirectory;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.testkit.KafkaBroker;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The Kafka bus held to the same push-path contract, against a real KRaft broker. */
@Tag("kafka")
class KafkaPushPathIT extends PushPathContract {
    static KafkaBroker broker;
    static KafkaProducer<String, byte[]> producer;
    private String topic;

    @BeforeAll
    static void startBroker() {
        broker = KafkaBroker.shared();
        producer = producer(broker);
    }

    @AfterAll
    static void closeProducer() {
        producer.close();
    }

    static KafkaProducer<String, byte[]> producer(KafkaBroker broker) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, "1",
                // Ordered without idempotence: the in-JVM broker on a busy 2-core box made idempotent batches expire
                // and re-sequence (OUT_OF_ORDER_SEQUENCE_NUMBER loops); one request in flight keeps order on retry.
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"),
                new StringSerializer(), new ByteArraySerializer());
    }

    /** Kafka settings for a job on a fresh topic and group (env names and values), then {@code extra}. */
    static String[] kafkaEnv(String topic, String group, String... extra) {
        List<String> env = new ArrayList<>(List.of(
                "JGOIM_BUS_MODE", "kafka",
                "JGOIM_KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                "JGOIM_KAFKA_PUSH_TOPIC", topic,
                "JGOIM_KAFKA_GROUP_ID", group,
                "JGOIM_KAFKA_AUTO_OFFSET_RESET", "earliest",
                "JGOIM_KAFKA_COMMIT_INTERVAL", "50ms",
                "JGOIM_KAFKA_POLL_TIMEOUT", "20ms",
                "JGOIM_EVENTS_COMMENT_TOPIC", topic + "-comment",
                "JGOIM_EVENTS_PLAY_HISTORY_TOPIC", topic + "-play"));
        env.addAll(Arrays.asList(extra));
        return env.toArray(new String[0]);
    }

    @Override
    protected JobServer startJob(DirectCometDirectory comets, String... overrides) {
        topic = "push-" + UUID.randomUUID();
        broker.createTopics(4, topic, topic + "-comment", topic + "-play");
        List<String> env = new ArrayList<>(Arrays.asList(kafkaEnv(topic, "g-" + topic)));
        env.addAll(Arrays.asList(overrides));
        JobServer s = new JobServer(TestConfigs.config(env.toArray(new String[0])), comets, sessions, registry);
        s.start();
        return s;
    }

    @Override
    protected void publish(String recordKey, PushMsg msg) {
        producer.send(new ProducerRecord<>(topic, recordKey, msg.toByteArray()));
    }

    @Override
    protected void flushPublishes() {
        producer.flush();
    }

    @Test
    void shouldObserveTheKafkaLegOncePerPushRecordThatCarriesItsCreationTime() {
        start();
        long created = System.currentTimeMillis() - 60_000;
        PushMsg old = room("live://age", "one").toBuilder().setCreatedAtMs(created).build();
        publish("live://age", old);
        publish("live://age", old.toBuilder().setMsg(ByteString.copyFromUtf8("two")).build());
        // an older logic sets no creation time: nothing to observe
        publish("live://age", old.toBuilder().clearCreatedAtMs().setMsg(ByteString.copyFromUtf8("three")).build());
        flushPublishes();

        await().atMost(Duration.ofSeconds(30)).until(() -> c1.roomBodies("live://age").size() == 3);
        Timer age = registry.get("jgoim.job.consume.age").timer();
        assertThat(age.count()).isEqualTo(2);
        assertThat(age.max(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(60_000);
    }

    @AfterEach
    void checkCommitted() {
        // nothing extra: each contract test already waits for in-flight to reach zero where it matters
    }
}
