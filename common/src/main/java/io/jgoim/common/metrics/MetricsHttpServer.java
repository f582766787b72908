package io.jgoim.common.metrics;

import io.jgoim.common.http.QueryDecoding;
import io.jgoim.common.admin.AdminEndpoint;
import io.jgoim.common.health.HealthRoutes;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.http.BoundedHttpAggregator;
import io.jgoim.common.http.ConnectionLimiter;
import io.jgoim.common.http.HttpRefusal;
import io.jgoim.common.http.HttpTimeouts;
import io.jgoim.common.http.JsonReply;
import io.jgoim.common.http.PipelinedHttpHandler;
import io.jgoim.common.http.PipeliningPolicy;
import io.jgoim.common.net.AcceptErrorHandler;
import io.jgoim.protocol.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;

/**
 * The admin HTTP listener of comet and job: {@code GET /metrics} (Prometheus text; {@code name[]} selects families,
 * {@link ScrapeNames}) and the health endpoints of {@link HealthRoutes} ({@code /health}, {@code /health/live},
 * {@code /health/ready}: JSON, 200 or 503), open to scrapers and probes, and when given one the node's {@link
 * AdminEndpoint} ({@code /admin/*}, API key required), over TLS when given a context (then a plaintext request is
 * dropped without an answer). It holds its clients to the same HTTP bounds as logic's push API, because an operator's
 * port faces the same hostile or broken clients: {@link PipelinedHttpHandler} (request order, bad versions and
 * undecodable requests answered then closed), {@link HttpTimeouts} (a slow head or body gets 408, an idle connection
 * closes), {@link BoundedHttpAggregator} (an oversized body gets 413) and {@link ConnectionLimiter} (connections per
 * client address). Every refusal is a JSON error with its code (docs/errors.md), counted under
 * {@code jgoim_admin_http_*}. Runs on the event loops it is given; a scrape is rendered off them ({@link
 * ScrapeRunner}).
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** The largest request body: admin routes take their arguments in the query, scrapes and probes send none. */
    static final int MAX_BODY_BYTES = 8192;
    /** Replies one connection may have due before its reads pause. */
    static final int MAX_PIPELINED = 16;
    /** Above {@link #MAX_PIPELINED} by more requests than one read can hold: Netty's codec bound is a backstop. */
    private static final int CODEC_DEPTH = MAX_PIPELINED + 4096;
    private static final String TEXT_FORMAT = ScrapeRunner.TEXT_FORMAT;
    private static final String METRICS = "/metrics";

    private final SslContext ssl;
    private final AcceptErrorHandler acceptErrors;
    private final AdminHttpService service;
    private final PipeliningPolicy pipelining;
    private final HttpTimeouts timeouts;
    private final ConnectionLimiter limiter;
    private final int maxConnectionsPerIp;
    private Channel channel;

    /**
     * The listener's bounds. {@link #DEFAULT}: logic's {@code http.*Timeout} defaults (a probe's head is a few hundred
     * bytes: 10 s only fails a stalled client) and 64 connections per client address (a Prometheus, probes and an
     * operator's tools need a handful).
     */
    record Bounds(Duration header, Duration body, Duration idle, int maxConnectionsPerIp) {
        static final Bounds DEFAULT = new Bounds(Duration.ofSeconds(10), Duration.ofSeconds(30),
                Duration.ofSeconds(60), 64);
    }

    public MetricsHttpServer(PrometheusMeterRegistry registry, NodeHealth health) {
        this(registry, health, null);
    }

    /** @param sslOrNull server TLS context ({@code io.jgoim.common.tls.NodeSslContexts#httpServer}), null = HTTP */
    public MetricsHttpServer(PrometheusMeterRegistry registry, NodeHealth health, SslContext sslOrNull) {
        this(registry, health, sslOrNull, null);
    }

    /**
     * @param sslOrNull   server TLS context, null = HTTP
     * @param adminOrNull the node's admin routes under {@code /admin/} (API key required), null = none (404)
     */
    public MetricsHttpServer(PrometheusMeterRegistry registry, NodeHealth health, SslContext sslOrNull,
                             AdminEndpoint adminOrNull) {
        this(registry, health, sslOrNull, adminOrNull, Bounds.DEFAULT);
    }

    MetricsHttpServer(PrometheusMeterRegistry registry, NodeHealth health, SslContext sslOrNull,
                      AdminEndpoint adminOrNull, Bounds bounds) {
        this.ssl = sslOrNull;
        this.acceptErrors = new AcceptErrorHandler(adminOrNull == null ? "metrics-http" : "admin-http", registry);
        this.maxConnectionsPerIp = bounds.maxConnectionsPerIp();
        this.service = new AdminHttpService(registry, health, adminOrNull);
        this.pipelining = new PipeliningPolicy(MAX_PIPELINED,
                Counter.builder("jgoim.admin.http.read.pauses").description(
                        "times an admin HTTP connection's reads were paused: too many replies pending")
                        .register(registry),
                Counter.builder("jgoim.admin.http.connection.errors")
                        .description("admin HTTP connections closed on an error").register(registry));
        this.timeouts = HttpTimeouts.counted(registry, "jgoim.admin.http.timeouts",
                "admin HTTP requests refused 408 (header, body) and connections closed idle", bounds.header(),
                bounds.body(), bounds.idle());
        this.limiter = new ConnectionLimiter(maxConnectionsPerIp,
                Counter.builder("jgoim.admin.http.connections.refused").description(
                        "admin HTTP connections refused at once: their address held the listener's cap")
                        .register(registry));
    }

    /** Binds {@code host:port} (port 0 = any free port) and returns the bound address. */
    public InetSocketAddress start(EventLoopGroup group, Class<? extends io.netty.channel.ServerChannel> channelType,
                                   String host, int port) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .handler(acceptErrors)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        if (!limiter.admit(ch)) {
                            ConnectionLimiter.refuse(ch, service.refuse(HttpRefusal.TOO_MANY_CONNECTIONS,
                                    "more than " + maxConnectionsPerIp + " connections from one address"));
                            return;
                        }
                        ch.pipeline().addLast(new HttpServerCodec(new HttpDecoderConfig(), CODEC_DEPTH),
                                new BoundedHttpAggregator(MAX_BODY_BYTES, max -> JsonReply.error(
                                        ErrorCode.PAYLOAD_TOO_LARGE, "request body larger than " + max + " bytes")),
                                new PipelinedHttpHandler(service, pipelining, timeouts));
                    }
                });
        channel = b.bind(host, port).syncUninterruptibly().channel();
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
    }

    /** True for the paths {@link #respond} answers besides 404: /metrics and the health endpoints. */
    public static boolean handles(String path) {
        return METRICS.equals(path) || HealthRoutes.handles(path);
    }

    /**
     * Answers /metrics (GET or HEAD; any other method 405) and the health endpoints (any method: load balancers'
     * probes differ), an unknown path 404; shared with
     * logic's API server, which serves them on its own port. The caller has checked the target's escapes ({@code
     * io.jgoim.common.http.PercentEscapes}). Completes on a probe's thread for the liveness paths, and on the
     * scrape thread ({@link ScrapeRunner}) for /metrics: the exposition is never rendered on the caller's loop.
     */
    public static CompletableFuture<FullHttpResponse> respond(PrometheusMeterRegistry registry, NodeHealth health,
                                                              FullHttpRequest req) {
        return respond(registry, health, req, ScrapeRunner.shared());
    }

    /** {@link #respond(PrometheusMeterRegistry, NodeHealth, FullHttpRequest)} with the scrapes on {@code runner}. */
    static CompletableFuture<FullHttpResponse> respond(PrometheusMeterRegistry registry, NodeHealth health,
                                                       FullHttpRequest req, ScrapeRunner runner) {
        QueryStringDecoder uri = QueryDecoding.of(req.uri());
        String path = uri.path();
        if (!handles(path)) {
            return done(JsonReply.error(ErrorCode.NOT_FOUND, "no route " + path));
        }
        if (METRICS.equals(path)) {
            if (!HttpMethod.GET.equals(req.method()) && !HttpMethod.HEAD.equals(req.method())) {
                FullHttpResponse r = JsonReply.error(ErrorCode.METHOD_NOT_ALLOWED, "use GET on " + path);
                r.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
                return done(r);
            }
            Set<String> families;
            try {
                families = ScrapeNames.families(uri.parameters().get(ScrapeNames.PARAM));
            } catch (IllegalArgumentException e) {
                return done(JsonReply.error(ErrorCode.BAD_PARAMETER, e.getMessage()));
            }
            return runner.scrape(registry, families).handle((body, error) -> error == null ? text(body) : busy(error));
        }
        return HealthRoutes.respond(path, health);
    }

    private static CompletableFuture<FullHttpResponse> done(FullHttpResponse r) {
        return CompletableFuture.completedFuture(r);
    }

    /**
     * The answer to a scrape the runner refused (its queue is full: 429 RATE_LIMITED, retry in a second) or that
     * failed while rendering (a gauge threw: 503, logged by nobody per request: the exposition has no partial form).
     */
    private static FullHttpResponse busy(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        if (t instanceof RejectedExecutionException) {
            FullHttpResponse r = JsonReply.error(ErrorCode.RATE_LIMITED, "more than " + ScrapeRunner.MAX_WAITING
                    + " scrapes of this node are waiting; retry later");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, 1);
            return r;
        }
        return JsonReply.error(ErrorCode.UNAVAILABLE, "the metrics could not be rendered: " + t);
    }

    private static FullHttpResponse text(String body) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, TEXT_FORMAT);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return r;
    }
}
