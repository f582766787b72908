package io.jgoim.comet.session;

import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

import java.util.concurrent.TimeUnit;

/**
 * Writes how a session ends, per transport and client kind: WebSocket sends a close frame carrying the close code;
 * an extended TCP client (auth ver 2) gets an error reply for a failed request and a {@link Op#DISCONNECT} frame; a
 * goim TCP client gets nothing but the close (it knows no extension op). A slow consumer is closed at once: it cannot
 * take a goodbye. The close follows the flush, or a short timer if the peer does not read. Event loop only.
 */
final class Goodbye {
    /** How long a goodbye may take before the channel is closed anyway. */
    private static final long GOODBYE_TIMEOUT_MILLIS = 1000;

    private Goodbye() {
    }

    static void send(ChannelHandlerContext ctx, Session.Transport transport, boolean webSocketOpen, boolean extended,
                     CloseCode code, ErrorCode error, int seq, String message, CometMetrics metrics) {
        if (!ctx.channel().isActive() || code == CloseCode.SLOW) {
            ctx.close();
            return;
        }
        if (code == CloseCode.HEARTBEAT_TIMEOUT || code == CloseCode.HANDSHAKE_TIMEOUT) {
            // Not the answer to a request: the close code alone says it.
            error = null;
        }
        if (transport == Session.Transport.WEBSOCKET) {
            if (!webSocketOpen) {
                ctx.close();
                return;
            }
            if (extended && error != null) {
                metrics.frameOut(Op.ERROR_REPLY);
                ctx.write(Frames.errorReply(ctx.alloc(), seq, error, message), ctx.voidPromise());
            }
            ctx.writeAndFlush(new CloseWebSocketFrame(code.code(), code.reason()))
                    .addListener(ChannelFutureListener.CLOSE);
        } else if (extended) {
            if (error != null) {
                metrics.frameOut(Op.ERROR_REPLY);
                ctx.write(Frames.errorReply(ctx.alloc(), seq, error, message), ctx.voidPromise());
            }
            metrics.frameOut(Op.DISCONNECT);
            ctx.writeAndFlush(Frames.disconnect(ctx.alloc(), code)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
            return;
        }
        ctx.executor().schedule(() -> {
            ctx.close();
        }, GOODBYE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
}
