package io.jgoim.server;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.common.config.ConfigLoader;
import io.jgoim.job.JobConfig;
import io.jgoim.logic.LogicConfig;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What one node's effective configuration (defaults, then a file, then {@code JGOIM_*} env) says about the sockets it
 * listens on, the listener that serves its health endpoints, and how long its graceful stop may take: the facts the
 * deployment files (Kubernetes, Docker, systemd) must agree with. Loading goes through the node's own config class,
 * so an unknown key or a bad value fails here exactly as it would at the node's start.
 *
 * @param role      comet, logic or job (the CLI command)
 * @param listeners by a short name (tcp, ws, wss, tcpTls, admin, rpc, http, grpc, metrics)
 * @param health    the listener that serves /metrics and the health paths
 * @param stopTime  the longest the node's own graceful stop waits (comet's drain, job's in-flight pushes, logic's
 *                  Kafka acks)
 * @param extra     a few other values the checks compare (logic's advertised client ports, comet's logic target)
 */
record NodeShape(String role, Map<String, Listener> listeners, String health, Duration stopTime,
                 Map<String, String> extra) {

    /** One listening socket; {@code enabled} false means the node does not open it. */
    record Listener(String key, String bind, int port, boolean enabled) {
        boolean loopbackOnly() {
            return bind.startsWith("127.") || "localhost".equals(bind) || "::1".equals(bind);
        }
    }

    static final Set<String> ROLES = Set.of("comet", "logic", "job");

    /** The classpath resource of a role's defaults, whose leaves are every config key and env name. */
    static String defaultsResource(String role) {
        switch (role) {
            case "comet":
                return CometConfig.DEFAULTS;
            case "logic":
                return LogicConfig.DEFAULTS;
            case "job":
                return JobConfig.DEFAULTS;
            default:
                throw new IllegalArgumentException("not a node role: " + role);
        }
    }

    /** Every {@code JGOIM_*} name that sets a config key of {@code role}. */
    static Set<String> envNames(String role) {
        return new TreeSet<>(ConfigLoader.envNames(defaultsResource(role)).values());
    }

    /** Loads {@code role}'s config from {@code fileOrNull} and {@code env}; throws ConfigException on a bad key. */
    static NodeShape load(String role, Path fileOrNull, Map<String, String> env) {
        Map<String, Listener> l = new LinkedHashMap<>();
        Map<String, String> extra = new LinkedHashMap<>();
        switch (role) {
            case "comet": {
                CometConfig c = CometConfig.load(fileOrNull, env);
                l.put("tcp", new Listener("tcp.port", c.tcp().bind(), c.tcp().port(), c.tcp().enabled()));
                l.put("tcpTls", new Listener("tcp.tlsPort", c.tcp().bind(), c.tcp().tlsPort(),
                        c.tcp().enabled() && c.tcp().tlsEnabled()));
                l.put("ws", new Listener("webSocket.port", c.webSocket().bind(), c.webSocket().port(),
                        c.webSocket().enabled()));
                l.put("wss", new Listener("wss.port", c.wss().bind(), c.wss().port(), c.wss().enabled()));
                l.put("admin", new Listener("admin.port", c.admin().bind(), c.admin().port(), c.admin().enabled()));
                l.put("rpc", new Listener("rpc.port", c.rpc().bind(), c.rpc().port(), c.rpc().enabled()));
                extra.put("logic.target", c.logic().target());
                extra.put("node.host", c.node().host());
                extra.put("tls.certFile", c.tls().certFile());
                extra.put("redis.uris", String.join(",", c.redis().uris()));
                return new NodeShape(role, l, "admin", c.shutdown().drainTime(), extra);
            }
            case "logic": {
                LogicConfig c = LogicConfig.load(fileOrNull, env);
                l.put("http", new Listener("http.port", c.http().bind(), c.http().port(), c.http().enabled()));
                l.put("grpc", new Listener("grpc.port", c.grpc().bind(), c.grpc().port(), c.grpc().enabled()));
                extra.put("nodes.tcpPort", String.valueOf(c.nodes().tcpPort()));
                extra.put("nodes.wsPort", String.valueOf(c.nodes().wsPort()));
                extra.put("nodes.wssPort", String.valueOf(c.nodes().wssPort()));
                extra.put("grpc.advertise", c.grpc().advertise());
                extra.put("grpc.registry.enabled", String.valueOf(c.grpc().registry().enabled()));
                extra.put("redis.uris", String.join(",", c.redis().uris()));
                // Health is served on the push API's port today (logic has no admin listener of its own).
                return new NodeShape(role, l, "http", c.kafka().sendTimeout(), extra);
            }
            case "job": {
                JobConfig c = JobConfig.load(fileOrNull, env);
                l.put("metrics", new Listener("metrics.port", c.metrics().host(), c.metrics().port(),
                        c.metrics().enabled()));
                return new NodeShape(role, l, "metrics", c.shutdown().drainTimeout(), extra);
            }
            default:
                throw new IllegalArgumentException("not a node role: " + role);
        }
    }

    /** Ports of the listeners the node opens. */
    Set<Integer> enabledPorts() {
        Set<Integer> out = new TreeSet<>();
        listeners.values().stream().filter(Listener::enabled).forEach(x -> out.add(x.port()));
        return out;
    }

    /** The enabled listener on {@code port}, or null. */
    Listener listenerOn(int port) {
        return listeners.values().stream().filter(x -> x.enabled() && x.port() == port).findFirst().orElse(null);
    }
}
