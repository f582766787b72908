package io.jgoim.server.cluster;

import io.jgoim.common.health.KafkaTopicProbe;
import io.jgoim.common.history.RedisHistoryStore;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.server.NodeProbes;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One job of a {@link Cluster}, wired as {@code jgoim job} wires it: its own Redis connection for the registry,
 * the routes and a {@link RedisHistoryStore} (room positions), consuming the push topic in the cluster's group.
 * {@link #stop()} is the graceful close (finish in flight, commit, leave the group).
 */
public final class JobNode {
    private final String id;
    private final JobServer server;
    private final RedisClients redis;
    private final PrometheusMeterRegistry meters;
    private final KafkaTopicProbe kafkaProbe;
    private volatile boolean running = true;

    private JobNode(String id, JobServer server, RedisClients redis, PrometheusMeterRegistry meters,
                    KafkaTopicProbe kafkaProbe) {
        this.kafkaProbe = kafkaProbe;
        this.id = id;
        this.server = server;
        this.redis = redis;
        this.meters = meters;
    }

    /**
     * @param historyYaml extra top-level YAML ending with the {@code history:} section (appendTimeout follows)
     * @param extraYaml   more top-level YAML (a section every node shares, e.g. {@code tracing:})
     */
    static JobNode start(Path dir, String id, String redisUri, String kafka, String topic, String historyYaml,
                         String extraYaml, Duration registryRefresh) throws IOException {
        Path yaml = dir.resolve(id + "-" + System.nanoTime() + ".yaml");
        Files.writeString(yaml, "node: {id: \"" + id + "\"}\n"
                + "kafka: {bootstrapServers: \"" + kafka + "\", pushTopic: \"" + topic + "\", groupId: \"job-" + topic
                + "\", autoOffsetReset: earliest}\n"
                + "comet: {registryRefresh: " + registryRefresh.toMillis() + "ms}\n"
                + "metrics: {port: 0}\n"
                + "shutdown: {drainTimeout: 5s}\n"
                + "redis: {uris: [\"" + redisUri + "\"], commandTimeout: 2s}\n"
                + historyYaml + "  appendTimeout: 3s\n" + extraYaml);
        JobConfig jc = JobConfig.load(yaml, Map.of());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RedisClients redis = jc.redis().connect();
        RedisSessionDirectory sessions = new RedisSessionDirectory(redis, Duration.ofMinutes(30), meters);
        JobServer server = new JobServer(jc, new RedisNodeRegistry(redis), sessions, meters,
                new RedisHistoryStore(redis, meters));
        KafkaTopicProbe probe = NodeProbes.job(server, jc, redis);
        server.start();
        return new JobNode(id, server, redis, meters, probe);
    }

    public String id() {
        return id;
    }

    public JobServer server() {
        return server;
    }

    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public boolean isRunning() {
        return running;
    }

    /** Room batches whose history append failed (sent without position). */
    public double appendFailures() {
        return meters.find("jgoim.job.history.append.failures").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count).sum();
    }

    /** The graceful close (SIGTERM). */
    public synchronized void stop() {
        if (running) {
            running = false;
            server.close();
            kafkaProbe.close();
            redis.close();
        }
    }
}
