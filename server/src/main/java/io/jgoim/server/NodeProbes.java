package io.jgoim.server;

import io.grpc.ManagedChannel;
import io.jgoim.comet.CometServer;
import io.jgoim.common.health.GrpcChannelProbe;
import io.jgoim.common.health.KafkaTopicProbe;
import io.jgoim.common.health.RedisPing;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;

/**
 * What each cluster node's readiness watches, in one place for the {@code jgoim comet | logic | job} commands and the
 * cluster tests that wire nodes the same way (docs/operations.md, "Health and readiness"):
 * <ul>
 *   <li>comet: logic (critical: new sessions are authenticated there), Redis (shown only: the sessions here keep
 *   receiving pushes while the registry is away);</li>
 *   <li>logic: Redis and Kafka (both critical: routes and auth live in Redis, every push goes through Kafka);</li>
 *   <li>job: Kafka (critical: it cannot consume without it), Redis (shown only: the known comets are kept while
 *   the registry is away); job itself adds the comets it knows.</li>
 * </ul>
 * Call before the node's {@code start()}. The Kafka probes hold an admin client each: the caller closes them after
 * the node.
 */
public final class NodeProbes {
    private NodeProbes() {
    }

    public static void comet(CometServer comet, ManagedChannel logicChannel, RedisClients redis) {
        comet.health().watch("logic", true, new GrpcChannelProbe(logicChannel));
        comet.health().watch("redis", false, new RedisPing(redis));
    }

    /** @return the Kafka probe, to close after the node */
    public static KafkaTopicProbe logic(LogicServer logic, LogicConfig config, RedisClients redis) {
        logic.health().watch("redis", true, new RedisPing(redis));
        KafkaTopicProbe kafka = new KafkaTopicProbe(config.kafka().bootstrapServers(), config.node().id(),
                config.kafka().topic(), config.health().probeTimeout());
        logic.health().watch("kafka", true, kafka);
        return kafka;
    }

    /** @return the Kafka probe, to close after the node */
    public static KafkaTopicProbe job(JobServer job, JobConfig config, RedisClients redis) {
        job.health().watch("redis", false, new RedisPing(redis));
        KafkaTopicProbe kafka = new KafkaTopicProbe(config.kafka().bootstrapServers(), config.node().id(),
                config.kafka().pushTopic(), config.health().probeTimeout());
        job.health().watch("kafka", true, kafka);
        return kafka;
    }
}
