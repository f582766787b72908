package io.jgoim.logic.http;

import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.PushService;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The route table: each {@link Route} bound to its handler (push, online, node, admin, cluster admin and log-level routes), and the checks every
 * route shares, in this order: a route at the path (else NOT_FOUND), its method or HEAD on a GET route (else
 * METHOD_NOT_ALLOWED, whose reply names the route's methods in {@code Allow}: {@link ApiService}), its
 * parameters (else BAD_PARAMETER). Built once per listener; read-only afterwards, so thread-safe.
 */
final class Routes {
    private final Map<Route, RouteHandler> handlers = new EnumMap<>(Route.class);

    Routes(PushService push, OnlineAggregator online, NodeBalancer nodes, AdminRoutes admin,
           LogLevelRoutes logLevels, ClusterAdminRoutes cluster) {
        new PushRoutes(push, online).bindTo(handlers);
        admin.bindTo(handlers);
        cluster.bindTo(handlers);
        logLevels.bindTo(handlers);
        new OnlineRoutes(online, nodes).bindTo(handlers);
        new NodeRoutes(nodes).bindTo(handlers);
        for (Route r : Route.values()) {
            if (!handlers.containsKey(r)) {
                throw new IllegalStateException("no handler bound for route " + r.path());
            }
        }
    }

    /**
     * Starts answering a request to {@code route} ({@code null}: no route at {@code path}). On the event loop.
     *
     * @return the reply's {@code data}
     * @throws JgoimException when the request is refused before any work starts
     */
    CompletableFuture<?> dispatch(Route route, String path, HttpMethod method, Map<String, List<String>> query,
                                  FullHttpRequest request, Channel channel) {
        if (route == null) {
            throw new JgoimException(ErrorCode.NOT_FOUND, "no route " + path);
        }
        if (!route.accepts(method)) {
            throw new JgoimException(ErrorCode.METHOD_NOT_ALLOWED, "use " + route.allow());
        }
        return handlers.get(route).handle(RouteRequest.read(route, query, request, channel));
    }
}
