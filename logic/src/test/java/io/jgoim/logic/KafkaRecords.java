package io.jgoim.logic;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Reads a topic from the beginning for tests (no consumer group). */
public final class KafkaRecords {
    private KafkaRecords() {
    }

    /** Every record of {@code topic} until at least {@code atLeast} arrived or {@code within} passed. */
    public static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, int atLeast,
                                                           Duration within) {
        return read(bootstrap, topic, r -> true, atLeast, within);
    }

    /** Every record of {@code topic} until {@code atLeast} of them match or {@code within} passed. */
    public static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic,
                                                           Predicate<ConsumerRecord<String, byte[]>> match,
                                                           int atLeast, Duration within) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(10)).forEach(p -> parts.add(new TopicPartition(topic,
                    p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long deadline = System.nanoTime() + within.toNanos();
            int matched = 0;
            while (matched < atLeast && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
                    out.add(r);
                    if (match.test(r)) {
                        matched++;
                    }
                }
            }
            // One more short poll so that tests asserting "exactly n" see extra records too.
            c.poll(Duration.ofMillis(200)).forEach(out::add);
        }
        return out;
    }
}
