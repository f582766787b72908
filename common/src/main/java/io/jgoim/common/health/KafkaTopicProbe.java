package io.jgoim.common.health;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

/**
 * Probes Kafka the way a producer or consumer of {@code topic} needs it: a broker answers a metadata request and
 * every partition of the topic has a leader. It holds its own small admin client (one connection, no records), so
 * it also answers while the node is idle, when its producer or consumer has nothing to tell. Owns the admin client.
 */
public final class KafkaTopicProbe implements Probe, AutoCloseable {
    private final Admin admin;
    private final String topic;
    private final int timeoutMillis;

    public KafkaTopicProbe(String bootstrapServers, String clientId, String topic, Duration timeout) {
        this.topic = topic;
        this.timeoutMillis = (int) Math.max(1, timeout.toMillis());
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-health");
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMillis));
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(timeoutMillis));
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "1000");
        p.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "100");
        this.admin = Admin.create(p);
    }

    @Override
    public CompletableFuture<?> check() {
        return admin.describeTopics(List.of(topic), new DescribeTopicsOptions().timeoutMs(timeoutMillis))
                .allTopicNames().toCompletionStage().toCompletableFuture().thenApply(all -> {
                    TopicDescription d = all.get(topic);
                    for (TopicPartitionInfo p : d.partitions()) {
                        if (p.leader() == null || p.leader().isEmpty()) {
                            throw new IllegalStateException("partition " + topic + "-" + p.partition()
                                    + " has no leader");
                        }
                    }
                    return d;
                });
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(1));
    }
}
