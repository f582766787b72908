package io.jgoim.logic;

import io.jgoim.common.config.Checks;
import io.jgoim.common.kafka.TopicsConfig;

import java.time.Duration;

/** The push bus producer. */
public record KafkaConfig(String bootstrapServers, String topic, String upstreamTopic, Duration sendTimeout,
                          Duration linger, int maxPendingSends, TopicsConfig topics) {
    public KafkaConfig {
        Checks.notBlank(bootstrapServers, "kafka.bootstrapServers");
        Checks.notBlank(topic, "kafka.topic");
        upstreamTopic = upstreamTopic == null ? "" : upstreamTopic;
        Checks.positive(sendTimeout, "kafka.sendTimeout");
        Checks.check(sendTimeout.toMillis() >= 200, "kafka.sendTimeout must be >= 200ms");
        Checks.check(linger != null && !linger.isNegative(), "kafka.linger must be >= 0");
        Checks.check(linger.compareTo(sendTimeout) < 0, "kafka.linger must be below kafka.sendTimeout");
        Checks.positive(maxPendingSends, "kafka.maxPendingSends");
        Checks.check(topics != null, "kafka.topics is required");
    }
}
