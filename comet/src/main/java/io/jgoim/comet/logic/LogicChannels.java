package io.jgoim.comet.logic;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.jgoim.common.overload.AdaptiveThrottle;
import io.jgoim.common.overload.OverloadMeters;
import io.jgoim.common.overload.ThrottlingInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.grpc.netty.NettyChannelBuilder;
import io.jgoim.common.config.ConfigException;
import io.jgoim.common.grpc.KeepAlive;
import io.jgoim.common.grpc.PromptReconnect;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.common.registry.NodeRegistry;
import io.jgoim.protocol.rpc.logic.LogicGrpc;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * Builds the comet's channel to logic from {@code logic.target}:
 * <ul>
 *   <li>{@code registry} — every logic node registered in the logic-node registry (re-read every
 *       {@code refresh}): logic nodes added or stopped are picked up without touching the comets;</li>
 *   <li>{@code dns:///name:port} — every address the name resolves to (a Kubernetes headless Service);</li>
 *   <li>{@code host:port[,host:port…]} — a fixed list (one address: today's single logic).</li>
 * </ul>
 * Calls are balanced round-robin over the nodes whose gRPC health is SERVING (a stopping logic turns NOT_SERVING
 * first, so it takes no new calls while its in-flight calls finish), and Connect, Disconnect, Heartbeat, RenewOnline,
 * Nodes,
 * History and Refresh are retried on another node when one answers UNAVAILABLE (they are idempotent: a route put
 * twice is one route), within the caller's deadline. Upstream (Receive) and Ack are not retried: a retry could
 * publish twice.
 */
public final class LogicChannels {
    /** The {@code logic.target} that reads the logic-node registry. */
    public static final String REGISTRY = "registry";

    private LogicChannels() {
    }

    /**
     * The channel {@code logic} describes: its target, its refresh and its keepalive ({@code logic.keepAlive},
     * {@code logic.keepAliveTimeout}); {@code customize} adds TLS and interceptors.
     */
    public static ManagedChannel build(io.jgoim.comet.config.CometConfig.LogicConfig logic, NodeRegistry registry,
                                       UnaryOperator<NettyChannelBuilder> customize) {
        return build(logic.target(), registry, logic.refreshInterval(),
                b -> KeepAlive.apply(customize.apply(b), logic.keepAlive(), logic.keepAliveTimeout()));
    }

    /**
     * @param target   {@code logic.target}
     * @param registry the logic-node registry (used when target is {@code registry}; may be null otherwise)
     * @param refresh  how often the registry is read again
     * @param tls      applies {@code logic.tls} to the builder
     */
    public static ManagedChannel build(String target, NodeRegistry registry, Duration refresh,
                                       UnaryOperator<NettyChannelBuilder> tls) {
        NettyChannelBuilder b;
        if (REGISTRY.equals(target)) {
            if (registry == null) {
                throw new ConfigException("logic.target: registry needs the Redis registry (redis.uris)");
            }
            b = nodes("logic", () -> addresses(registry), refresh);
        } else if (target.startsWith("dns:")) {
            b = NettyChannelBuilder.forTarget(target);
        } else {
            List<String> list = new ArrayList<>();
            for (String part : target.split(",")) {
                String t = part.trim();
                if (t.isEmpty()) {
                    continue;
                }
                if (t.lastIndexOf(':') <= 0) {
                    throw new ConfigException("logic.target: '" + t + "' is not host:port (or use registry, dns:///)");
                }
                list.add(t);
            }
            if (list.isEmpty()) {
                throw new ConfigException("logic.target is empty");
            }
            List<String> fixed = List.copyOf(list);
            b = nodes(fixed.get(0), () -> CompletableFuture.completedFuture(fixed), null);
        }
        // every logic node away (a partition, a restart of all): reconnect within seconds of one answering again
        return PromptReconnect.watch(PromptReconnect.apply(tls.apply(b))
                .defaultLoadBalancingPolicy("round_robin")
                .defaultServiceConfig(serviceConfig())
                .enableRetry()
                .build());
    }

    /**
     * The client-side adaptive throttle of the calls to logic ({@code logic.throttle}), one for the whole target:
     * its refusals are counted in {@code jgoim_comet_throttle_rejected_total{peer="logic"}}. RenewOnline is exempt.
     */
    public static ClientInterceptor throttle(io.jgoim.comet.config.CometConfig.LogicConfig logic,
                                             MeterRegistry registry) {
        AdaptiveThrottle t = new AdaptiveThrottle(logic.throttle());
        // RenewOnline (one call per report interval) is not throttled: refusing it saves logic nothing, and it is how
        // a comet learns that the session store came back empty and its routes must be re-announced
        return new ThrottlingInterceptor(t, OverloadMeters.bindThrottle(registry, "comet", "logic", t),
                java.util.Set.of(io.jgoim.protocol.rpc.logic.LogicGrpc.getRenewOnlineMethod().getFullMethodName()));
    }

    @SuppressWarnings("deprecation") // the public way to give one channel its own resolver
    private static NettyChannelBuilder nodes(String authority,
                                             java.util.function.Supplier<CompletableFuture<List<String>>> source,
                                             Duration refresh) {
        return NettyChannelBuilder.forTarget("jgoim-logic:///" + authority)
                .nameResolverFactory(LogicNodesResolver.factory(authority, source, refresh));
    }

    private static CompletableFuture<List<String>> addresses(NodeRegistry registry) {
        return registry.nodes().thenApply(nodes -> {
            List<String> out = new ArrayList<>(nodes.size());
            for (NodeInfo n : nodes) {
                if (!n.offline() && n.rpcAddr() != null && !n.rpcAddr().isEmpty()) {
                    out.add(n.rpcAddr());
                }
            }
            return out;
        });
    }

    /** round_robin with health checking, and retries of the idempotent calls on UNAVAILABLE. */
    static Map<String, Object> serviceConfig() {
        List<Map<String, Object>> names = new ArrayList<>();
        for (String method : List.of("Connect", "Disconnect", "Heartbeat", "RenewOnline", "Nodes", "History",
                "Refresh")) {
            names.add(Map.of("service", LogicGrpc.SERVICE_NAME, "method", method));
        }
        Map<String, Object> retry = Map.of(
                "maxAttempts", 3.0,
                "initialBackoff", "0.05s",
                "maxBackoff", "0.5s",
                "backoffMultiplier", 2.0,
                "retryableStatusCodes", List.of("UNAVAILABLE"));
        return Map.of(
                "loadBalancingConfig", List.of(Map.of("round_robin", Map.of())),
                "healthCheckConfig", Map.of("serviceName", LogicGrpc.SERVICE_NAME),
                "methodConfig", List.of(Map.of("name", names, "retryPolicy", retry)));
    }
}
