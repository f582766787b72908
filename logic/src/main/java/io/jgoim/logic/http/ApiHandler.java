package io.jgoim.logic.http;

import com.google.protobuf.ByteString;
import io.jgoim.common.metrics.MetricsHttpServer;
import io.jgoim.common.registry.NodeInfo;
import io.jgoim.logic.node.NodeBalancer;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.push.PushService;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.logic.NodesReply;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * goim's HTTP API routes on one connection. Requests arrive on the channel's event loop; the work completes on Redis
 * or Kafka threads, and responses are written in request order (HTTP/1.1 pipelining) by chaining each response
 * behind the previous one. The request body is copied once (it becomes the pushed message) before the request is
 * released. One instance per channel.
 */
final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    /** Route table shared by every channel. */
    static final class Routes {
        final PushService push;
        final OnlineAggregator online;
        final NodeBalancer nodes;
        final PrometheusMeterRegistry registry;
        final BooleanSupplier healthy;
        /** route tag → timers by ErrorCode ordinal, created on first use; no per-request string building. */
        private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();

        Routes(PushService push, OnlineAggregator online, NodeBalancer nodes, PrometheusMeterRegistry registry,
               BooleanSupplier healthy) {
            this.push = push;
            this.online = online;
            this.nodes = nodes;
            this.registry = registry;
            this.healthy = healthy;
        }

        void record(String route, ErrorCode code, long startNanos) {
            Timer[] byCode = timers.computeIfAbsent(route, r -> new Timer[ErrorCode.values().length]);
            Timer t = byCode[code.ordinal()];
            if (t == null) {
                // Racing threads get the same meter back from the registry; the slot write is idempotent.
                t = Timer.builder("jgoim.logic.api.requests")
                        .description("HTTP API requests by route and result code")
                        .tag("route", route).tag("code", Integer.toString(code.code()))
                        .publishPercentileHistogram().register(registry);
                byCode[code.ordinal()] = t;
            }
            t.record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
        }
    }

    private final Routes routes;
    /** The last response in request order; touched only on the event loop. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    ApiHandler(Routes routes) {
        this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        long start = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        CompletableFuture<FullHttpResponse> response;
        if (req.decoderResult().isFailure()) {
            // Not HTTP we can read (bad request line, header too long): answer and drop the connection.
            routes.record("other", ErrorCode.BAD_PARAMETER, start);
            FullHttpResponse bad = ApiResponse.error(ErrorCode.BAD_PARAMETER,
                    "malformed HTTP request: " + req.decoderResult().cause().getMessage());
            tail = tail.thenAccept(v -> write(ctx, bad, false));
            return;
        }
        if ("/metrics".equals(path) || "/health".equals(path)) {
            response = CompletableFuture.completedFuture(
                    MetricsHttpServer.respond(routes.registry, routes.healthy, req));
        } else {
            CompletableFuture<Object> result;
            try {
                result = route(path, req.method(), uri.parameters(), req, ctx);
            } catch (RuntimeException e) {
                result = CompletableFuture.failedFuture(e);
            }
            response = result.handle((data, error) -> {
                ErrorCode code = ErrorCode.OK;
                FullHttpResponse r;
                if (error == null) {
                    r = ApiResponse.ok(data);
                } else {
                    Throwable t = error instanceof CompletionException && error.getCause() != null
                            ? error.getCause() : error;
                    if (t instanceof JgoimException) {
                        code = ((JgoimException) t).code();
                        r = ApiResponse.error(code, t.getMessage());
                    } else {
                        code = ErrorCode.INTERNAL;
                        log.error("API bug on {} {}", req.method(), path, t);
                        r = ApiResponse.error(code, "internal error");
                    }
                }
                routes.record(routeTag(path), code, start);
                return r;
            });
        }
        tail = tail.thenCombine(response, (v, r) -> r).thenAccept(r -> write(ctx, r, keepAlive));
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        HttpUtil.setKeepAlive(r, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(r, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private CompletableFuture<Object> route(String path, HttpMethod method, Map<String, List<String>> p,
                                            FullHttpRequest req, ChannelHandlerContext ctx) {
        switch (path) {
            case "/goim/push/keys":
                requirePost(method);
                return routes.push.pushKeys(intParam(p, "operation"), listParam(p, "keys"), body(req))
                        .thenApply(ApiHandler::routed);
            case "/goim/push/mids": {
                requirePost(method);
                int op = intParam(p, "operation");
                List<Long> mids = new ArrayList<>();
                for (String s : listParam(p, "mids")) {
                    mids.add(parseLong(s, "mids"));
                }
                return routes.push.pushMids(op, mids, body(req)).thenApply(ApiHandler::routed);
            }
            case "/goim/push/room":
                requirePost(method);
                return routes.push.pushRoom(intParam(p, "operation"), param(p, "type"), param(p, "room"), body(req))
                        .thenApply(v -> null);
            case "/goim/push/all": {
                requirePost(method);
                int op = intParam(p, "operation");
                int speed = p.containsKey("speed") ? intParam(p, "speed") : 0;
                return routes.push.pushAll(op, speed, body(req)).thenApply(v -> null);
            }
            case "/goim/online/top": {
                requireGet(method);
                String type = requiredParam(p, "type");
                int limit = intParam(p, "limit");
                if (limit <= 0 || limit > 1000) {
                    throw bad("limit must be within 1..1000");
                }
                List<Map<String, Object>> out = new ArrayList<>();
                for (Map.Entry<String, Integer> e : routes.online.top(type, limit)) {
                    Map<String, Object> room = new LinkedHashMap<>(2);
                    room.put("room_id", e.getKey());
                    room.put("count", e.getValue());
                    out.add(room);
                }
                return CompletableFuture.completedFuture(out);
            }
            case "/goim/online/room":
                requireGet(method);
                return CompletableFuture.completedFuture(
                        routes.online.rooms(requiredParam(p, "type"), listParam(p, "rooms")));
            case "/goim/online/total": {
                requireGet(method);
                OnlineAggregator.Snapshot s = routes.online.snapshot();
                return routes.nodes.instances().thenApply(nodes -> {
                    long conns = 0;
                    for (NodeInfo n : nodes) {
                        conns += n.sessions();
                    }
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("conn_count", conns);
                    out.put("room_sessions", s.total());
                    out.put("room_count", s.rooms().size());
                    out.put("comet_count", nodes.size());
                    return out;
                });
            }
            case "/goim/nodes/weighted": {
                requireGet(method);
                String platform = requiredParam(p, "platform");
                return routes.nodes.nodes(platform, clientIp(req, ctx)).thenApply(ApiHandler::nodesJson);
            }
            case "/goim/nodes/instances":
                requireGet(method);
                return routes.nodes.instances().thenApply(list -> list);
            default:
                throw new JgoimException(ErrorCode.NOT_FOUND, "no route " + path);
        }
    }

    private static Object routed(int sessions) {
        return Map.of("routed", sessions);
    }

    private static Map<String, Object> nodesJson(NodesReply r) {
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

    /** The route tag for metrics: known routes by name, everything else "other" (bounded cardinality). */
    private static String routeTag(String path) {
        switch (path) {
            case "/goim/push/keys":
            case "/goim/push/mids":
            case "/goim/push/room":
            case "/goim/push/all":
            case "/goim/online/top":
            case "/goim/online/room":
            case "/goim/online/total":
            case "/goim/nodes/weighted":
            case "/goim/nodes/instances":
                return path;
            default:
                return "other";
        }
    }

    private static String clientIp(FullHttpRequest req, ChannelHandlerContext ctx) {
        String forwarded = req.headers().get("X-Forwarded-For");
        if (forwarded != null && !forwarded.isBlank()) {
            int comma = forwarded.indexOf(',');
            return (comma < 0 ? forwarded : forwarded.substring(0, comma)).trim();
        }
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        return remote == null ? "" : remote.getAddress().getHostAddress();
    }

    private static ByteString body(FullHttpRequest req) {
        return ByteString.copyFrom(req.content().nioBuffer());
    }

    private static void requirePost(HttpMethod method) {
        if (!HttpMethod.POST.equals(method)) {
            throw new JgoimException(ErrorCode.METHOD_NOT_ALLOWED, "use POST");
        }
    }

    private static void requireGet(HttpMethod method) {
        if (!HttpMethod.GET.equals(method)) {
            throw new JgoimException(ErrorCode.METHOD_NOT_ALLOWED, "use GET");
        }
    }

    private static String param(Map<String, List<String>> p, String name) {
        List<String> v = p.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String requiredParam(Map<String, List<String>> p, String name) {
        String v = param(p, name);
        if (v == null || v.isEmpty()) {
            throw bad(name + " is required");
        }
        return v;
    }

    private static int intParam(Map<String, List<String>> p, String name) {
        String v = requiredParam(p, name);
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw bad(name + " must be an integer, was '" + v + "'");
        }
    }

    private static long parseLong(String v, String name) {
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            throw bad(name + " must be integers, got '" + v + "'");
        }
    }

    /** A list parameter given comma-separated, repeated, or both; empty items are refused. */
    private static List<String> listParam(Map<String, List<String>> p, String name) {
        List<String> raw = p.get(name);
        if (raw == null || raw.isEmpty()) {
            throw bad(name + " is required");
        }
        List<String> out = new ArrayList<>();
        for (String r : raw) {
            for (String item : r.split(",", -1)) {
                String t = item.trim();
                if (t.isEmpty()) {
                    throw bad(name + " holds an empty item");
                }
                out.add(t);
            }
        }
        return out;
    }

    private static JgoimException bad(String message) {
        return new JgoimException(ErrorCode.BAD_PARAMETER, message);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("API connection error: {}", cause.toString());
        ctx.close();
    }
}
