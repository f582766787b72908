package io.jgoim.common.redis;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One lettuce connection (single node or Redis Cluster) with the settings a push server needs: a short command
 * timeout, a bounded request queue, commands rejected (never buffered) while disconnected, and automatic reconnect
 * with a short capped backoff so service resumes by itself when Redis returns. Thread-safe: the async commands may
 * be used from any thread and are pipelined on the one connection. Owns the client, its resources and the
 * connection; {@link #close()} releases them.
 */
public final class RedisClients implements AutoCloseable {
    private final ClientResources resources;
    private final AutoCloseable client;
    private final StatefulConnection<String, String> connection;
    private final RedisClusterAsyncCommands<String, String> async;

    private RedisClients(ClientResources resources, AutoCloseable client, StatefulConnection<String, String> connection,
                         RedisClusterAsyncCommands<String, String> async) {
        this.resources = resources;
        this.client = client;
        this.connection = connection;
        this.async = async;
    }

    /**
     * Connects to Redis; fails fast when it cannot.
     *
     * @param uris             one {@code redis://host:port} for a single node, or several cluster seed nodes
     * @param cluster          true for Redis Cluster (keys use hash tags, so every multi-key step stays in one slot)
     * @param commandTimeout   how long one command may take before its future fails (~500 ms)
     * @param requestQueueSize bound of commands queued on the connection; beyond it commands fail at once
     */
    public static RedisClients connect(List<String> uris, boolean cluster, Duration commandTimeout,
                                       int requestQueueSize) {
        return connect(uris, cluster, commandTimeout, requestQueueSize, DEFAULT_DEAD_PEER_TIMEOUT);
    }

    /** The default of {@code redis.deadPeerTimeout}. */
    public static final Duration DEFAULT_DEAD_PEER_TIMEOUT = Duration.ofSeconds(10);

    /**
     * As {@link #connect(List, boolean, Duration, int)}, with the time after which a silent path counts as dead.
     *
     * @param deadPeerTimeout a connection whose bytes stay unacknowledged this long (TCP_USER_TIMEOUT, where the
     *                        native transport runs), or that is idle and answers no keepalive probe for about this
     *                        long, is closed and made again; {@link Duration#ZERO}: the kernel's defaults (minutes)
     */
    public static RedisClients connect(List<String> uris, boolean cluster, Duration commandTimeout,
                                       int requestQueueSize, Duration deadPeerTimeout) {
        if (uris.isEmpty()) {
            throw new IllegalArgumentException("no Redis uri");
        }
        ClientResources resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                // Reconnect quickly: an API answering 503 should recover within about a second of Redis returning.
                .reconnectDelay(Delay.exponential(Duration.ofMillis(20), Duration.ofMillis(500), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        // Connecting (TCP + HELLO/PING handshake) gets more time than one command: on a loaded machine the first
        // handshake can take longer than the command timeout, and it happens once per (re)connect, not per call.
        Duration connectTimeout = max(commandTimeout.multipliedBy(4), Duration.ofSeconds(2));
        SocketOptions socket = socketOptions(connectTimeout, deadPeerTimeout);
        TimeoutOptions timeouts = TimeoutOptions.enabled(commandTimeout);
        try {
            if (cluster) {
                List<RedisURI> seeds = new ArrayList<>();
                for (String u : uris) {
                    seeds.add(uri(u, connectTimeout));
                }
                RedisClusterClient c = RedisClusterClient.create(resources, seeds);
                c.setOptions(shared(ClusterClientOptions.builder(), requestQueueSize, timeouts, socket).build());
                StatefulRedisClusterConnection<String, String> conn = c.connect(StringCodec.UTF8);
                return new RedisClients(resources, c::shutdown, conn, conn.async());
            }
            RedisClient c = RedisClient.create(resources, uri(uris.get(0), connectTimeout));
            c.setOptions(shared(ClientOptions.builder(), requestQueueSize, timeouts, socket).build());
            StatefulRedisConnection<String, String> conn = c.connect(StringCodec.UTF8);
            return new RedisClients(resources, c::shutdown, conn, conn.async());
        } catch (RuntimeException e) {
            resources.shutdown(0, 1, TimeUnit.SECONDS);
            throw new JgoimException(ErrorCode.UNAVAILABLE, "cannot connect to Redis " + uris + ": " + e.getMessage(),
                    e);
        }
    }

    /** The options of both kinds of client: reconnect, commands refused (never buffered) while disconnected, bounds. */
    private static <B extends ClientOptions.Builder> B shared(B options, int requestQueueSize, TimeoutOptions timeouts,
                                                              SocketOptions socket) {
        options.autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(requestQueueSize)
                .timeoutOptions(timeouts)
                .socketOptions(socket);
        return options;
    }

    /**
     * Why a dead-peer bound: a Redis host that vanishes without a word (power lost, a dead switch port, a firewall
     * that drops) leaves the connection open. Commands time out one by one, but the kernel keeps retransmitting the
     * oldest of them with a doubling back-off, so after the path returns the connection stays stuck until the next
     * retransmission: 11 s later after a 14 s cut, about a minute after a 60 s one, and a connection to a host that
     * never returns is never given up (a failover to a new address is then not followed). TCP_USER_TIMEOUT closes a
     * connection whose bytes stay unacknowledged for {@code deadPeerTimeout}; keepalive probes cover an idle one.
     * lettuce then reconnects (its back-off is capped at 500 ms). A Redis that is merely slow or frozen keeps
     * acknowledging (its kernel does), so this does not cut it.
     */
    static SocketOptions socketOptions(Duration connectTimeout, Duration deadPeerTimeout) {
        SocketOptions.Builder b = SocketOptions.builder()
                .connectTimeout(connectTimeout)
                .tcpNoDelay(true);
        if (deadPeerTimeout.isZero()) {
            return b.keepAlive(true).build();
        }
        // Idle for a third of the bound, then probes a sixth apart: ~3 unanswered probes within the bound.
        Duration idle = max(deadPeerTimeout.dividedBy(3), Duration.ofSeconds(1));
        Duration interval = max(deadPeerTimeout.dividedBy(6), Duration.ofSeconds(1));
        return b.keepAlive(SocketOptions.KeepAliveOptions.builder().enable().idle(idle).interval(interval).count(3)
                        .build())
                .tcpUserTimeout(SocketOptions.TcpUserTimeoutOptions.builder().enable()
                        .tcpUserTimeout(deadPeerTimeout).build())
                .build();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    /** The URI's timeout bounds connection initialization; commands are bounded by the TimeoutOptions. */
    private static RedisURI uri(String s, Duration timeout) {
        RedisURI u = RedisURI.create(s);
        u.setTimeout(timeout);
        return u;
    }

    /** The async commands; shared, pipelined, usable from any thread. */
    public RedisClusterAsyncCommands<String, String> async() {
        return async;
    }

    public boolean isOpen() {
        return connection.isOpen();
    }

    /**
     * Translates a lettuce failure into the one error model: every Redis failure (rejected while disconnected,
     * timed out, queue full, connection reset) means the store is unavailable, which the API answers with 503.
     */
    public static JgoimException toJgoim(Throwable error) {
        Throwable t = Failures.unwrap(error);
        if (t instanceof JgoimException) {
            return (JgoimException) t;
        }
        return new JgoimException(ErrorCode.UNAVAILABLE, "redis: " + t.getMessage(), t);
    }

    @Override
    public void close() {
        try {
            connection.close();
        } catch (RuntimeException ignored) {
            // closing anyway
        }
        try {
            client.close();
        } catch (Exception ignored) {
            // closing anyway
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
