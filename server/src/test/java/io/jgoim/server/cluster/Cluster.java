package io.jgoim.server.cluster;

import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.health.KafkaTopicProbe;
import io.jgoim.common.history.RedisHistoryStore;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.server.NodeProbes;
import io.jgoim.logic.push.KafkaPushPublisher;
import io.jgoim.testkit.FreePorts;
import io.jgoim.testkit.KafkaBroker;
import io.jgoim.testkit.RedisServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A whole jgoim cluster in one JVM, wired as the {@code jgoim logic|job|comet} commands wire it, on real parts: a
 * {@code redis-server} child process (routes, registry, online counts and stream history), a KRaft Kafka broker of
 * its own (push topic with 4 partitions), one logic (HTTP API, gRPC, {@link RedisHistoryStore} for member positions
 * and History reads), N comets (each with its own gRPC channel to logic and Redis connection) and M jobs (each with
 * its own Redis connection and {@link RedisHistoryStore} for room positions, one consumer group).
 *
 * <p>Redis commands time out after 2 s and job's history appends after 3 s (defaults 500 ms and 1 s): the two shared
 * cores of the test box can stall a whole JVM for longer than the defaults, and a timed-out append that Redis still
 * carried out is a duplicate for position-aware clients (see the report of issue 13's cluster tests).
 *
 * <p>Faults: a comet can be stopped (SIGTERM: graceful drain), killed ({@link CometNode#kill()}: in-JVM SIGKILL),
 * restarted on its ports, added; a job started and stopped; Redis restarted empty; Kafka stopped and restarted
 * ({@link #kafka()}). Methods are not thread-safe: call them from the test thread.
 */
public final class Cluster implements AutoCloseable {
    /** Rooms keep 2,000 messages and members 500: far more than any client misses during a restart here. */
    public static final String DEFAULT_HISTORY = "history:\n  rooms:\n    \"*\": {size: 2000, ttl: 10m}\n"
            + "  members: {size: 500, ttl: 1h}\n";

    /** How to build a cluster. */
    public record Options(int comets, int jobs, String history, String cometYaml, String logicYaml, String jobYaml,
                          String nodeYaml, Duration jobRegistryRefresh, Duration cometJoinTimeout) {
        public static Options of(int comets, int jobs) {
            return new Options(comets, jobs, DEFAULT_HISTORY, "", "", "", "", Duration.ofMillis(500), Duration.ZERO);
        }

        /** The comets' {@code registry.joinTimeout} (0, the default: no join). */
        public Options cometJoinTimeout(Duration timeout) {
            return new Options(comets, jobs, history, cometYaml, logicYaml, jobYaml, nodeYaml, jobRegistryRefresh,
                    timeout);
        }

        /** Extra comet YAML (top-level keys not set by the fixture, e.g. {@code outbound:}). */
        public Options cometYaml(String yaml) {
            return new Options(comets, jobs, history, yaml, logicYaml, jobYaml, nodeYaml, jobRegistryRefresh,
                    cometJoinTimeout);
        }

        /** Extra logic YAML (top-level keys not set by the fixture). */
        public Options logicYaml(String yaml) {
            return new Options(comets, jobs, history, cometYaml, yaml, jobYaml, nodeYaml, jobRegistryRefresh,
                    cometJoinTimeout);
        }

        /** Extra job YAML (top-level keys not set by the fixture, e.g. {@code health:}). */
        public Options jobYaml(String yaml) {
            return new Options(comets, jobs, history, cometYaml, logicYaml, yaml, nodeYaml, jobRegistryRefresh,
                    cometJoinTimeout);
        }

        /** Extra YAML for every node, logic, comets and jobs (a section they share, e.g. {@code tracing:}). */
        public Options nodeYaml(String yaml) {
            return new Options(comets, jobs, history, cometYaml, logicYaml, jobYaml, yaml, jobRegistryRefresh,
                    cometJoinTimeout);
        }

        /** Job's {@code comet.registryRefresh} (500 ms unless set). */
        public Options jobRegistryRefresh(Duration every) {
            return new Options(comets, jobs, history, cometYaml, logicYaml, jobYaml, nodeYaml, every,
                    cometJoinTimeout);
        }
    }

    private final Path dir;
    private final Options options;
    private final RedisServer redis;
    private final KafkaBroker kafka;
    private final String topic;
    private final RedisClients logicRedis;
    private final KafkaPushPublisher publisher;
    private final KafkaTopicProbe logicKafkaProbe;
    private final LogicServer logic;
    private final RedisHistoryStore logicHistory;
    private final RedisClients testRedis;
    private final RedisHistoryStore testHistory;
    private final Map<String, CometNode> comets = new LinkedHashMap<>();
    private final Map<String, JobNode> jobs = new LinkedHashMap<>();
    private int cometIds;
    private int jobIds;

    private Cluster(Path dir, Options options) throws IOException {
        this.dir = dir;
        this.options = options;
        this.redis = RedisServer.start();
        this.kafka = KafkaBroker.start();
        this.topic = "push-" + UUID.randomUUID();
        kafka.createTopics(4, topic);

        Path logicYaml = dir.resolve("logic.yaml");
        Files.writeString(logicYaml, "http: {port: 0}\ngrpc: {port: 0}\n"
                + "redis: {uris: [\"" + redis.uri() + "\"], commandTimeout: 2s}\n"
                + "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\", topic: \"" + topic
                + "\", upstreamTopic: \"\", sendTimeout: 2s}\n"
                + "online: {aggregateInterval: 500ms}\n"
                // Clients share this JVM's CPU: no adaptive shedding (PushSheddingIT tests it with an injected CPU).
                + "overload: {enabled: false}\n"
                + options.history() + options.logicYaml() + options.nodeYaml());
        LogicConfig lc = LogicConfig.load(logicYaml, Map.of());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        logicRedis = RedisClients.connect(lc.redis().uris(), false, lc.redis().commandTimeout(),
                lc.redis().requestQueueSize());
        RedisSessionDirectory sessions = new RedisSessionDirectory(logicRedis, lc.redis().sessionTtl(),
                lc.redis().sessionWriteWindow(), lc.redis().sessionWriteQueue(), meters, java.time.Clock.systemUTC());
        publisher = new KafkaPushPublisher(lc.kafka(), lc.node().id(), meters);
        logicHistory = new RedisHistoryStore(logicRedis, meters);
        logic = new LogicServer(lc, sessions, publisher, new RedisNodeRegistry(logicRedis), meters, publisher,
                logicHistory);
        logicKafkaProbe = NodeProbes.logic(logic, lc, logicRedis);
        logic.start();
        testRedis = RedisClients.connect(List.of(redis.uri()), false, Duration.ofSeconds(2), 10_000);
        testHistory = new RedisHistoryStore(testRedis, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        for (int i = 0; i < options.comets(); i++) {
            addComet();
        }
        for (int i = 0; i < options.jobs(); i++) {
            addJob();
        }
    }

    /** Starts Redis, Kafka, logic, then the comets and the jobs of {@code options}. */
    public static Cluster start(Path dir, Options options) {
        try {
            return new Cluster(dir, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** logic's HTTP API, {@code http://127.0.0.1:port}. */
    public String api() {
        return "http://127.0.0.1:" + logic.httpAddress().getPort();
    }

    public LogicServer logic() {
        return logic;
    }

    /** The push topic logic publishes to and the jobs consume (4 partitions). */
    public String topic() {
        return topic;
    }

    public RedisServer redis() {
        return redis;
    }

    public KafkaBroker kafka() {
        return kafka;
    }

    /** A history store over the cluster's Redis for the test's own reads (its own connection). */
    public HistoryStore history() {
        return testHistory;
    }

    /** The comets running now, in the order they were added. */
    public List<CometNode> comets() {
        List<CometNode> out = new ArrayList<>();
        for (CometNode c : comets.values()) {
            if (c.isRunning()) {
                out.add(c);
            }
        }
        return out;
    }

    public CometNode comet(String id) {
        return comets.get(id);
    }

    /** The jobs running now. */
    public List<JobNode> jobs() {
        return jobs.values().stream().filter(JobNode::isRunning).toList();
    }

    /** Starts a new comet on free ports (outside the ephemeral range: it may restart on them), registered in Redis, and waits until every job knows it. */
    public CometNode addComet() {
        String id = "comet-" + (++cometIds);
        return startComet(id, FreePorts.next(), FreePorts.next(), FreePorts.next(), true);
    }

    /**
     * Starts a new comet on free ports and returns as soon as its start returned, as an operator sees it: its
     * clients may connect at once (the comet's own join decides when they can).
     */
    public CometNode addCometAsIs() {
        String id = "comet-" + (++cometIds);
        return startComet(id, FreePorts.next(), FreePorts.next(), FreePorts.next(), false);
    }

    private CometNode startComet(String id, int tcp, int ws, int rpc, boolean awaitJobs) {
        try {
            CometNode c = CometNode.start(dir, id, redis.uri(), logic.grpcAddress().getPort(), tcp, ws, rpc,
                    options.cometYaml() + options.nodeYaml(), options.cometJoinTimeout());
            comets.put(id, c);
            for (JobNode j : awaitJobs ? jobs() : List.<JobNode>of()) {
                awaitKnows(j, id);
            }
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until {@code job} knows the comet: without the comet's join ({@code registry.joinTimeout} 0, the
     * default) job learns of it at its next registry read, and a room push it dispatches before then skips the comet;
     * with the join, the comet's start already waited for that. A new job knows the comets after its first read.
     */
    private static void awaitKnows(JobNode job, String cometId) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        while (job.server().comets().comet(cometId) == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(job.id() + " did not learn of " + cometId + " within 15 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Stops the comet as SIGTERM does (graceful drain). */
    public void stopComet(String id) {
        comets.get(id).stop();
    }

    /** Kills the comet abruptly ({@link CometNode#kill()}). */
    public void killComet(String id) {
        comets.get(id).kill();
    }

    /**
     * Restarts the comet: stops it gracefully when it runs (nothing more if it was killed), then starts a new one
     * with the same node id and the same TCP, WebSocket and gRPC ports.
     */
    public CometNode restartComet(String id) {
        CometNode old = comets.get(id);
        old.stop();
        long deadline = System.nanoTime() + RESTART_BIND_PATIENCE.toNanos();
        while (true) {
            try {
                return startComet(id, old.tcpPort(), old.wsPort(), old.rpcPort(), true);
            } catch (IllegalStateException e) {
                // Twice (ReconnectStormIT, once on a quiet machine) a restart found one of its own former ports
                // taken by a socket that was not a listener. Say which socket, and wait for it a while instead of
                // failing the test on the first try; a port still taken after that fails as before.
                if (!String.valueOf(e.getMessage()).startsWith("cannot bind") || System.nanoTime() > deadline) {
                    throw e;
                }
                System.out.println("Cluster: restart of " + id + ": " + e.getMessage() + "; sockets on its ports:\n"
                        + socketsOn(old.tcpPort(), old.wsPort(), old.rpcPort()));
                try {
                    Thread.sleep(250);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    /** How long a restart waits for its former ports to be bindable again. */
    private static final Duration RESTART_BIND_PATIENCE = Duration.ofSeconds(10);

    /** What {@code ss} says of the sockets bound to {@code ports} (diagnostics; "" if ss cannot run). */
    private static String socketsOn(int... ports) {
        StringBuilder filter = new StringBuilder();
        for (int p : ports) {
            filter.append(filter.length() == 0 ? "( " : " or ").append("sport = :").append(p);
        }
        filter.append(" )");
        try {
            Process ss = new ProcessBuilder("ss", "-tanpe", filter.toString()).redirectErrorStream(true).start();
            String out = new String(ss.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            ss.waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
            return out.lines().limit(20).collect(java.util.stream.Collectors.joining("\n"));
        } catch (IOException e) {
            return "(ss: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** Starts a new job in the cluster's consumer group. */
    public JobNode addJob() {
        String id = "job-" + (++jobIds);
        try {
            JobNode j = JobNode.start(dir, id, redis.uri(), kafka.bootstrapServers(), topic,
                    options.jobYaml() + options.history(), options.nodeYaml(), options.jobRegistryRefresh());
            jobs.put(id, j);
            for (CometNode c : comets()) {
                awaitKnows(j, c.id());
            }
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the job gracefully. */
    public void stopJob(String id) {
        jobs.get(id).stop();
    }

    /** Stops the job gracefully and starts a new one with the same id in the same group. */
    public JobNode restartJob(String id) {
        jobs.get(id).stop();
        try {
            JobNode j = JobNode.start(dir, id, redis.uri(), kafka.bootstrapServers(), topic,
                    options.jobYaml() + options.history(), options.nodeYaml(), options.jobRegistryRefresh());
            jobs.put(id, j);
            for (CometNode c : comets()) {
                awaitKnows(j, c.id());
            }
            return j;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills Redis (SIGKILL) and starts it again, empty, on the same port; every client reconnects by itself. */
    public void restartRedisEmpty() {
        redis.restart();
    }

    @Override
    public void close() {
        List<AutoCloseable> order = new ArrayList<>();
        for (JobNode j : jobs.values()) {
            order.add(j::stop);
        }
        for (CometNode c : comets.values()) {
            order.add(c::stop);
        }
        order.add(logic);
        order.add(logicKafkaProbe);
        order.add(publisher);
        order.add(logicHistory);
        order.add(logicRedis);
        order.add(testHistory);
        order.add(testRedis);
        order.add(kafka);
        order.add(redis);
        for (AutoCloseable c : order) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort: the next part still gets closed
            }
        }
    }
}
