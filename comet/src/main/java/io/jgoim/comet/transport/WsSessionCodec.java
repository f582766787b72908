package io.jgoim.comet.transport;

import io.jgoim.protocol.ws.WsProtoCodec;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseNotifier;

import java.nio.channels.ClosedChannelException;

/**
 * The server's WebSocket message ↔ goim frame codec, which after the upgrade also does what Netty's
 * {@link WebSocketServerProtocolHandler} did for an open WebSocket, so that handler (with its handshaker, kept in a
 * channel attribute) can leave the pipeline: about 300 bytes less per idle WebSocket session.
 *
 * <p>Taken over, with Netty's configuration of this comet (close frames handled, pongs dropped, close frame
 * {@code 1000} on a bare close, no grace for an unflushed close frame): a ping is answered with a pong; a pong is
 * dropped; a close frame from the client is echoed and the channel closed; once a close frame went out, later writes
 * fail and are released; closing the channel without a close frame sends {@code 1000} first; a close frame that is
 * not flushed at once (a peer that does not read) does not hold the close up; errors from the WebSocket decoder
 * close the channel after the session handler saw them. Before the upgrade Netty's handler is still in front and
 * none of this is reached. One instance per channel; event loop only.
 */
public final class WsSessionCodec extends WsProtoCodec {
    /** The attribute Netty's handler keeps the handshaker in (an AttributeKey name is a constant per class). */
    private static final AttributeKey<WebSocketServerHandshaker> HANDSHAKER =
            AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

    private boolean open;
    private ChannelPromise closeSent;
    private boolean forceCloseArmed;

    public WsSessionCodec(int maxBody) {
        super(maxBody, true);
    }

    /**
     * The upgrade completed: removes Netty's protocol handler ({@code protocolHandlerName}) and its handshaker and
     * takes over. Event loop only.
     */
    public void upgraded(ChannelHandlerContext ctx, String protocolHandlerName) {
        open = true;
        if (ctx.pipeline().get(protocolHandlerName) != null) {
            ctx.pipeline().remove(protocolHandlerName);
        }
        if (ctx.channel().hasAttr(HANDSHAKER)) {
            ctx.channel().attr(HANDSHAKER).getAndRemove();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open) {
            if (msg instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(((PingWebSocketFrame) msg).content()));
                readIfNeeded(ctx);
                return;
            }
            if (msg instanceof PongWebSocketFrame) {
                ReferenceCountUtil.release(msg);
                readIfNeeded(ctx);
                return;
            }
            if (msg instanceof CloseWebSocketFrame) {
                // The client's close: echo it and close (the echo is refused if our own close frame went first).
                ctx.channel().writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE);
                return;
            }
        }
        try {
            super.channelRead(ctx, msg);
        } catch (RuntimeException e) {
            // Our own refusals go to the session handler alone, as they did when this codec threw them.
            ctx.fireExceptionCaught(e);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.fireExceptionCaught(cause);
        if (open) {
            // From the WebSocket decoder: it already sent its close frame; the session handler wrote its goodbye.
            ctx.close();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!open) {
            super.write(ctx, msg, promise);
        } else if (closeSent != null) {
            ReferenceCountUtil.release(msg);
            promise.setFailure(new ClosedChannelException());
        } else if (msg instanceof CloseWebSocketFrame) {
            closeSent = promise.unvoid();
            ctx.write(msg).addListener(new PromiseNotifier<Void, ChannelFuture>(false, closeSent));
        } else {
            super.write(ctx, msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        ctx.flush();
        if (closeSent != null && !forceCloseArmed && !closeSent.isDone()) {
            // Netty's handler as configured here (force-close timeout 0): a close frame that did not go out with
            // this flush does not delay the close.
            forceCloseArmed = true;
            ChannelPromise sent = closeSent;
            ctx.executor().execute(() -> {
                if (!sent.isDone()) {
                    sent.tryFailure(new ClosedChannelException());
                    ctx.close();
                }
            });
        }
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!open || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        if (closeSent == null) {
            write(ctx, new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE), ctx.newPromise());
        }
        flush(ctx);
        closeSent.addListener(f -> ctx.close(promise));
    }

    private static void readIfNeeded(ChannelHandlerContext ctx) {
        if (!ctx.channel().config().isAutoRead()) {
            ctx.read();
        }
    }
}
