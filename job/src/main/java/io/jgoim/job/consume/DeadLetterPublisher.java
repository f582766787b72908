package io.jgoim.job.consume;

import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import io.jgoim.common.kafka.KafkaPaths;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

/**
 * Sends records job cannot use to {@code <topic>.DLT}: the original key, value and headers, plus headers saying why
 * and where from ({@link #REASON}, {@link #CATEGORY}, {@link #TOPIC}, {@link #PARTITION}, {@link #OFFSET},
 * {@link #TIMESTAMP}). The record's slot is done once the dead-letter write is acknowledged (acks=all, idempotent), so
 * a poison record never blocks its partition and is never lost. Thread-safe (KafkaProducer is).
 */
final class DeadLetterPublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeadLetterPublisher.class);

    static final String REASON = "jgoim.dlt.reason";
    static final String CATEGORY = "jgoim.dlt.category";
    /** Every category a record is dead-lettered under (the {@code reason} tag of jgoim_job_dead_lettered). */
    static final java.util.List<String> CATEGORIES =
            java.util.List.of("undecodable", "invalid", "unknown_topic", "bad_event", "internal", "dlt_write_failed");
    static final String TOPIC = "jgoim.dlt.original.topic";
    static final String PARTITION = "jgoim.dlt.original.partition";
    static final String OFFSET = "jgoim.dlt.original.offset";
    static final String TIMESTAMP = "jgoim.dlt.original.timestamp";

    private final JobConfig.KafkaConfig config;
    private final JobMetrics metrics;
    private final KafkaProducer<byte[], byte[]> producer;

    DeadLetterPublisher(JobConfig config, JobMetrics metrics) {
        this.config = config.kafka();
        this.metrics = metrics;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.config.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, config.node().id() + "-dlt");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        KafkaPaths.connections(p);
        this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Dead-letters {@code rec}; {@code category} is a short metric tag, {@code reason} the full explanation. */
    void send(ConsumerRecord<byte[], byte[]> rec, String category, String reason, OffsetSlot slot) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : rec.headers()) {
            headers.add(h);
        }
        headers.add(REASON, utf8(reason));
        headers.add(CATEGORY, utf8(category));
        headers.add(TOPIC, utf8(rec.topic()));
        headers.add(PARTITION, utf8(Integer.toString(rec.partition())));
        headers.add(OFFSET, utf8(Long.toString(rec.offset())));
        headers.add(TIMESTAMP, utf8(Long.toString(rec.timestamp())));
        String dlt = config.deadLetterTopic(rec.topic());
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(dlt, null, rec.key(), rec.value(), headers);
        producer.send(out, (md, error) -> {
            if (error != null) {
                // The producer already retried for delivery.timeout.ms; keep the partition moving and say so loudly.
                log.error("cannot dead-letter {}-{}@{} to {}: {}", rec.topic(), rec.partition(), rec.offset(), dlt,
                        error.toString());
                metrics.deadLettered(rec.topic(), "dlt_write_failed").increment();
            } else {
                metrics.deadLettered(rec.topic(), category).increment();
            }
            slot.markDone();
        });
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Waits for every pending write. */
    void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }

    /** Drops the producer without waiting (crash simulation). */
    void abort() {
        producer.close(Duration.ZERO);
    }
}
