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
import io.micrometer.core.instrument.Counter;
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
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * goim's HTTP API routes on one connection. Requests arrive on the channel's event loop; the work completes on Redis
 * or Kafka threads, and responses are written on the event loop in request order (HTTP/1.1 pipelining) from a queue
 * of reply slots. When {@code http.maxPipelinedRequests} replies are due (or the client does not read its replies)
 * the handler stops reading from the socket until half are answered: every request read gets its reply, none is
 * dropped by closing. Connection errors are logged at WARN (at most one a second) and counted. The request body is
 * copied once (it becomes the pushed message) before the request is released. One instance per channel.
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
        /** Requests one connection may have waiting for their replies before logic stops reading from it. */
        final int maxPipelined;
        final Counter readPauses;
        final Counter connectionErrors;
        /** route tag → timers by ErrorCode ordinal, created on first use; no per-request string building. */
        private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();
        private final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());
        private final AtomicLong suppressedWarns = new AtomicLong();

        Routes(PushService push, OnlineAggregator online, NodeBalancer nodes, PrometheusMeterRegistry registry,
               BooleanSupplier healthy, int maxPipelined) {
            this.push = push;
            this.online = online;
            this.nodes = nodes;
            this.registry = registry;
            this.healthy = healthy;
            this.maxPipelined = maxPipelined;
            this.readPauses = Counter.builder("jgoim.logic.http.read.pauses")
                    .description("times a connection's reads were paused: http.maxPipelinedRequests replies pending")
                    .register(registry);
            this.connectionErrors = Counter.builder("jgoim.logic.http.connection.errors")
                    .description("HTTP connections closed by logic on an error").register(registry);
        }

        /** A WARN per connection error, at most one a second; the ones left out are counted in the next. */
        void warnLimited(SocketAddress remote, Throwable cause, int unanswered) {
            long now = System.nanoTime();
            long next = nextWarnNanos.get();
            if (now - next >= 0 && nextWarnNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(1))) {
                long more = suppressedWarns.getAndSet(0);
                log.warn("HTTP connection from {} closed on error: {} ({} requests unanswered){}", remote, cause,
                        unanswered, more == 0 ? "" : "; " + more + " more since the last such warning");
            } else {
                suppressedWarns.incrementAndGet();
            }
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
    /** Requests read and not yet answered, oldest first; touched only on the event loop. */
    private final ArrayDeque<Reply> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** Reads are off because too many requests wait for their replies (or the socket does not drain). */
    private boolean readPaused;
    /** A reply with Connection: close is queued: later requests are not served, the connection ends after it. */
    private boolean closing;

    ApiHandler(Routes routes) {
        this.routes = routes;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (closing) {
            return; // after a Connection: close reply nothing more is answered, so nothing more is done
        }
        long start = System.nanoTime();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (req.decoderResult().isFailure()) {
            // Not HTTP we can read (bad request line, header too long): answer and drop the connection.
            routes.record("other", ErrorCode.BAD_PARAMETER, start);
            enqueue(false).complete(ApiResponse.error(ErrorCode.BAD_PARAMETER,
                    "malformed HTTP request: " + req.decoderResult().cause().getMessage()));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path = uri.path();
        Reply reply = enqueue(keepAlive);
        if ("/metrics".equals(path) || "/health".equals(path)) {
            reply.complete(MetricsHttpServer.respond(routes.registry, routes.healthy, req));
            return;
        }
        CompletableFuture<Object> result;
        try {
            result = route(path, req.method(), uri.parameters(), req, ctx);
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        reply.start(req.method(), path, start);
        result.whenComplete(reply);
    }

    /**
     * Answers the request being read (or the one whose body was refused by the aggregator) with {@code response}
     * and closes the connection after it, behind every earlier reply.
     */
    void replyAndClose(FullHttpResponse response) {
        if (closing) {
            response.release();
            return;
        }
        enqueue(false).complete(response);
    }

    /** A slot for the next reply in request order; pauses reading when too many replies are outstanding. */
    private Reply enqueue(boolean keepAlive) {
        Reply r = new Reply(keepAlive);
        pending.addLast(r);
        if (!keepAlive) {
            closing = true;
            pauseReading(); // HTTP/1.1: nothing after a Connection: close request is answered
        } else if (pending.size() >= routes.maxPipelined) {
            routes.readPauses.increment();
            pauseReading();
        }
        return r;
    }

    /** Writes every reply that is ready at the head of the queue; on the event loop. */
    private void writeReady() {
        boolean wrote = false;
        boolean open = ctx.channel().isActive();
        Reply head;
        while ((head = pending.peekFirst()) != null && head.response != null) {
            pending.pollFirst();
            FullHttpResponse r = head.response;
            head.response = null;
            if (!open) {
                r.release(); // the client went away: its replies have nowhere to go
                continue;
            }
            HttpUtil.setKeepAlive(r, head.keepAlive);
            if (!head.keepAlive) {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            ctx.write(r, ctx.voidPromise());
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
        maybeResumeReading();
    }

    private void pauseReading() {
        if (!readPaused) {
            readPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
    }

    private void maybeResumeReading() {
        if (readPaused && !closing && pending.size() <= routes.maxPipelined / 2 && ctx.channel().isWritable()) {
            readPaused = false;
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            maybeResumeReading();
        } else if (!readPaused) {
            // The client does not read its replies: stop taking requests until the socket drains.
            readPaused = true;
            ctx.channel().config().setAutoRead(false);
        }
        ctx.fireChannelWritabilityChanged();
    }

    /**
     * One request's place in the reply order. Completed on whatever thread finished the work (Redis, Kafka, the event
     * loop); the response is then handed to the event loop, which writes replies strictly in request order. One
     * object per request does the routing result, the hop and the queue slot.
     */
    private final class Reply implements BiConsumer<Object, Throwable>, Runnable {
        final boolean keepAlive;
        private HttpMethod method;
        private String path;
        private long startNanos;
        /** Set before the hop to the event loop (happens-before by the executor's queue); read there. */
        FullHttpResponse response;

        Reply(boolean keepAlive) {
            this.keepAlive = keepAlive;
        }

        void start(HttpMethod method, String path, long startNanos) {
            this.method = method;
            this.path = path;
            this.startNanos = startNanos;
        }

        /** The route's result: turned into the API's JSON reply, recorded, then queued for writing. */
        @Override
        public void accept(Object data, Throwable error) {
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
                    log.error("API bug on {} {}", method, path, t);
                    r = ApiResponse.error(code, "internal error");
                }
            }
            routes.record(routeTag(path), code, startNanos);
            complete(r);
        }

        void complete(FullHttpResponse r) {
            response = r;
            EventExecutor loop = ctx.executor();
            if (loop.inEventLoop()) {
                writeReady();
            } else {
                loop.execute(this);
            }
        }

        @Override
        public void run() {
            writeReady();
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
        routes.connectionErrors.increment();
        routes.warnLimited(ctx.channel().remoteAddress(), cause, pending.size());
        ctx.close();
    }


}
