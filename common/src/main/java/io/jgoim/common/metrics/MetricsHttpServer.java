package io.jgoim.common.metrics;

import io.jgoim.common.admin.AdminEndpoint;
import io.jgoim.common.health.HealthRoutes;
import io.jgoim.common.health.NodeHealth;
import io.jgoim.common.http.RateLimitedLog;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/**
 * The admin HTTP endpoint of comet and job: {@code GET /metrics} (Prometheus text) and the health endpoints of {@link
 * HealthRoutes} ({@code /health}, {@code /health/live}, {@code /health/ready}: JSON, 200 or 503), open to scrapers and
 * probes, and when given one the node's {@link AdminEndpoint} ({@code /admin/*}, API key required), over TLS when
 * given a context (then a plaintext request is dropped without an answer). Runs on the event loops it is given.
 */
public final class MetricsHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsHttpServer.class);
    private final PrometheusMeterRegistry registry;
    private final NodeHealth health;
    private final SslContext ssl;
    private final AdminEndpoint adminOrNull;
    private Channel channel;

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
        this.registry = registry;
        this.health = health;
        this.ssl = sslOrNull;
        this.adminOrNull = adminOrNull;
    }

    /** Binds {@code host:port} (port 0 = any free port) and returns the bound address. */
    public InetSocketAddress start(EventLoopGroup group, Class<? extends io.netty.channel.ServerChannel> channelType,
                                   String host, int port) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc()));
                        }
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192), new Handler());
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
        return "/metrics".equals(path) || HealthRoutes.handles(path);
    }

    /**
     * Builds the response for a request; shared with logic's API server, which serves /metrics and the health
     * endpoints on its own port. Completes on a probe's thread for the liveness paths.
     */
    public static CompletableFuture<FullHttpResponse> respond(PrometheusMeterRegistry registry, NodeHealth health,
                                                              FullHttpRequest req) {
        String path = new QueryStringDecoder(req.uri()).path();
        if ("/metrics".equals(path)) {
            return CompletableFuture.completedFuture(text(HttpResponseStatus.OK, registry.scrape(),
                    "text/plain; version=0.0.4; charset=utf-8"));
        }
        if (HealthRoutes.handles(path)) {
            return HealthRoutes.respond(path, health);
        }
        return CompletableFuture.completedFuture(text(HttpResponseStatus.NOT_FOUND, "not found\n", "text/plain"));
    }

    private static FullHttpResponse text(HttpResponseStatus status, String body, String type) {
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes());
        return r;
    }

    private final RateLimitedLog errors = new RateLimitedLog();

    /** One per connection. */
    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        /** The last answer of this connection: answers are written in request order (pipelined requests). */
        private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            CompletableFuture<FullHttpResponse> answer;
            if (adminOrNull != null && AdminEndpoint.handles(new QueryStringDecoder(req.uri()).path())) {
                answer = adminOrNull.serve(req, ctx.channel());
            } else {
                answer = respond(registry, health, req);
            }
            tail = tail.thenCompose(v -> answer.handle((resp, error) -> {
                FullHttpResponse r = resp != null ? resp
                        : text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n", "text/plain");
                HttpUtil.setKeepAlive(r, keepAlive);
                if (keepAlive) {
                    ctx.writeAndFlush(r);
                } else {
                    ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
                }
                return null;
            }));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A failed TLS handshake (plaintext request, untrusted client certificate) or a peer reset: nothing to
            // answer on this connection. Anything else is a bug worth a line: one a second at most, no stack.
            if (!(cause instanceof java.io.IOException) && !(cause instanceof DecoderException)) {
                long suppressed = errors.acquire();
                if (suppressed >= 0) {
                    log.warn("admin HTTP connection from {} failed: {}{}", ctx.channel().remoteAddress(), cause,
                            RateLimitedLog.suppressedNote(suppressed));
                }
            }
            ctx.close();
        }
    }
}
