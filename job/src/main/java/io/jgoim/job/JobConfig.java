package io.jgoim.job;

import io.jgoim.common.metrics.TenantLabels;
import io.jgoim.common.kafka.TopicsConfig;
import io.jgoim.common.config.Checks;
import io.jgoim.common.http.access.AdminKey;
import io.jgoim.common.http.access.ApiKeySpec;
import io.jgoim.common.overload.ThrottleConfig;
import io.jgoim.common.tracing.TracingConfig;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.common.health.HealthConfig;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.history.Retention;
import io.jgoim.common.logging.LoggingConfig;
import io.jgoim.common.redis.RedisConnectionConfig;
import io.jgoim.common.tls.TlsClientConfig;
import io.jgoim.common.tls.TlsServerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The job node's configuration: embedded defaults ({@code jgoim/job-defaults.yaml}), then the operator's file, then
 * {@code JGOIM_*} environment overrides, validated here so that nothing starts with a bad value. Immutable.
 *
 * @param node     identity of this job instance
 * @param bus      where pushes come from: Kafka (cluster) or the in-process bus (standalone)
 * @param kafka    consumer, commit and dead-letter settings
 * @param events   domain-event topics (comment, play-history) and the ops they become
 * @param dispatch ordered lanes
 * @param batch    room batching
 * @param comet    calls to comets and discovery
 * @param retry    retries of failed comet calls
 * @param metrics  the /metrics endpoint
 * @param shutdown graceful stop
 * @param redis    the node registry (comet discovery) and session store (play-history lookups) in a cluster
 * @param history  which room streams keep history (job gives their batches positions) and how long an append waits
 * @param health   readiness probes and grace per dependency (kafka, comets, redis)
 * @param logging  log line format and levels (docs/operations.md, Logs)
 */
