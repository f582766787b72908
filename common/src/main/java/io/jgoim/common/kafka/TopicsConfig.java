package io.jgoim.common.kafka;

import io.jgoim.common.config.Checks;

import java.time.Duration;

/**
 * What a node does about its Kafka topics at start ({@code kafka.topics} in logic's and job's config): create the
 * missing ones ({@code create}) with {@code partitions} and {@code replicationFactor} (-1: the broker's
 * {@code default.replication.factor}), or refuse to start naming them; {@code checkTimeout} bounds the whole check,
 * so a node whose brokers are unreachable says so instead of waiting.
 */
public record TopicsConfig(boolean create, int partitions, int replicationFactor, Duration checkTimeout) {
    public TopicsConfig {
        Checks.positive(partitions, "kafka.topics.partitions");
        Checks.check(replicationFactor == -1 || replicationFactor >= 1,
                "kafka.topics.replicationFactor must be -1 (the broker's default) or >= 1, was " + replicationFactor);
        Checks.positive(checkTimeout, "kafka.topics.checkTimeout");
    }
}
