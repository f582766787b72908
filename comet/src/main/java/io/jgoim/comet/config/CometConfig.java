package io.jgoim.comet.config;

import io.jgoim.common.metrics.TenantLabels;
import io.jgoim.common.config.Checks;
import io.jgoim.common.http.access.AdminKey;
import io.jgoim.common.http.access.ApiKeySpec;
import io.jgoim.common.tracing.TracingConfig;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.common.health.HealthConfig;
import io.jgoim.common.logging.LoggingConfig;
import io.jgoim.common.overload.OverloadConfig;
import io.jgoim.common.overload.ThrottleConfig;
import io.jgoim.common.redis.RedisConnectionConfig;
import io.jgoim.common.tls.TlsClientConfig;
import io.jgoim.common.tls.TlsServerConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The comet's whole configuration, bound from {@code jgoim/comet-defaults.yaml}, the operator's file and
 * {@code JGOIM_*} environment overrides by {@link #load}. Every record validates itself in its compact constructor,
 * so a bad value fails at load naming its key. Immutable; pass it through constructors.
 */
public record CometConfig(NodeConfig node, TransportConfig transport, TcpConfig tcp, WebSocketConfig webSocket,
                          WssConfig wss, TlsConfig tls, RpcConfig rpc, AdminConfig admin,
                          ProtocolConfig protocol, OutboundConfig outbound, HistoryConfig history,
                          BucketConfig bucket,
                          OnlineConfig online, RegistryConfig registry, ShutdownConfig shutdown,
                          LogicConfig logic, RedisConnectionConfig redis, HealthConfig health,
                          LoggingConfig logging, TracingConfig tracing, OverloadConfig overload,
                          LimitsConfig limits, ProxyConfig proxy, TenantLabels tenants,
                          // ---- fan-out (issue 17) ----
                          FanOutConfig fanout) {

    /** The classpath resource holding every key with its default. */
    public static final String DEFAULTS = "jgoim/comet-defaults.yaml";

    public CometConfig {
        Checks.notNull(node, "node");
        Checks.notNull(tracing, "tracing");
        Checks.notNull(transport, "transport");
        Checks.notNull(tcp, "tcp");
        Checks.notNull(webSocket, "webSocket");
        Checks.notNull(wss, "wss");
        Checks.notNull(tls, "tls");
        Checks.notNull(rpc, "rpc");
        Checks.notNull(admin, "admin");
        Checks.notNull(protocol, "protocol");
        Checks.notNull(outbound, "outbound");
        Checks.notNull(history, "history");
        Checks.notNull(bucket, "bucket");
        Checks.notNull(online, "online");
        Checks.notNull(registry, "registry");
        Checks.notNull(shutdown, "shutdown");
        Checks.notNull(logic, "logic");
        Checks.notNull(redis, "redis");
        Checks.notNull(health, "health");
        health.requireKnown(java.util.Set.of("logic", "redis"));
        Checks.notNull(logging, "logging");
        Checks.notNull(overload, "overload");
        Checks.notNull(limits, "limits");
        Checks.notNull(proxy, "proxy");
        Checks.notNull(tenants, "tenants");
        // ---- fan-out (issue 17) ----
        Checks.notNull(fanout, "fanout");
        Checks.check(webSocket.maxFrameBytes() >= protocol.maxBodyBytes() + 16,
                "webSocket.maxFrameBytes must be >= protocol.maxBodyBytes + 16, was " + webSocket.maxFrameBytes());
    }

    /**
     * Loads the defaults, then {@code fileOrNull}, then {@code env} overrides, and validates the result.
     *
     * @throws io.jgoim.common.config.ConfigException naming the first bad key
     */
    public static CometConfig load(Path fileOrNull, Map<String, String> env) {
        return ConfigLoader.load(CometConfig.class, DEFAULTS, fileOrNull, env);
    }

    /** The embedded defaults with no file and no environment: every port fixed as documented. */
    public static CometConfig defaults() {
        return load(null, Map.of());
    }

    /** Identity published to logic and the node registry. */
    public record NodeConfig(String id, String region, int weight, String host) {
        public NodeConfig {
            Checks.notBlank(id, "node.id");
            Checks.notNull(region, "node.region");
            Checks.nonNegative(weight, "node.weight");
            Checks.notBlank(host, "node.host");
        }
    }

    /** Event loops: {@code type} is auto, epoll or nio; {@code workerThreads} 0 means one per CPU. */
    public record TransportConfig(String type, int bossThreads, int workerThreads) {
        public TransportConfig {
            Checks.check("auto".equals(type) || "epoll".equals(type) || "nio".equals(type),
                    "transport.type must be auto, epoll or nio, was " + type);
            Checks.positive(bossThreads, "transport.bossThreads");
            Checks.nonNegative(workerThreads, "transport.workerThreads");
        }

        public int workerThreadsOrCpus() {
            return workerThreads > 0 ? workerThreads : Runtime.getRuntime().availableProcessors();
        }
    }

    /** goim's TCP listener, optionally also over TLS on {@code tlsPort}. */
    public record TcpConfig(boolean enabled, String bind, int port, boolean tlsEnabled, int tlsPort,
                            int sendBufferBytes, int receiveBufferBytes, int backlog, boolean keepAlive,
                            boolean noDelay) {
        public TcpConfig {
            Checks.notBlank(bind, "tcp.bind");
            Checks.port(port, "tcp.port");
            Checks.port(tlsPort, "tcp.tlsPort");
            Checks.nonNegative(sendBufferBytes, "tcp.sendBufferBytes");
            Checks.nonNegative(receiveBufferBytes, "tcp.receiveBufferBytes");
            Checks.positive(backlog, "tcp.backlog");
        }
    }

    /**
     * The WebSocket listener; upgrades are accepted on {@code path} only, from requests without an {@code Origin}
     * header or with one in {@code allowedOrigins} (which the WSS listener applies too). {@code refusal} says how a
     * connection refused by a limit before its handshake is told: {@value #REFUSAL_CLOSE_FRAME} (the upgrade
     * completed, then a close frame with the code: what a browser can read) or {@value #REFUSAL_HTTP} (HTTP 429/503).
     */
    public record WebSocketConfig(boolean enabled, String bind, int port, String path, int maxFrameBytes,
                                  List<String> allowedOrigins, String refusal) {
        public static final String REFUSAL_CLOSE_FRAME = "close-frame";
        public static final String REFUSAL_HTTP = "http";

        public WebSocketConfig {
            Checks.check(REFUSAL_CLOSE_FRAME.equals(refusal) || REFUSAL_HTTP.equals(refusal),
                    "webSocket.refusal must be close-frame or http, was " + refusal);
            Checks.notBlank(bind, "webSocket.bind");
            Checks.port(port, "webSocket.port");
            Checks.check(path != null && path.startsWith("/"), "webSocket.path must start with '/', was " + path);
            Checks.positive(maxFrameBytes, "webSocket.maxFrameBytes");
            OriginAllowList.parse(allowedOrigins, "webSocket.allowedOrigins");
            allowedOrigins = List.copyOf(allowedOrigins);
        }

        /** True when a refused upgrade is completed and closed with the refusal's close frame. */
        public boolean refusesInCloseFrame() {
            return REFUSAL_CLOSE_FRAME.equals(refusal);
        }

        /** {@link #allowedOrigins} parsed (valid: the constructor checked it). */
        public OriginAllowList originAllowList() {
            return OriginAllowList.parse(allowedOrigins, "webSocket.allowedOrigins");
        }
    }

    /** The WebSocket-over-TLS listener (same path, frame limit and allowed origins as {@link WebSocketConfig}). */
    public record WssConfig(boolean enabled, String bind, int port) {
        public WssConfig {
            Checks.notBlank(bind, "wss.bind");
            Checks.port(port, "wss.port");
        }
    }

    /** Certificate and key (PEM); both empty means a generated self-signed certificate. */
    public record TlsConfig(String certFile, String keyFile, String keyPassword, String provider) {
        public TlsConfig {
            certFile = certFile == null ? "" : certFile;
            keyFile = keyFile == null ? "" : keyFile;
            keyPassword = keyPassword == null ? "" : keyPassword;
            Checks.check(certFile.isEmpty() == keyFile.isEmpty(),
                    "tls.certFile and tls.keyFile must be given together");
            Checks.check("auto".equals(provider) || "openssl".equals(provider) || "jdk".equals(provider),
                    "tls.provider must be auto, openssl or jdk, was " + provider);
        }

        public boolean selfSigned() {
            return certFile.isEmpty();
        }
    }

    /**
     * The gRPC Comet service job pushes to ({@code tls}: job's channels, see docs/operations.md, Security);
     * {@code ioThreads} event loops of its own, 0 = served on the session loops; a connection with no call open for
     * {@code maxConnectionIdle} is closed (GOAWAY), so one that only sent the HTTP/2 preface cannot hold a socket for
     * ever.
     */
    public record RpcConfig(boolean enabled, String bind, int port, int maxInboundMessageBytes, int ioThreads,
                            TlsServerConfig tls, Duration maxConnectionIdle) {
        public RpcConfig {
            Checks.positive(maxConnectionIdle, "rpc.maxConnectionIdle");
            Checks.notNull(tls, "rpc.tls");
            Checks.notBlank(bind, "rpc.bind");
            Checks.port(port, "rpc.port");
            Checks.positive(maxInboundMessageBytes, "rpc.maxInboundMessageBytes");
            Checks.nonNegative(ioThreads, "rpc.ioThreads");
        }
    }

    /**
     * The admin HTTP endpoint: {@code /metrics} and {@code /health} (open), and the {@code /admin/*} routes, which
     * need one of {@code apiKeys} with scope admin (none configured: every admin route is refused).
     */
    public record AdminConfig(boolean enabled, String bind, int port, TlsServerConfig tls, List<AdminKey> apiKeys) {
        public AdminConfig {
            Checks.notNull(tls, "admin.tls");
            Checks.notBlank(bind, "admin.bind");
            Checks.port(port, "admin.port");
            apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
            ApiKeySpec.validateAll("admin.apiKeys", apiKeys);
        }
    }

    /** Session protocol timings and limits. */
    public record ProtocolConfig(Duration handshakeTimeout, Duration heartbeatInterval, int heartbeatMaxMisses,
                                 int maxBodyBytes, Duration logicTimeout, Duration sessionRefreshInterval,
                                 int maxPendingFrames, int maxInflightUpstream, int maxPendingConnects,
                                 Duration connectWait, int maxWaitingConnects) {
        public ProtocolConfig {
            Checks.positive(handshakeTimeout, "protocol.handshakeTimeout");
            Checks.positive(heartbeatInterval, "protocol.heartbeatInterval");
            Checks.positive(heartbeatMaxMisses, "protocol.heartbeatMaxMisses");
            Checks.positive(maxBodyBytes, "protocol.maxBodyBytes");
            Checks.positive(logicTimeout, "protocol.logicTimeout");
            Checks.positive(sessionRefreshInterval, "protocol.sessionRefreshInterval");
            Checks.nonNegative(maxPendingFrames, "protocol.maxPendingFrames");
            Checks.positive(maxInflightUpstream, "protocol.maxInflightUpstream");
            Checks.nonNegative(maxPendingConnects, "protocol.maxPendingConnects");
            Checks.notNull(connectWait, "protocol.connectWait");
            Checks.check(!connectWait.isNegative(), "protocol.connectWait must not be negative, was " + connectWait);
            Checks.nonNegative(maxWaitingConnects, "protocol.maxWaitingConnects");
        }
    }

    /** The per-session outbound bound: ring length, write water marks and the slow-consumer grace. */
    public record OutboundConfig(int ringSize, int highWaterMarkBytes, int lowWaterMarkBytes,
                                 Duration slowCloseAfter) {
        public OutboundConfig {
            Checks.positive(ringSize, "outbound.ringSize");
            Checks.positive(highWaterMarkBytes, "outbound.highWaterMarkBytes");
            Checks.positive(lowWaterMarkBytes, "outbound.lowWaterMarkBytes");
            Checks.check(lowWaterMarkBytes <= highWaterMarkBytes,
                    "outbound.lowWaterMarkBytes must be <= outbound.highWaterMarkBytes");
            Checks.positive(slowCloseAfter, "outbound.slowCloseAfter");
        }
    }

    /**
     * Reading stream history for position-aware sessions (auth ver 3): a resume (or a gap recovery, or a room change)
     * waits at most {@code resumeTimeout} for logic's History answers before the session is closed with RESUME
     * (4013), and the comet keeps the last {@code cacheSize} messages of each room stream it delivers (0 = no cache)
     * so that resumes inside that window cost no History call. Acks of member-stream positions are sent to logic at
     * most every {@code ackFlushInterval}, the latest per session.
     */
    public record HistoryConfig(Duration resumeTimeout, int cacheSize, Duration ackFlushInterval) {
        public HistoryConfig {
            Checks.positive(resumeTimeout, "history.resumeTimeout");
            Checks.positive(ackFlushInterval, "history.ackFlushInterval");
            Checks.check(cacheSize >= 0 && cacheSize <= 10_000, "history.cacheSize must be within 0..10000, was "
                    + cacheSize);
        }
    }

    /** Session sharding: {@code size} buckets (a power of two) by key hash. */
    public record BucketConfig(int size, int channels) {
        public BucketConfig {
            Checks.powerOfTwo(size, "bucket.size");
            Checks.positive(channels, "bucket.channels");
        }
    }

    /**
     * Room-count reporting to logic's RenewOnline, and the pace ({@code reannounceRate} sessions per second) at which
     * every session is routed again when the reply shows that logic's session store lost its data.
     */
    public record OnlineConfig(Duration reportInterval, int reannounceRate) {
        public OnlineConfig {
            Checks.positive(reportInterval, "online.reportInterval");
            Checks.positive(reannounceRate, "online.reannounceRate");
        }
    }

    /**
     * Node-registry membership (cluster mode). {@code joinTimeout}: at start, how long the comet waits for every live
     * job to push to it before it opens its client listeners anyway (0: it does not wait).
     */
    public record RegistryConfig(boolean enabled, Duration refreshInterval, Duration ttl, Duration joinTimeout) {
        public RegistryConfig {
            Checks.positive(refreshInterval, "registry.refreshInterval");
            Checks.positive(ttl, "registry.ttl");
            Checks.notNull(joinTimeout, "registry.joinTimeout");
            Checks.check(!joinTimeout.isNegative(), "registry.joinTimeout must not be negative");
            Checks.check(ttl.compareTo(refreshInterval) > 0,
                    "registry.ttl must be longer than registry.refreshInterval");
        }
    }

    /**
     * Where a cluster comet reaches logic's gRPC service ({@code host:port} or any gRPC target such as
     * {@code dns:///logic.internal:3119}). Standalone calls logic directly and ignores it. {@code keepAlive} (0 =
     * off) and {@code keepAliveTimeout}: the channel's HTTP/2 pings ({@code io.jgoim.common.grpc.KeepAlive}).
     */
    public record LogicConfig(String target, Duration refreshInterval, Duration keepAlive, Duration keepAliveTimeout,
                              TlsClientConfig tls, ThrottleConfig throttle) {
        public LogicConfig {
            Checks.notNull(throttle, "logic.throttle");
            Checks.notNull(tls, "logic.tls");
            Checks.notBlank(target, "logic.target");
            Checks.positive(refreshInterval, "logic.refreshInterval");
            Checks.notNull(keepAlive, "logic.keepAlive");
            Checks.check(!keepAlive.isNegative(), "logic.keepAlive must not be negative (0 = off)");
            Checks.positive(keepAliveTimeout, "logic.keepAliveTimeout");
        }
    }

    /** Graceful close. */
    public record ShutdownConfig(Duration drainTime, int closeBatches) {
        public ShutdownConfig {
            Checks.positive(drainTime, "shutdown.drainTime");
            Checks.positive(closeBatches, "shutdown.closeBatches");
        }
    }
}