public record JobConfig(NodeConfig node, BusConfig bus, KafkaConfig kafka, EventsConfig events,
                        DispatchConfig dispatch, BatchConfig batch, CometConfig comet, RetryConfig retry,
                        MetricsConfig metrics, ShutdownConfig shutdown, RedisConnectionConfig redis,
                        JobHistoryConfig history, HealthConfig health,
                        LoggingConfig logging, TracingConfig tracing, TenantLabels tenants) {
    public static final String DEFAULTS = "jgoim/job-defaults.yaml";

    public JobConfig {
        Checks.notNull(node, "node");
        Checks.notNull(tracing, "tracing");
        Checks.notNull(bus, "bus");
        Checks.notNull(kafka, "kafka");
        Checks.notNull(events, "events");
        Checks.notNull(dispatch, "dispatch");
        Checks.notNull(batch, "batch");
        Checks.notNull(comet, "comet");
        Checks.notNull(retry, "retry");
        Checks.notNull(metrics, "metrics");
        Checks.notNull(shutdown, "shutdown");
        Checks.notNull(redis, "redis");
        Checks.notNull(history, "history");
        Checks.notNull(health, "health");
        health.requireKnown(java.util.Set.of("kafka", "comets", "redis"));
        Checks.notNull(logging, "logging");
        Checks.notNull(tenants, "tenants");
    }

    /** Loads defaults, then {@code file} (may be null), then env overrides; throws ConfigException naming the key. */
    /** Every topic this job consumes from or produces to: what {@code kafka.topics} checks at start. */
    public java.util.List<String> kafkaTopics() {
        java.util.List<String> out = new java.util.ArrayList<>(4);
        out.add(kafka.pushTopic());
        out.add(kafka.pushTopic() + kafka.deadLetterSuffix());
        out.add(events.comment().topic());
        out.add(events.playHistory().topic());
        out.removeIf(String::isEmpty);
        return out;
    }

    public static JobConfig load(Path file, Map<String, String> env) {
        return ConfigLoader.load(JobConfig.class, DEFAULTS, file, env);
    }

    /** The embedded defaults alone (tests and standalone start from these). */
    public static JobConfig defaults() {
        return load(null, Map.of());
    }

    /** This config with the in-process bus (standalone: no Kafka consumer is started). */
    public JobConfig inProcess() {
        return new JobConfig(node, new BusConfig(BusConfig.IN_PROCESS, bus.capacity()), kafka, events, dispatch, batch,
                comet, retry, metrics, shutdown, redis, history, health, logging,
                tracing, tenants);
    }

    /** @param id this instance's name, used as the Kafka client id */
    public record NodeConfig(String id) {
        public NodeConfig {
            Checks.notBlank(id, "node.id");
        }
    }

    /** @param mode {@code kafka} (consume the push topic) or {@code in-process} (standalone; no Kafka) */
    public record BusConfig(String mode, int capacity) {
        public static final String KAFKA = "kafka";
        public static final String IN_PROCESS = "in-process";

        public BusConfig {
            Checks.check(KAFKA.equals(mode) || IN_PROCESS.equals(mode),
                    "bus.mode must be 'kafka' or 'in-process', was '" + mode + "'");
            Checks.positive(capacity, "bus.capacity");
        }

        public boolean isKafka() {
            return KAFKA.equals(mode);
        }
    }

    /**
     * @param bootstrapServers   Kafka brokers, host:port[,host:port]
     * @param groupId            consumer group shared by every job instance
     * @param pushTopic          the topic logic publishes PushMsg records to
     * @param deadLetterSuffix   appended to a topic's name to name its dead-letter topic
     * @param maxPollRecords     records per poll (bounded work per duty cycle)
     * @param pollTimeout        how long one poll waits for records
     * @param commitInterval     how often completed offsets are committed (also on revocation and stop)
     * @param maxInFlightRecords records dispatched but not yet accepted by comets before polling pauses
     * @param revokeTimeout      how long a revocation or stop waits for in-flight pushes before committing
     * @param sessionTimeout     consumer group session timeout
     * @param autoOffsetReset    where a group with no committed offset starts: {@code latest} or {@code earliest}
     */
    public record KafkaConfig(String bootstrapServers, String groupId, String pushTopic, String deadLetterSuffix,
                              int maxPollRecords, Duration pollTimeout, Duration commitInterval,
                              int maxInFlightRecords, Duration revokeTimeout, Duration sessionTimeout,
                              String autoOffsetReset, TopicsConfig topics) {
        public KafkaConfig {
            Checks.notBlank(bootstrapServers, "kafka.bootstrapServers");
            Checks.notBlank(groupId, "kafka.groupId");
            Checks.notBlank(pushTopic, "kafka.pushTopic");
            Checks.notBlank(deadLetterSuffix, "kafka.deadLetterSuffix");
            Checks.check(topics != null, "kafka.topics is required");
            Checks.positive(maxPollRecords, "kafka.maxPollRecords");
            Checks.positive(pollTimeout, "kafka.pollTimeout");
            Checks.positive(commitInterval, "kafka.commitInterval");
            Checks.positive(maxInFlightRecords, "kafka.maxInFlightRecords");
            Checks.check(maxInFlightRecords >= maxPollRecords,
                    "kafka.maxInFlightRecords must be >= kafka.maxPollRecords");
            Checks.positive(revokeTimeout, "kafka.revokeTimeout");
            Checks.positive(sessionTimeout, "kafka.sessionTimeout");
            Checks.check("latest".equals(autoOffsetReset) || "earliest".equals(autoOffsetReset),
                    "kafka.autoOffsetReset must be 'latest' or 'earliest', was '" + autoOffsetReset + "'");
        }

        /** The dead-letter topic of {@code topic}: {@code <topic>.DLT} by default. */
        public String deadLetterTopic(String topic) {
            return topic + deadLetterSuffix;
        }
    }

    /** Domain events: each topic may be empty (disabled). */
    public record EventsConfig(EventTopic comment, EventTopic playHistory, int maxContentBytes) {
        public EventsConfig {
            Checks.notNull(comment, "events.comment");
            Checks.notNull(playHistory, "events.playHistory");
            Checks.positive(maxContentBytes, "events.maxContentBytes");
            Checks.check(comment.topic().isEmpty() || !comment.topic().equals(playHistory.topic()),
                    "events.comment.topic and events.playHistory.topic must differ");
        }
    }

    /**
     * @param topic     the topic (empty = disabled)
     * @param operation the op the event is pushed with (a business op, ≥ 1000)
     */
    public record EventTopic(String topic, int operation) {
        public EventTopic {
            Checks.notNull(topic, "events.*.topic");
            Checks.check(operation >= 1000, "events.*.operation must be a business op >= 1000, was " + operation);
        }

        public boolean enabled() {
            return !topic.isEmpty();
        }
    }

    /** @param lanes ordered dispatch lanes (one thread each); a room or key always maps to the same lane */
    public record DispatchConfig(int lanes) {
        public DispatchConfig {
            Checks.positive(lanes, "dispatch.lanes");
            Checks.check(lanes <= 256, "dispatch.lanes must be <= 256, was " + lanes);
        }
    }

    /**
     * @param size     messages per room batch (and per room call a lane gathers while the previous one is in flight)
     * @param window   0 (default): no clock, a room's messages go as soon as the lane has them, gathered only with
     *                 those already waiting; above 0, an optional cap of one batch per room per window
     * @param maxBytes a batch is also sent once its frames reach this many bytes
     */
    public record BatchConfig(int size, Duration window, int maxBytes) {
        public BatchConfig {
            Checks.positive(size, "batch.size");
            Checks.notNull(window, "batch.window");
            Checks.check(!window.isNegative(), "batch.window must be >= 0, was " + window);
            Checks.positive(maxBytes, "batch.maxBytes");
        }
    }

    /**
     * @param callDeadline    deadline of every call to a comet
     * @param registryRefresh how often the comet list is re-read from the node registry
     * @param roomsRefresh    how often each comet is asked which rooms it hosts
     * @param filterRooms     send a room push only to comets that reported the room (false = every comet)
     * @param emptyRegistryGrace how long the known comets are kept while the registry lists none at all (a registry
     *                        store restarted empty: comets re-register at their next refresh)
     * @param waitForComets   how long room and broadcast pushes wait (in order, uncommitted) while job knows no comet
     *                        at all, before they are counted as sent to no comet (0 = never wait)
     * @param throttle        client-side adaptive throttling of the calls to each comet (Google SRE)
     * @param roomAck         what a room call's answer waits for: {@code accepted} (every event loop of the comet
     *                        took the batch into a pass; the reply counts the members it was handed to) or
     *                        {@code written} (every loop wrote it; the reply counts sessions written and dropped)
     * @param keepAlive       HTTP/2 keepalive of each comet's channel ({@code io.jgoim.common.grpc.KeepAlive}; 0 = off)
     * @param keepAliveTimeout how long a keepalive ping may go unanswered before the connection is given up
     */
    public record CometConfig(Duration callDeadline, Duration registryRefresh, Duration roomsRefresh,
                              boolean filterRooms, Duration emptyRegistryGrace, Duration waitForComets,
                              Duration keepAlive, Duration keepAliveTimeout,
                              TlsClientConfig tls, ThrottleConfig throttle, String roomAck) {
        public static final String ROOM_ACK_ACCEPTED = "accepted";
        public static final String ROOM_ACK_WRITTEN = "written";

        public CometConfig {
            Checks.check(ROOM_ACK_ACCEPTED.equals(roomAck) || ROOM_ACK_WRITTEN.equals(roomAck),
                    "comet.roomAck must be 'accepted' or 'written', was '" + roomAck + "'");
            Checks.notNull(throttle, "comet.throttle");
            Checks.notNull(tls, "comet.tls");
            Checks.notNull(emptyRegistryGrace, "comet.emptyRegistryGrace");
            Checks.notNull(waitForComets, "comet.waitForComets");
            Checks.positive(callDeadline, "comet.callDeadline");
            Checks.positive(registryRefresh, "comet.registryRefresh");
            Checks.positive(roomsRefresh, "comet.roomsRefresh");
            Checks.notNull(keepAlive, "comet.keepAlive");
            Checks.check(!keepAlive.isNegative(), "comet.keepAlive must not be negative (0 = off)");
            Checks.positive(keepAliveTimeout, "comet.keepAliveTimeout");
        }

        /** True when room calls are answered once every event loop of the comet took the batch into a pass. */
        public boolean roomsAnsweredAccepted() {
            return ROOM_ACK_ACCEPTED.equals(roomAck);
        }
    }

    /**
     * @param maxAttempts         attempts per comet call, the first included
     * @param backoff             wait before the first retry; doubles per retry
     * @param maxBackoff          cap of the wait
     * @param budgetRatio         retries allowed per first attempt, per comet (0.2 = at most 20% extra calls)
     * @param minRetriesPerSecond retries always allowed per comet, whatever the ratio
     */
    public record RetryConfig(int maxAttempts, Duration backoff, Duration maxBackoff, double budgetRatio,
                              int minRetriesPerSecond) {
        public RetryConfig {
            Checks.positive(maxAttempts, "retry.maxAttempts");
            Checks.positive(backoff, "retry.backoff");
            Checks.positive(maxBackoff, "retry.maxBackoff");
            Checks.check(budgetRatio >= 0 && budgetRatio <= 10, "retry.budgetRatio must be in [0, 10], was "
                    + budgetRatio);
            Checks.nonNegative(minRetriesPerSecond, "retry.minRetriesPerSecond");
        }
    }

    /**
     * @param enabled serve /metrics and /health (open) and the {@code /admin/*} routes (log levels), which need one of
     *                {@code apiKeys} with scope admin (none: refused)
     * @param port    0 = any free port
     */
    public record MetricsConfig(boolean enabled, String host, int port, TlsServerConfig tls, List<AdminKey> apiKeys) {
        public MetricsConfig {
            Checks.notNull(tls, "metrics.tls");
            Checks.notBlank(host, "metrics.host");
            Checks.port(port, "metrics.port");
            apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
            ApiKeySpec.validateAll("metrics.apiKeys", apiKeys);
        }
    }

    /** @param drainTimeout how long close() waits for in-flight pushes before committing and closing */
    public record ShutdownConfig(Duration drainTimeout) {
        public ShutdownConfig {
            Checks.positive(drainTimeout, "shutdown.drainTimeout");
        }
    }

    /** This config with {@code streams} as its history rules (standalone: logic's history section rules both). */
    public JobConfig withHistory(HistoryConfig streams) {
        return new JobConfig(node, bus, kafka, events, dispatch, batch, comet, retry, metrics, shutdown, redis,
                new JobHistoryConfig(streams.rooms(), streams.members(), streams.broadcast(),
                        history.appendTimeout()), health, logging, tracing, tenants);
    }

    /**
     * The {@code history:} section, the same shape as logic's ({@code rooms} by room type, {@code "*"} for every
     * other type; {@code members}; {@code broadcast}) plus job's own {@code appendTimeout}. Job reads the room and
     * broadcast parts: it appends room batches and broadcasts; member streams are sequenced by logic at publish.
     *
     * @param rooms         retention per room type; size 0 = that type keeps no history (goim: no positions)
     * @param members       retention of members' personal streams (logic's business; here for one shared shape)
     * @param broadcast     retention of the broadcast stream; size 0 = broadcasts carry no position (goim)
     * @param appendTimeout the longest a room batch or a broadcast waits for its positions; then it goes without
     */
    public record JobHistoryConfig(Map<String, Retention> rooms, Retention members, Retention broadcast,
                                   Duration appendTimeout) {
        public JobHistoryConfig {
            Checks.notNull(rooms, "history.rooms");
            for (Map.Entry<String, Retention> e : rooms.entrySet()) {
                Checks.notNull(e.getValue(), "history.rooms." + e.getKey());
            }
            Checks.notNull(members, "history.members");
            Checks.notNull(broadcast, "history.broadcast");
            Checks.positive(appendTimeout, "history.appendTimeout");
            rooms = Map.copyOf(rooms);
        }

        /** Which streams keep history, as the store's callers share it. */
        public HistoryConfig streams() {
            return new HistoryConfig(rooms, members, broadcast);
        }
    }
}
