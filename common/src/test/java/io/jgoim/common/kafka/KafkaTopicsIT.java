package io.jgoim.common.kafka;

import io.jgoim.common.config.ConfigException;
import io.jgoim.testkit.FreePorts;
import io.jgoim.testkit.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The start-up topic check against a real KRaft broker: create, refuse, or say the brokers are unreachable. */
@Timeout(90)
class KafkaTopicsIT {
    private static final KafkaBroker KAFKA = KafkaBroker.shared();

    private static String name(String what) {
        return "topics-it-" + what + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldCreateMissingTopicsWithTheConfiguredPartitionsOnce() throws Exception {
        String a = name("a");
        String b = name("b");
        KAFKA.createTopics(2, b); // one exists already: left as it is
        TopicsConfig config = new TopicsConfig(true, 3, -1, Duration.ofSeconds(20));
        assertThat(KafkaTopics.ensure(KAFKA.bootstrapServers(), List.of(a, b, ""), config)).containsExactly(a);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            // A created topic reaches the broker's metadata a moment later (KRaft applies it asynchronously): until
            // then describe answers UnknownTopicOrPartition, which a loaded CI machine showed once.
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                Map<String, TopicDescription> d = admin.describeTopics(List.of(a, b)).allTopicNames().get();
                assertThat(d.get(a).partitions()).hasSize(3);
                assertThat(d.get(b).partitions()).hasSize(2);
            });
        }
        assertThat(KafkaTopics.ensure(KAFKA.bootstrapServers(), List.of(a, b), config)).isEmpty();
    }

    @Test
    void shouldRefuseToStartNamingTheMissingTopicWhenItMayNotCreateIt() {
        String missing = name("missing");
        TopicsConfig config = new TopicsConfig(false, 4, 1, Duration.ofSeconds(20));
        assertThatThrownBy(() -> KafkaTopics.ensure(KAFKA.bootstrapServers(), List.of(missing), config))
                .isInstanceOf(ConfigException.class)
                .hasMessage("kafka: topic " + missing + " missing on " + KAFKA.bootstrapServers()
                        + " and kafka.topics.create is false; create it, e.g. kafka-topics.sh --bootstrap-server"
                        + " <broker> --create --topic " + missing + " --partitions 4 --replication-factor 1"
                        + " (docs/operations.md, Kafka topics)");
    }

    @Test
    void shouldSayNoBrokerAnsweredWithinTheCheckTimeout() throws Exception {
        int dead = FreePorts.next();  // nothing listens there: connections are refused
        TopicsConfig config = new TopicsConfig(true, 1, -1, Duration.ofSeconds(1));
        assertThatThrownBy(() -> KafkaTopics.ensure("127.0.0.1:" + dead, List.of("t"), config))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("kafka: no broker at 127.0.0.1:" + dead + " answered within 1000 ms"
                        + " (kafka.bootstrapServers; is the broker up and reachable?)");
    }

    @Test
    void shouldRefuseABadReplicationFactor() {
        assertThatThrownBy(() -> new TopicsConfig(true, 1, 0, Duration.ofSeconds(1)))
                .isInstanceOf(ConfigException.class).hasMessageContaining("kafka.topics.replicationFactor");
    }
}
