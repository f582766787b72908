package io.jgoim.logic;

import io.jgoim.common.kafka.TopicsConfig;
import io.jgoim.common.config.Checks;
import io.jgoim.common.http.access.ApiKeySpec;
import io.jgoim.common.tracing.TracingConfig;
import io.jgoim.common.config.ConfigException;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.common.health.HealthConfig;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.logging.LoggingConfig;
import io.jgoim.common.tls.TlsClientConfig;
import io.jgoim.common.overload.OverloadConfig;
import io.jgoim.common.tls.TlsServerConfig;
import io.jgoim.logic.auth.ConnectProxyConfig;
import io.jgoim.logic.auth.HmacSecret;
import io.jgoim.logic.upstream.UpstreamConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The logic node's configuration: the embedded defaults ({@value #DEFAULTS}), the operator's file, then
 * {@code JGOIM_*} environment overrides, validated by each record's constructor so nothing starts with a bad value.
 * Immutable; {@code configs/logic.yaml} documents every key. {@code history} says which streams keep history (and so
 * get positions); it is read whether or not this node has a history store ({@code LogicServer} without one keeps none).
 */
public record LogicConfig(NodeConfig node, HttpConfig http, GrpcConfig grpc, AuthConfig auth, RedisConfig redis,
                          KafkaConfig kafka, OnlineConfig online, NodesConfig nodes, HistoryConfig history,
                          HealthConfig health, LoggingConfig logging,
                          TracingConfig tracing, OverloadConfig overload,
                          UpstreamConfig upstream, TenantsConfig tenants) {
    public static final String DEFAULTS = "jgoim/logic-defaults.yaml";

    public LogicConfig {
        Checks.notNull(node, "node");
        Checks.notNull(tracing, "tracing");
        Checks.notNull(tenants, "tenants");
        for (ApiKey k : http.apiKeys()) {
            for (String t : k.tenants()) {
                Checks.check(TenantsConfig.DEFAULT.equals(t) || tenants.declared().contains(t), "http.apiKeys["
                        + k.id() + "].tenants: '" + t + "' is not a declared tenant (tenants.declared) nor default");
            }
        }
        Checks.notNull(http, "http");
        Checks.notNull(grpc, "grpc");
        Checks.notNull(auth, "auth");
        Checks.notNull(redis, "redis");
        Checks.notNull(kafka, "kafka");
        Checks.notNull(online, "online");
        Checks.notNull(nodes, "nodes");
        Checks.notNull(history, "history");
        Checks.notNull(health, "health");
        health.requireKnown(java.util.Set.of("redis", "kafka"));
        Checks.notNull(logging, "logging");
        Checks.notNull(overload, "overload");
        Checks.notNull(upstream, "upstream");
        for (String type : history.rooms().keySet()) {
            // A type is the part of a room id before "://": an empty one or one holding "://" never matches a room.
            Checks.check(!type.isEmpty() && !type.contains("://"), "history.rooms: '" + type
                    + "' is not a room type (the part of a room id before ://, e.g. live, or \"*\" for any other)");
        }
    }

    /**
     * Loads defaults, then {@code fileOrNull}, then {@code env}; throws {@link ConfigException} naming a bad key. In
     * jwt mode an HS256 secret's {@code env:NAME} form is replaced by that variable's value, and every HS256 secret
     * is read once here, so a missing variable or file stops the node before anything starts.
     */
    public static LogicConfig load(Path fileOrNull, Map<String, String> env) {
        LogicConfig c = ConfigLoader.load(LogicConfig.class, DEFAULTS, fileOrNull, env);
        if (!AuthConfig.JWT.equals(c.auth().mode())) {
            return c; // goim mode never reads the keys (scripts run the cluster file with JGOIM_AUTH_MODE=goim)
        }
        List<JwtKey> keys = new ArrayList<>();
        for (JwtKey k : c.auth().jwt().keys()) {
            if ("HS256".equals(k.alg())) {
                HmacSecret.resolve(k.kid(), k.secret(), env);
                k = new JwtKey(k.kid(), k.alg(), HmacSecret.expandEnv(k.secret(), env), k.publicKey());
            }
            keys.add(k);
        }
        JwtConfig j = c.auth().jwt();
        AuthConfig auth = new AuthConfig(c.auth().mode(),
                new JwtConfig(j.leeway(), j.audience(), j.issuer(), j.requireExp(), keys), c.auth().revokeFor(),
                c.auth().connectProxy());
        return new LogicConfig(c.node(), c.http(), c.grpc(), auth, c.redis(), c.kafka(), c.online(), c.nodes(),
                c.history(), c.health(), c.logging(),
                c.tracing(), c.overload(), c.upstream(), c.tenants());
    }

    /**
     * The tenants this cluster serves besides the default one (docs/operations.md, Tenants). {@code declared}: tenant
     * names ({@code [a-z0-9-]{1,32}}, never {@value #DEFAULT}); an empty list is a single-tenant cluster, as before.
     * {@code claim}: the JWT claim naming a session's tenant (absent = the default tenant). The push API names the
     * tenant in the {@value #HEADER} header or takes its API key's first tenant ({@code http.apiKeys[].tenants}).
     */
    public record TenantsConfig(String claim, List<String> declared) {
        /** The name of the default tenant (un-prefixed keys and rooms) in config, headers, claims and metrics. */
        public static final String DEFAULT = "default";
        /** The push API's header naming the tenant a push is for. */
        public static final String HEADER = "X-Jgoim-Tenant";

        public TenantsConfig {
            Checks.notBlank(claim, "tenants.claim");
            declared = declared == null ? List.of() : List.copyOf(declared);
            for (String t : declared) {
                Checks.check(t != null && t.matches("[a-z0-9-]{1,32}") && !DEFAULT.equals(t),
                        "tenants.declared: '" + t + "' must match [a-z0-9-]{1,32} and not be " + DEFAULT);
            }
            Checks.check(declared.stream().distinct().count() == declared.size(),
                    "tenants.declared: names must be unique");
        }
    }

    /** This node's identity. */
    public record NodeConfig(String id) {
        public NodeConfig {
            Checks.notBlank(id, "node.id");
        }
    }

    /**
     * The push API listener, the limits that keep one client from holding it, and who may call it: {@code apiKeys}
     * (empty = an open API, allowed only on a loopback {@code bind} unless {@code allowOpen}).
     */
    public record HttpConfig(boolean enabled, String bind, int port, int maxBodyBytes, int maxPipelinedRequests,
                             int ioThreads, Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout,
                             int maxConnectionsPerIp, boolean allowOpen, List<ApiKey> apiKeys,
                             AdminCometsConfig adminComets, DemoConfig demo) {
        public HttpConfig {
            Checks.notNull(adminComets, "http.adminComets");
            Checks.notNull(demo, "http.demo");
            Checks.notBlank(bind, "http.bind");
            Checks.port(port, "http.port");
            Checks.positive(maxBodyBytes, "http.maxBodyBytes");
            Checks.check(maxPipelinedRequests >= 2 && maxPipelinedRequests <= 1 << 20,
                    "http.maxPipelinedRequests must be within 2..1048576, was " + maxPipelinedRequests);
            Checks.nonNegative(ioThreads, "http.ioThreads");
            Checks.positive(headerTimeout, "http.headerTimeout");
            Checks.positive(bodyTimeout, "http.bodyTimeout");
            Checks.positive(idleTimeout, "http.idleTimeout");
            Checks.positive(maxConnectionsPerIp, "http.maxConnectionsPerIp");
            apiKeys = apiKeys == null ? List.of() : List.copyOf(apiKeys);
            ApiKeySpec.validateAll("http.apiKeys", apiKeys);
        }
    }

    /**
     * How the cluster admin routes ({@code /goim/admin/kick}, sessions, presence, comet weight and drain) reach each
     * comet's gRPC {@code CometAdmin} service: a deadline per call and the TLS of the channels (as job's
     * {@code comet.tls}: the comets' {@code rpc.tls} server).
     */
    public record AdminCometsConfig(Duration callDeadline, TlsClientConfig tls) {
        public AdminCometsConfig {
            Checks.positive(callDeadline, "http.adminComets.callDeadline");
            Checks.notNull(tls, "http.adminComets.tls");
        }
    }

    /**
     * The live-comments demo page under {@code /demo/} on this listener (static files from the jar, no API key):
     * off by default, on in standalone.
     */
    public record DemoConfig(boolean enabled) {
    }

    /**
     * One push API key, stored only as the hex SHA-256 of the key; {@code scopes} name the routes it may call (push,
     * read, admin); {@code ratePerSecond} (0 = unlimited) and {@code burst} size its token bucket.
     */
    public record ApiKey(String id, String sha256, List<String> scopes, double ratePerSecond, int burst,
                         List<String> tenants) implements ApiKeySpec {
        public static final String PUSH = "push";
        public static final String READ = "read";
        /** The admin routes ({@code /goim/admin/*}): revoke tokens, keys and members; change log levels. */
        public static final String ADMIN = "admin";

        public ApiKey {
            scopes = scopes == null ? null : List.copyOf(scopes);
            ApiKeySpec.validate("http.apiKeys", id, sha256, scopes, ratePerSecond, burst);
            tenants = tenants == null || tenants.isEmpty() ? List.of(TenantsConfig.DEFAULT) : List.copyOf(tenants);
        }

        /** A key of the default tenant only. */
        public ApiKey(String id, String sha256, List<String> scopes, double ratePerSecond, int burst) {
            this(id, sha256, scopes, ratePerSecond, burst, null);
        }

        @Override
        public String toString() {
            return "ApiKey[id=" + id + ", scopes=" + scopes + ", ratePerSecond=" + ratePerSecond + ", burst=" + burst
                    + "]"; // the hash stays out of logs too
        }
    }

    /**
     * The Logic gRPC listener for comets ({@code tls}: see docs/operations.md, Security); a connection with no call
     * open for {@code maxConnectionIdle} is closed (GOAWAY), so one that only sent the HTTP/2 preface cannot hold a
     * socket for ever.
     */
    public record GrpcConfig(boolean enabled, String bind, int port, TlsServerConfig tls, String advertise,
                             RegistryConfig registry, Duration maxConnectionIdle) {
        public GrpcConfig {
            Checks.positive(maxConnectionIdle, "grpc.maxConnectionIdle");
            Checks.notNull(tls, "grpc.tls");
            Checks.notBlank(bind, "grpc.bind");
            Checks.port(port, "grpc.port");
            advertise = advertise == null ? "" : advertise.trim();
            Checks.check(advertise.isEmpty() || advertise.lastIndexOf(':') > 0,
                    "grpc.advertise must be host:port or empty, was '" + advertise + "'");
            Checks.notNull(registry, "grpc.registry");
        }
    }

    /** This logic node's entry in the logic-node registry comets balance over. */
    public record RegistryConfig(boolean enabled, Duration refreshInterval, Duration ttl) {
        public RegistryConfig {
            Checks.positive(refreshInterval, "grpc.registry.refreshInterval");
            Checks.positive(ttl, "grpc.registry.ttl");
            Checks.check(ttl.compareTo(refreshInterval) > 0, "grpc.registry.ttl must be longer than refreshInterval");
        }
    }

    /**
     * Which authenticator checks tokens, and how long a revocation without an explicit end lasts ({@code revokeFor}:
     * at least the longest lifetime of the tokens issued, so a revoked token cannot outlive its revocation);
     * {@code connectProxy}, when enabled, asks a backend instead of checking tokens.
     */
    public record AuthConfig(String mode, JwtConfig jwt, Duration revokeFor, ConnectProxyConfig connectProxy) {
        public static final String GOIM = "goim";
        public static final String JWT = "jwt";

        public AuthConfig {
            Checks.check(GOIM.equals(mode) || JWT.equals(mode), "auth.mode must be goim or jwt, was " + mode);
            Checks.notNull(jwt, "auth.jwt");
            Checks.check(!JWT.equals(mode) || !jwt.keys().isEmpty(), "auth.jwt.keys is required when auth.mode is jwt");
            Checks.positive(revokeFor, "auth.revokeFor");
            Checks.notNull(connectProxy, "auth.connectProxy");
        }
    }

    /** JWT checks and the verification keys by kid. */
    public record JwtConfig(Duration leeway, String audience, String issuer, boolean requireExp, List<JwtKey> keys) {
        public JwtConfig {
            Checks.check(leeway != null && !leeway.isNegative(), "auth.jwt.leeway must be >= 0");
            audience = audience == null ? "" : audience;
            issuer = issuer == null ? "" : issuer;
            keys = keys == null ? List.of() : List.copyOf(keys);
            Checks.check(keys.stream().map(JwtKey::kid).distinct().count() == keys.size(),
                    "auth.jwt.keys: kid values must be unique");
        }
    }

    /** One verification key; {@code alg} is the only algorithm accepted for tokens naming this {@code kid}. */
    public record JwtKey(String kid, String alg, String secret, String publicKey) {
        public JwtKey {
            Checks.notBlank(kid, "auth.jwt.keys[].kid");
            Checks.check("HS256".equals(alg) || "RS256".equals(alg) || "ES256".equals(alg),
                    "auth.jwt.keys[" + kid + "].alg must be HS256, RS256 or ES256, was " + alg);
            if ("HS256".equals(alg)) {
                // file: and env: secrets are read (and their length checked) by load() and by the authenticator.
                Checks.check(secret != null && (secret.startsWith(HmacSecret.FILE)
                                || secret.startsWith(HmacSecret.ENV) || secret.length() >= HmacSecret.MIN_BYTES),
                        "auth.jwt.keys[" + kid + "].secret must be at least 32 characters for HS256");
            } else {
                Checks.notBlank(publicKey, "auth.jwt.keys[" + kid + "].publicKey");
            }
        }

        @Override
        public String toString() {
            return "JwtKey[kid=" + kid + ", alg=" + alg + "]"; // never log secrets
        }
    }

    /** The session store. */
    public record RedisConfig(List<String> uris, boolean cluster, Duration commandTimeout, int requestQueueSize,
                              Duration sessionTtl, int sessionWriteWindow, int sessionWriteQueue) {
        public RedisConfig {
            Checks.check(uris != null && !uris.isEmpty(), "redis.uris is required");
            uris = List.copyOf(uris);
            Checks.positive(commandTimeout, "redis.commandTimeout");
            Checks.positive(requestQueueSize, "redis.requestQueueSize");
            Checks.positive(sessionTtl, "redis.sessionTtl");
            Checks.positive(sessionWriteWindow, "redis.sessionWriteWindow");
            Checks.check(sessionWriteWindow < requestQueueSize,
                    "redis.sessionWriteWindow must be below redis.requestQueueSize");
            Checks.positive(sessionWriteQueue, "redis.sessionWriteQueue");
        }
    }

    /** The push bus producer. */
    public record KafkaConfig(String bootstrapServers, String topic, String upstreamTopic, Duration sendTimeout,
                              Duration linger, int maxPendingSends, TopicsConfig topics) {
        public KafkaConfig {
            Checks.notBlank(bootstrapServers, "kafka.bootstrapServers");
            Checks.notBlank(topic, "kafka.topic");
            upstreamTopic = upstreamTopic == null ? "" : upstreamTopic;
            Checks.positive(sendTimeout, "kafka.sendTimeout");
            Checks.check(sendTimeout.toMillis() >= 200, "kafka.sendTimeout must be >= 200ms");
            Checks.check(linger != null && !linger.isNegative(), "kafka.linger must be >= 0");
            Checks.check(linger.compareTo(sendTimeout) < 0, "kafka.linger must be below kafka.sendTimeout");
            Checks.positive(maxPendingSends, "kafka.maxPendingSends");
            Checks.check(topics != null, "kafka.topics is required");
        }
    }

    /** Cluster online counts. */
    public record OnlineConfig(Duration aggregateInterval, Duration reportTtl) {
        public OnlineConfig {
            Checks.positive(aggregateInterval, "online.aggregateInterval");
            Checks.positive(reportTtl, "online.reportTtl");
        }
    }

    /** The node list offered to clients. */
    public record NodesConfig(String domain, int tcpPort, int wsPort, int wssPort, Duration heartbeat,
                              int heartbeatMax, Duration staleAfter, int maxNodes, double regionWeight,
                              List<String> regions, BackoffConfig backoff) {
        public NodesConfig {
            domain = domain == null ? "" : domain;
            Checks.port(tcpPort, "nodes.tcpPort");
            Checks.port(wsPort, "nodes.wsPort");
            Checks.port(wssPort, "nodes.wssPort");
            Checks.positive(heartbeat, "nodes.heartbeat");
            Checks.positive(heartbeatMax, "nodes.heartbeatMax");
            Checks.positive(staleAfter, "nodes.staleAfter");
            Checks.positive(maxNodes, "nodes.maxNodes");
            Checks.check(regionWeight >= 1.0, "nodes.regionWeight must be >= 1.0, was " + regionWeight);
            regions = regions == null ? List.of() : List.copyOf(regions);
            for (String r : regions) {
                Checks.check(r.indexOf('=') > 0 && r.indexOf('=') < r.length() - 1,
                        "nodes.regions entries must be prefix=region, was '" + r + "'");
            }
            Checks.notNull(backoff, "nodes.backoff");
        }
    }

    /** Client reconnect backoff advice. */
    public record BackoffConfig(Duration maxDelay, Duration baseDelay, double factor, double jitter) {
        public BackoffConfig {
            Checks.positive(maxDelay, "nodes.backoff.maxDelay");
            Checks.positive(baseDelay, "nodes.backoff.baseDelay");
            Checks.check(factor >= 1.0, "nodes.backoff.factor must be >= 1.0, was " + factor);
            Checks.check(jitter >= 0 && jitter <= 1, "nodes.backoff.jitter must be within 0..1, was " + jitter);
        }
    }
}
