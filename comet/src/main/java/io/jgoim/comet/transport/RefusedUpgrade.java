package io.jgoim.comet.transport;

import io.jgoim.comet.config.OriginAllowList;
import io.jgoim.comet.limit.Refusal;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket connection refused by a limit before its handshake, on a plain listener with
 * {@code webSocket.refusal: close-frame}: reads the upgrade request (behind the HTTP codec and aggregator, so within
 * their size limits, and within {@code protocol.handshakeTimeout} of accept, else a bare close), completes the upgrade
 * (101, with no subprotocol: the listener negotiates none) and sends the refusal's close frame ({@link RefusalReplies}:
 * the code and the reason of the TCP refusal, ending in {@code retry-after=<s>}), then ends the connection as
 * {@link RefusedConnection} does: output shut, the client's bytes discarded until it closes, at most
 * {@link RefusedConnection#LINGER_MILLIS}. A browser reads the code and reason in its close event, where an HTTP
 * error to the upgrade would show it 1006. A request the listener would not upgrade (not a valid upgrade, another
 * path, an origin not allowed, a malformed request) gets the HTTP refusal instead. Nothing of auth or session is
 * made. One instance per refused connection; event loop.
 */
final class RefusedUpgrade extends ChannelInboundHandlerAdapter {
    /** RFC 6455 4.2.2: the GUID the client's key is hashed with. */
    private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    private static final byte[] HEAD_START = ("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
            + "Connection: Upgrade\r\nSec-WebSocket-Accept: ").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    /** What every refused upgrade of one listener shares. */
    record Listener(RefusalReplies replies, String path, OriginAllowList origins, long handshakeTimeoutNanos) {
    }

    private final Listener listener;
    private final Refusal refusal;
    private final int acceptSeconds;
    private ScheduledFuture<?> deadline;
    private boolean done;

    /** @param acceptSeconds the seconds the node's bucket booked (for {@link Refusal#ACCEPT_RATE}; else unused) */
    RefusedUpgrade(Listener listener, Refusal refusal, int acceptSeconds) {
        this.listener = listener;
        this.refusal = refusal;
        this.acceptSeconds = acceptSeconds;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            startDeadline(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        startDeadline(ctx);
    }

    private void startDeadline(ChannelHandlerContext ctx) {
        if (deadline == null && !done) {
            deadline = ctx.executor().schedule(() -> {
                ctx.close();
            }, listener.handshakeTimeoutNanos(), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (!done && msg instanceof FullHttpRequest) {
                done = true;
                if (deadline != null) {
                    deadline.cancel(false);
                }
                refuse(ctx, acceptKey((FullHttpRequest) msg));
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void refuse(ChannelHandlerContext ctx, String accept) {
        // From here on the client's bytes are WebSocket frames (or junk): no HTTP codec parses them, none reaches
        // the handlers after this one, and the raw replies go straight to the socket.
        ChannelPipeline p = ctx.pipeline();
        if (p.get(PipelineNames.HTTP_AGGREGATOR) != null) {
            p.remove(PipelineNames.HTTP_AGGREGATOR);
        }
        if (p.get(PipelineNames.HTTP) != null) {
            p.remove(PipelineNames.HTTP);
        }
        if (accept == null) {
            RefusedConnection.refuse(ctx, listener.replies().webSocket(refusal, acceptSeconds, false));
            return;
        }
        byte[] key = accept.getBytes(StandardCharsets.US_ASCII);
        ByteBuf head = ctx.alloc().buffer(HEAD_START.length + key.length + HEAD_END.length);
        head.writeBytes(HEAD_START).writeBytes(key).writeBytes(HEAD_END);
        ctx.write(head);
        RefusedConnection.refuse(ctx, listener.replies().webSocket(refusal, acceptSeconds, true));
    }

    /**
     * The {@code Sec-WebSocket-Accept} of {@code req} when the listener would upgrade it (the checks of Netty's
     * version-13 handshaker, on the listener's exact path, from an allowed origin or none); null otherwise.
     */
    private String acceptKey(FullHttpRequest req) {
        HttpHeaders h = req.headers();
        String origin = h.get(HttpHeaderNames.ORIGIN);
        String key = h.get(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (!req.decoderResult().isSuccess() || !HttpMethod.GET.equals(req.method())
                || !listener.path().equals(req.uri())
                || !h.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                || !h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
                || !"13".equals(h.get(HttpHeaderNames.SEC_WEBSOCKET_VERSION))
                || key == null || key.isEmpty()
                || (origin != null && !listener.origins().allows(origin))) {
            return null;
        }
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
