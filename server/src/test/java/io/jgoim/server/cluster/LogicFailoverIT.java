package io.jgoim.server.cluster;

import io.jgoim.testkit.TcpProxy;
import io.grpc.ManagedChannel;
import io.jgoim.client.ClientTransports;
import io.jgoim.client.JgoimClient;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.logic.LogicChannels;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.session.RedisSessionDirectory;
import io.jgoim.logic.LogicConfig;
import io.jgoim.logic.LogicServer;
import io.jgoim.logic.node.LogicRegistration;
import io.jgoim.logic.push.InMemoryPushPublisher;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.testkit.RedisServer;
import io.jgoim.testkit.TestLimits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Several logic nodes (issue 16): two logic nodes register in the logic-node registry of a real Redis, a comet with
 * {@code logic.target: registry} balances its Connects over both, and when one stops under a steady stream of
 * connecting clients no auth fails — the stopping node turns NOT_SERVING and leaves the registry before its gRPC
 * server stops, and a Connect that still meets it UNAVAILABLE is retried on the other. A third node added later takes
 * calls without touching the comet.
 */
@Timeout(120)
class LogicFailoverIT {
    private record Logic(LogicServer server, LogicRegistration registration, PrometheusMeterRegistry meters,
                         RedisClients redis) implements AutoCloseable {
        double connects() {
            return meters.get("jgoim.logic.sessions.connected").counter().count();
        }

        /** A clean stop as NodeCommands does it: leave the registry, then stop the server. */
        @Override
        public void close() {
            registration.close();
            server.close();
            redis.close();
        }
    }

    private static Logic logic(Path dir, String id, String redisUri) throws Exception {
        return logic(dir, id, redisUri, null);
    }

    /** {@code proxyDelayMillis} non-null: comets reach this node through a {@link TcpProxy} (returned too). */
    private static Logic logic(Path dir, String id, String redisUri, TcpProxy[] proxy) throws Exception {
        Path yaml = dir.resolve(id + ".yaml");
        Files.writeString(yaml, "node: {id: \"" + id + "\"}\nhttp: {enabled: false}\n"
                + "grpc: {port: 0, registry: {refreshInterval: 300ms, ttl: 2s}}\n"
                + "redis: {uris: [\"" + redisUri + "\"]}\n");
        LogicConfig lc = LogicConfig.load(yaml, Map.of());
        PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        RedisClients redis = RedisClients.connect(lc.redis().uris(), false, lc.redis().commandTimeout(),
                lc.redis().requestQueueSize());
        LogicServer server = new LogicServer(lc, new RedisSessionDirectory(redis, lc.redis().sessionTtl(), meters),
                new InMemoryPushPublisher(), new RedisNodeRegistry(redis), meters);
        server.start();
        String advertise = lc.grpc().advertise();
        if (proxy != null) {
            proxy[0] = new TcpProxy(server.grpcAddress(), 30);
            advertise = proxy[0].address();
        }
        LogicRegistration registration = new LogicRegistration(
                new RedisNodeRegistry(redis, Clock.systemUTC(), RedisNodeRegistry.LOGIC), lc.grpc().registry(), id,
                LogicRegistration.advertised(advertise, server.grpcAddress()), Clock.systemUTC());
        registration.start();
        return new Logic(server, registration, meters, redis);
    }

    /** One comet with {@code logic.target: registry}, and clients that connect, authenticate and leave in a loop. */
    private static final class Comet implements AutoCloseable {
        final RedisClients redis;
        final ManagedChannel channel;
        final CometServer server;
        final EventLoopGroup group = ClientTransports.newEventLoopGroup(2);
        final AtomicInteger mids = new AtomicInteger();
        final List<String> failures = new ArrayList<>();

        Comet(Path dir, String redisUri) throws Exception {
            this(dir, redisUri, "");
        }

        /** {@code logicYaml}: more keys of the comet's {@code logic} section ({@code "a: 1, b: 2"}). */
        Comet(Path dir, String redisUri, String logicYaml) throws Exception {
            Path yaml = dir.resolve("comet.yaml");
            Files.writeString(yaml, "node: {id: \"comet-1\", host: \"127.0.0.1\"}\n"
                    + "tcp: {port: 0}\nwebSocket: {port: 0}\nwss: {enabled: false}\nrpc: {port: 0}\n"
                    + "admin: {enabled: false}\nlogic: {target: registry, refreshInterval: 300ms"
                    + (logicYaml.isEmpty() ? "" : ", " + logicYaml) + "}\n"
                    + "redis: {uris: [\"" + redisUri + "\"]}\n"
                    // Thousands of auths from 127.0.0.1 in seconds.
                    + TestLimits.OFF_YAML + "\n");
            CometConfig cc = CometConfig.load(yaml, Map.of());
            redis = cc.redis().connect();
            channel = LogicChannels.build(cc.logic(),
                    new RedisNodeRegistry(redis, Clock.systemUTC(), RedisNodeRegistry.LOGIC),
                    builder -> builder.usePlaintext());
            server = new CometServer(cc, new GrpcLogicClient(channel, Duration.ofSeconds(3)),
                    new RedisNodeRegistry(redis), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
            server.start();
        }

        /** One client: connect, authenticate (one Connect call to some logic node), close; a failure is kept. */
        void connectOne() {
            int mid = mids.incrementAndGet();
            try (JgoimClient client = JgoimClient.builder().host("127.0.0.1").port(server.tcpAddress().getPort())
                    .group(group).reconnect(false).goimToken(mid, "k" + mid, "live://1", "test", 1000).build()) {
                client.connect().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                synchronized (failures) {
                    failures.add(mid + ": " + e);
                }
            }
        }

        /** Clients connect one after another, 4 at a time, for {@code d}. */
        void connectFor(Duration d) throws InterruptedException {
            runFor(this::connectOne, d);
        }

        @Override
        public void close() {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            server.close();
            channel.shutdownNow();
            redis.close();
        }
    }

