package io.jgoim.server.cluster;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.comet.CometServer;
import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.node.RpcListener;
import io.jgoim.common.redis.RedisClients;
import io.jgoim.common.registry.RedisNodeRegistry;
import io.jgoim.common.tracing.GrpcTracing;
import io.jgoim.server.NodeProbes;
import io.jgoim.protocol.rpc.GrpcLogicClient;
import io.jgoim.testkit.TestLimits;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One comet of a {@link Cluster}, as its own process would have it: its own gRPC channel to logic and its own Redis
 * connection for the node registry. {@link #stop()} is what SIGTERM does (the graceful close: drain with goodbyes and
 * node hints, routes removed, deregistered); {@link #kill()} is the closest in-JVM equivalent of SIGKILL (see there).
 * A comet restarted through the cluster keeps its node id and its TCP, WebSocket and gRPC ports, as a process
 * restarted on the same host would.
 */
public final class CometNode {
    private final String id;
    private final CometServer server;
    private final ManagedChannel logicChannel;
    private final RedisClients redis;
    private volatile boolean running = true;

    private CometNode(String id, CometServer server, ManagedChannel logicChannel, RedisClients redis) {
        this.id = id;
        this.server = server;
        this.logicChannel = logicChannel;
        this.redis = redis;
    }

    /** Starts a comet; ports 0 pick free ones (read them back from {@link #server()}). */
    static CometNode start(Path dir, String id, String redisUri, int logicGrpcPort, int tcpPort, int wsPort,
                           int rpcPort, String extraYaml, Duration joinTimeout) throws IOException {
        Path yaml = dir.resolve(id + "-" + System.nanoTime() + ".yaml");
        Files.writeString(yaml, "node: {id: \"" + id + "\", host: \"127.0.0.1\"}\n"
                + "tcp: {port: " + tcpPort + "}\nwebSocket: {port: " + wsPort + "}\nwss: {enabled: false}\n"
                + "rpc: {port: " + rpcPort + "}\nadmin: {port: 0}\n"
                + "online: {reportInterval: 500ms}\nregistry: {refreshInterval: 500ms, ttl: 15s, joinTimeout: "
                + joinTimeout.toMillis() + "ms}\n"
                + "shutdown: {drainTime: 3s}\n"
                + TestLimits.OFF_YAML + "\n"
                // Clients share this JVM's CPU: adaptive shedding would refuse their auths here (AuthSheddingIT and
                // OverloadReconnectIT test it with an injected CPU reading).
                + "overload: {enabled: false}\n"
                + "redis: {uris: [\"" + redisUri + "\"], commandTimeout: 2s}\n"
                + extraYaml);
        CometConfig cc = CometConfig.load(yaml, Map.of());
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", logicGrpcPort).usePlaintext()
                .intercept(GrpcTracing.clientIf(cc.tracing().enabled())).build();
        RedisClients redis = cc.redis().connect();
        // The gRPC deadline is the comet's logicTimeout, as CometMain sets it (a test that raises logicTimeout
        // raises both; a fixed 3 s here once cut every Connect of a slow storm at 3 s whatever the test set).
        CometServer server = new CometServer(cc, new GrpcLogicClient(channel, cc.protocol().logicTimeout()),
                new RedisNodeRegistry(redis), new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        NodeProbes.comet(server, channel, redis);
        try {
            server.start();
        } catch (RuntimeException e) {
            channel.shutdownNow();
            redis.close();
            throw e;
        }
        return new CometNode(id, server, channel, redis);
    }

    public String id() {
        return id;
    }

    public CometServer server() {
        return server;
    }

    public boolean isRunning() {
        return running;
    }

    /** {@code 127.0.0.1:port} of the TCP listener. */
    public String tcp() {
        return "127.0.0.1:" + server.tcpAddress().getPort();
    }

    /** {@code 127.0.0.1:port} of the WebSocket listener. */
    public String ws() {
        return "127.0.0.1:" + server.wsAddress().getPort();
    }

    /** {@code http://127.0.0.1:port} of the admin port (/metrics, /health, /health/live, /health/ready). */
    public String admin() {
        return "http://127.0.0.1:" + server.adminAddress().getPort();
    }

    int tcpPort() {
        return server.tcpAddress().getPort();
    }

    int wsPort() {
        return server.wsAddress().getPort();
    }

    int rpcPort() {
        return server.rpcAddress().getPort();
    }

    /** What SIGTERM does: the comet's graceful close (drain within {@code shutdown.drainTime}, then stop). */
    public synchronized void stop() {
        if (!running) {
            return;
        }
        running = false;
        server.close();
        logicChannel.shutdownNow();
        redis.close();
    }

    /**
     * The closest in-JVM equivalent of SIGKILL: nothing the comet would say on its way out gets out. Its gRPC channel
     * to logic is cut first (so no Disconnect reaches logic: the routes stay in Redis, as after a crash), then its
     * event loops are shut down with no quiet period, which closes every socket they hold - client sessions (a FIN,
     * no goodbye, no hints), listeners, job's gRPC connections - and ends the registry refresh timers, so the
     * registry entry expires after its TTL instead of being removed. Its Redis connection closes as a dead process's
     * would. The comet is not closed afterwards (its close would try to drain).
     */
    public synchronized void kill() {
        if (!running) {
            return;
        }
        running = false;
        logicChannel.shutdownNow();
        RpcListener rpc = field(server, "rpc", RpcListener.class);
        EventLoopGroup workers = field(server, "workers", EventLoopGroup.class);
        EventLoopGroup boss = field(server, "boss", EventLoopGroup.class);
        // The listening sockets first, closed and waited for: twice a killed comet's listener outlived its event
        // loops' termination (ss showed it LISTENing in this JVM with a full backlog), and the restart on the same
        // port then failed with "Address already in use" (ReconnectStormIT, CI and a quiet machine).
        io.jgoim.comet.node.Listeners listeners = field(server, "listeners", io.jgoim.comet.node.Listeners.class);
        if (listeners != null) {
            listeners.close();
        }
        if (rpc != null) {
            // Before the event loops stop: its shutdown waits for its channels to close on them, and once they were
            // gone that wait never ended (ReconnectStormIT hung here).
            rpc.halt(); // its own loops too (rpc.ioThreads)
        }
        for (EventLoopGroup g : List.of(workers, boss)) {
            g.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
        }
        server.health().close();
        for (EventLoopGroup g : List.of(workers, boss)) {
            g.terminationFuture().syncUninterruptibly();
        }
        redis.close();
    }

    /**
     * This comet loses Redis for good (its connection closed, as when a partition cuts it from Redis alone): its
     * registry entry is no longer refreshed and expires after its ttl, while its clients, logic and job still reach it.
     */
    public synchronized void loseRedis() {
        redis.close();
    }

    /**
     * The in-JVM likeness of a frozen process (SIGSTOP, a long stop-the-world pause, a hung host) for what the comet's
     * peers see: every event loop (boss, session loops, the gRPC listener's own) is blocked, so its sockets stay open
     * and take bytes (job's calls, clients' heartbeats) while nothing is read, answered or written, until the returned
     * thaw runs; then the loops work off what piled up. Unlike SIGSTOP the comet's other threads (Redis client,
     * timers of the registry refresh) keep running: its registry entry does not expire.
     */
    public synchronized Runnable freeze() {
        CountDownLatch thaw = new CountDownLatch(1);
        List<CountDownLatch> frozen = new ArrayList<>();
        RpcListener rpc = field(server, "rpc", RpcListener.class);
        List<EventLoopGroup> groups = new ArrayList<>(List.of(field(server, "workers", EventLoopGroup.class),
                field(server, "boss", EventLoopGroup.class)));
        if (rpc != null && rpc.ownLoops() != null) {
            groups.add(rpc.ownLoops());
        }
        for (EventLoopGroup g : groups) {
            for (EventExecutor loop : g) {
                CountDownLatch in = new CountDownLatch(1);
                frozen.add(in);
                loop.execute(() -> {
                    in.countDown();
                    awaitQuietly(thaw, Long.MAX_VALUE);
                });
            }
        }
        for (CountDownLatch in : frozen) {
            if (!awaitQuietly(in, TimeUnit.SECONDS.toMillis(10))) {
                thaw.countDown();
                throw new IllegalStateException("an event loop of " + id + " did not freeze within 10 s");
            }
        }
        return thaw::countDown;
    }

    private static boolean awaitQuietly(CountDownLatch latch, long millis) {
        try {
            return latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static <T> T field(Object target, String name, Class<T> type) {
        try {
            Field f = target.getClass().getDeclaredField(name);
            f.setAccessible(true);
            return type.cast(f.get(target));
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("CometServer." + name + " is needed to kill a comet in-JVM", e);
        }
    }
}
