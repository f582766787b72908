package io.jgoim.logic.push;

import io.jgoim.logic.KafkaRecords;
import io.jgoim.logic.KafkaConfig;
import io.jgoim.logic.LogicConfig;
import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.PushPublisher;
import io.jgoim.testkit.KafkaBroker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

@Tag("kafka")
class KafkaPushPublisherIT extends PushPublisherContract {
    private final KafkaBroker kafka = KafkaBroker.shared();
    private final String topic = "publisher-" + UUID.randomUUID();
    private KafkaPushPublisher publisher;

    private KafkaPushPublisher create(String upstreamTopic) {
        kafka.createTopics(3, topic);
        KafkaConfig c = LogicConfig.load(null, Map.of("JGOIM_KAFKA_BOOTSTRAP_SERVERS",
                kafka.bootstrapServers(), "JGOIM_KAFKA_TOPIC", topic, "JGOIM_KAFKA_UPSTREAM_TOPIC", upstreamTopic))
                .kafka();
        publisher = new KafkaPushPublisher(c, "publisher-it", new SimpleMeterRegistry());
        return publisher;
    }

    @AfterEach
    void close() {
        if (publisher != null) {
            publisher.close();
        }
    }

    @Override
    PushPublisher publisher() {
        return create("");
    }

    @Override
    List<Map.Entry<String, PushMsg>> published(int atLeast) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>(
                KafkaRecords.read(kafka.bootstrapServers(), topic, atLeast, Duration.ofSeconds(10)));
        // Order holds within a partition, and one key maps to one partition: sort by (partition, offset).
        records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        List<Map.Entry<String, PushMsg>> out = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            try {
                out.add(Map.entry(r.key(), PushMsg.parseFrom(r.value())));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    @Test
    void shouldSkipUpstreamWhenNoTopicIsConfigured() {
        KafkaPushPublisher p = create("");
        p.publishUpstream("k", new byte[] {1}).join();
        assertThat(published(0)).isEmpty();
    }
}