    @Test
    void shouldBalanceOverLogicNodesAndLoseNoAuthWhenOneStops(@TempDir Path dir) throws Exception {
        try (RedisServer redisServer = RedisServer.start()) {
            String uri = redisServer.uri();
            Logic a = logic(dir, "logic-a", uri);
            Logic b = logic(dir, "logic-b", uri);
            Logic c = null;
            try (Comet comet = new Comet(dir, uri)) {
                // Both nodes take Connects.
                comet.connectFor(Duration.ofSeconds(3));
                assertThat(a.connects()).as("logic-a's connects").isPositive();
                assertThat(b.connects()).as("logic-b's connects").isPositive();

                // logic-b stops while clients keep connecting: no auth fails.
                Thread stopper = new Thread(() -> {
                    sleep(1_000);
                    b.close();
                });
                stopper.start();
                comet.connectFor(Duration.ofSeconds(4));
                stopper.join();
                double bAtStop = b.connects();
                double aBefore = a.connects();
                comet.connectFor(Duration.ofSeconds(1));
                assertThat(a.connects()).as("logic-a takes every connect after the stop").isGreaterThan(aBefore);
                assertThat(b.connects()).isEqualTo(bAtStop);

                // A new logic node registers and takes calls, with no change to the comet.
                c = logic(dir, "logic-c", uri);
                Logic added = c;
                await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                    comet.connectFor(Duration.ofMillis(500));
                    assertThat(added.connects()).isPositive();
                });
                assertThat(comet.failures).as("auth failures across the stop").isEmpty();
                assertThat(comet.mids.get()).isGreaterThan(50);
            } finally {
                a.close();
                if (c != null) {
                    c.close();
                }
            }
        }
    }

    /**
     * A logic node that crashes (its connections reset, its registry entry left until its ttl) while Connects are in
     * flight on it: each of them is retried on the other node, so none fails.
     */
    @Test
    void shouldRetryConnectsInFlightOnALogicNodeThatCrashes(@TempDir Path dir) throws Exception {
        try (RedisServer redisServer = RedisServer.start()) {
            String uri = redisServer.uri();
            Logic a = logic(dir, "logic-a", uri);
            TcpProxy[] proxy = new TcpProxy[1];
            Logic b = logic(dir, "logic-b", uri, proxy);
            try (Comet comet = new Comet(dir, uri)) {
                comet.connectFor(Duration.ofSeconds(2));
                assertThat(b.connects()).as("logic-b's connects (through its proxy)").isPositive();
                Thread crash = new Thread(() -> {
                    sleep(700);
                    proxy[0].cut();
                });
                crash.start();
                comet.connectFor(Duration.ofSeconds(3));
                crash.join();
                assertThat(comet.failures).as("auth failures across the crash").isEmpty();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    /**
     * A logic node that hangs for its comet (every packet between them dropped, its connections left open, its
     * registry entry refreshed: a partition between comet and logic, or a firewall that forgot the connection): the
     * Connects sent to it time out, and the comet's keepalive pings, unanswered, take the node out of its balancing
     * soon after, so new Connects all go to the other node.
     */
    @Test
    void shouldStopSendingConnectsToALogicNodeThatHangs(@TempDir Path dir) throws Exception {
        try (RedisServer redisServer = RedisServer.start()) {
            String uri = redisServer.uri();
            Logic a = logic(dir, "logic-a", uri);
            TcpProxy[] proxy = new TcpProxy[1];
            Logic b = logic(dir, "logic-b", uri, proxy);
            try (Comet comet = new Comet(dir, uri, "keepAlive: 10s, keepAliveTimeout: 1s")) {
                comet.connectFor(Duration.ofSeconds(2));
                assertThat(b.connects()).as("logic-b's connects (through its proxy)").isPositive();
                assertThat(comet.failures).isEmpty();
                proxy[0].hang();
                // Within keepAlive + keepAliveTimeout (+ the 3 s Connect deadline of a call sent just before) the
                // hung node is out.
                comet.connectFor(Duration.ofSeconds(16));
                int duringDetection = comet.failures.size();
                comet.failures.clear();
                comet.connectFor(Duration.ofSeconds(4));
                System.out.printf("LogicFailoverIT[hang]: %d Connects failed (deadline) before the hung node was "
                        + "taken out, then %d of the next 4 s%n", duringDetection, comet.failures.size());
                assertThat(comet.failures).as("Connects failed after the hung node should have been out").isEmpty();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static void runFor(Runnable connectOne, Duration d) throws InterruptedException {
        long end = System.nanoTime() + d.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    connectOne.run();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
