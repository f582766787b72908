package io.jgoim.comet.transport;

import io.jgoim.comet.config.OriginAllowList;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.common.logging.ClientText;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;

/**
 * Refuses an HTTP request on a WebSocket listener whose {@code Origin} header is not in
 * {@code webSocket.allowedOrigins}: 403 with a short body, then close, before Netty's upgrade handler sees it. A
 * request without an {@code Origin} is no browser page's (browsers always send one) and passes. Sits in front of the
 * upgrade and leaves the pipeline with the 404 responder when the upgrade completes ({@link WsSessionCodec}), so an
 * open session carries nothing of it. One instance per listener, shared by its channels; thread-safe.
 */
@ChannelHandler.Sharable
public final class OriginCheckHandler extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(OriginCheckHandler.class);
    private static final byte[] BODY = "origin not allowed\n".getBytes(StandardCharsets.US_ASCII);
    /** Longest part of a refused Origin that is logged (the value is the client's choice). */
    private static final int LOGGED_ORIGIN_CHARS = 100;

    private final OriginAllowList allowed;
    private final CometMetrics metrics;
    /** Refusals are the client's doing: one line a second at most, however many requests come. */
    private final RateLimitedLog refusalLog = new RateLimitedLog();

    public OriginCheckHandler(OriginAllowList allowed, CometMetrics metrics) {
        this.allowed = allowed;
        this.metrics = metrics;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            String origin = ((HttpRequest) msg).headers().get(HttpHeaderNames.ORIGIN);
            if (origin != null && !allowed.allows(origin)) {
                ReferenceCountUtil.release(msg);
                refuse(ctx, origin);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void refuse(ChannelHandlerContext ctx, String origin) {
        metrics.originRefused();
        long suppressed = refusalLog.acquire();
        if (suppressed >= 0) {
            log.warn("refused a WebSocket upgrade from {}: Origin '{}' is not in webSocket.allowedOrigins{}",
                    ctx.channel().remoteAddress(), ClientText.of(origin, LOGGED_ORIGIN_CHARS),
                    RateLimitedLog.suppressedNote(suppressed));
        }
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN,
                Unpooled.wrappedBuffer(BODY));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        RefusedRequest.answer(ctx, r);
    }
}
