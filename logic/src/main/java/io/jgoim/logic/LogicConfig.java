package io.jgoim.logic;

import io.jgoim.common.config.Checks;
import io.jgoim.common.tracing.TracingConfig;
import io.jgoim.common.config.ConfigException;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.common.health.HealthConfig;
import io.jgoim.common.history.HistoryConfig;
import io.jgoim.common.logging.LoggingConfig;
import io.jgoim.common.overload.OverloadConfig;
import io.jgoim.logic.auth.HmacSecret;
import io.jgoim.logic.upstream.UpstreamConfig;

import java.nio.file.Path;
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
}
