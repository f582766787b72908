package io.jgoim.server;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.client.Transport;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobServer;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.push.KafkaPushPublisher;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.testkit.KafkaBroker;
import io.jgoim.testkit.RedisServer;
import io.jgoim.testkit.TestLimits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A cluster in one JVM on port 0: logic (gRPC, HTTP, Redis routing, Kafka publishing), two comets registered in Redis
 * and calling logic over gRPC, and job consuming Kafka and pushing to the comets over gRPC — against a real
 * redis-server and a real Kafka broker.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterIT {
    private static RedisServer redis;
    private static KafkaBroker kafka;
    private static RedisClients redisClients;
    private static LogicServer logic;
    private static KafkaPushPublisher publisher;
    private static ManagedChannel logicChannel;
    private static CometServer cometA;
    private static CometServer cometB;
    private static JobServer job;
    private static EventLoopGroup group;
    private static String api;
    private static final List<JgoimClient> clients = new ArrayList<>();

    @BeforeAll
    static void start(@TempDir Path dir) throws IOException {
        redis = RedisServer.start();
        kafka = KafkaBroker.start();
        String topic = "push-" + UUID.randomUUID();
        kafka.createTopics(4, topic);
        Map<String, String> env = Map.of();

        Path logicYaml = write(dir, "logic.yaml", "http: {port: 0}\ngrpc: {port: 0}\n"
                + "redis: {uris: [\"" + redis.uri() + "\"]}\n"
                + "kafka: {bootstrapServers: \"" + kafka.bootstrapServers() + "\", topic: \"" + topic
                + "\", upstreamTopic: \"\"}\n"
                + "online: {aggregateInterval: 500ms}\n");
        LogicConfig lc = LogicConfig.load(logicYaml, env);
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        redisClients = RedisClients.connect(lc.redis().uris(), false, lc.redis().commandTimeout(),
                lc.redis().requestQueueSize());
        RedisNodeRegistry nodes = new RedisNodeRegistry(redisClients);
        RedisSessionDirectory sessions = new RedisSessionDirectory(redisClients, lc.redis().sessionTtl(), meters);
        publisher = new KafkaPushPublisher(lc.kafka(), lc.node().id(), meters);
        logic = new LogicServer(lc, sessions, publisher, nodes, meters);
        logic.start();
        api = "http://127.0.0.1:" + logic.httpAddress().getPort();
        logicChannel = NettyChannelBuilder.forAddress("127.0.0.1", logic.grpcAddress().getPort()).usePlaintext()
                .build();

        cometA = comet(dir, "comet-a", nodes);
        cometB = comet(dir, "comet-b", nodes);

        Path jobYaml = write(dir, "job.yaml", "kafka: {bootstrapServers: \"" + kafka.bootstrapServers()
                + "\", pushTopic: \"" + topic + "\", groupId: \"job-" + topic + "\", autoOffsetReset: earliest}\n"
                + "metrics: {port: 0}\n");
        job = new JobServer(JobConfig.load(jobYaml, env), nodes, sessions,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        job.start();
        group = ClientTransports.newEventLoopGroup(1);
    }

    private static CometServer comet(Path dir, String id, RedisNodeRegistry nodes) throws IOException {
        Path yaml = write(dir, id + ".yaml", "node: {id: \"" + id + "\"}\n"
                + "tcp: {port: 0}\nwebSocket: {port: 0}\nwss: {enabled: false}\nrpc: {port: 0}\nadmin: {port: 0}\n"
                + "online: {reportInterval: 500ms}\nregistry: {refreshInterval: 500ms}\n"
                + "shutdown: {drainTime: 500ms}\n"
                // The clients here beat faster than a real one; the other limits stay at their defaults.
                + TestLimits.FAST_HEARTBEATS_YAML + "\n");
        CometConfig cc = CometConfig.load(yaml, Map.of());
        CometServer c = new CometServer(cc, new GrpcLogicClient(logicChannel, Duration.ofSeconds(3)), nodes,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        c.start();
        return c;
    }

    private static Path write(Path dir, String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    @AfterAll
    static void stop() {
        clients.forEach(JgoimClient::close);
        for (AutoCloseable c : new AutoCloseable[] {job, cometA, cometB, logic, publisher}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
        if (logicChannel != null) {
            logicChannel.shutdownNow();
        }
        if (redisClients != null) {
            redisClients.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        if (kafka != null) {
            kafka.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static JgoimClient connect(CometServer comet, Transport t, long mid, String key, String room,
                                       Pushes pushes) throws Exception {
        int port = t == Transport.TCP ? comet.tcpAddress().getPort() : comet.wsAddress().getPort();
        JgoimClient c = JgoimClient.builder().host("127.0.0.1").port(port).transport(t)
                .goimToken(mid, key, room, "test", 1000).heartbeatInterval(Duration.ofMillis(300)).reconnect(false)
                .group(group).listener(pushes).build();
        c.connect().get(10, TimeUnit.SECONDS);
        clients.add(c);
        return c;
    }

    @Test
    void shouldServeAUserAndARoomSpreadOverTwoComets() throws Exception {
        Pushes onA = new Pushes();
        Pushes onB = new Pushes();
        JgoimClient a = connect(cometA, Transport.TCP, 900, "dev-a-900", "live://77", onA);
        JgoimClient b = connect(cometB, Transport.WEBSOCKET, 900, "dev-b-900", "live://77", onB);

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Pushes.post(api, "/goim/push/mids?operation=1000&mids=900", "by-mid");
            return onA.received.contains("1000:by-mid") && onB.received.contains("1000:by-mid");
        });
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Pushes.post(api, "/goim/push/room?operation=1000&type=live&room=77", "room-77");
            return onA.received.contains("1000:room-77") && onB.received.contains("1000:room-77");
        });

        // Online counts add up across the two comets: both report, logic sums, heartbeats carry the sum.
        await().atMost(Duration.ofSeconds(20)).until(() -> a.onlineCount() == 2 && b.onlineCount() == 2);
        assertThat(Pushes.get(api, "/goim/online/room?type=live&rooms=77").body()).contains("\"77\":2");
    }

    @Test
    void shouldKeepServingWhenAcometStopsAndDropItsRoutes() throws Exception {
        Pushes survivor = new Pushes();
        Pushes doomed = new Pushes();
        CometServer extra = comet(Files.createTempDirectory("jgoim-extra"), "comet-c",
                new RedisNodeRegistry(redisClients));
        connect(cometB, Transport.TCP, 950, "survivor-950", "live://88", survivor);
        connect(extra, Transport.TCP, 950, "doomed-950", "live://88", doomed);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Pushes.post(api, "/goim/push/mids?operation=1000&mids=950", "before");
            return survivor.received.contains("1000:before") && doomed.received.contains("1000:before");
        });
        assertThat(Pushes.post(api, "/goim/push/mids?operation=1000&mids=950", "count").body())
                .contains("\"routed\":2");

        extra.close();
        // Its sessions are gone, and so are their routes: a push by mid now reaches only the survivor.
        await().atMost(Duration.ofSeconds(20)).until(() -> Pushes.post(api,
                "/goim/push/mids?operation=1000&mids=950", "probe").body().contains("\"routed\":1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Pushes.post(api, "/goim/push/room?operation=1000&type=live&room=88", "after");
            return survivor.received.contains("1000:after");
        });
        assertThat(doomed.received).doesNotContain("1000:after");
    }
}
