package io.jgoim.logic.http;

import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.protocol.rpc.logic.NodesReply;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The node routes: the comets a client should connect to (goim's weighted list with reconnect advice, in goim's
 * JSON field names) and every registered comet. Answered from the {@link NodeBalancer}; thread-safe.
 */
final class NodeRoutes {
    private final NodeBalancer nodes;

    NodeRoutes(NodeBalancer nodes) {
        this.nodes = nodes;
    }

    void bindTo(Map<Route, RouteHandler> table) {
        table.put(Route.NODES_WEIGHTED, this::weighted);
        table.put(Route.NODES_INSTANCES, this::instances);
    }

    private CompletableFuture<?> weighted(RouteRequest r) {
        return nodes.nodes(r.text("platform"), r.clientIp()).thenApply(NodeRoutes::json);
    }

    private CompletableFuture<?> instances(RouteRequest r) {
        return nodes.instances();
    }

    private static Map<String, Object> json(NodesReply r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("domain", r.getDomain());
        out.put("tcp_port", r.getTcpPort());
        out.put("ws_port", r.getWsPort());
        out.put("wss_port", r.getWssPort());
        out.put("heartbeat", r.getHeartbeat());
        out.put("heartbeat_max", r.getHeartbeatMax());
        out.put("nodes", r.getNodesList());
        Map<String, Object> backoff = new LinkedHashMap<>();
        backoff.put("max_delay", r.getBackoff().getMaxDelay());
        backoff.put("base_delay", r.getBackoff().getBaseDelay());
        backoff.put("factor", r.getBackoff().getFactor());
        backoff.put("jitter", r.getBackoff().getJitter());
        out.put("backoff", backoff);
        return out;
    }
}
