package io.jgoim.comet.session;

import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;

import java.util.concurrent.TimeUnit;

/**
 * Writes how a session ends: an error reply for a failed request (extended clients only), then the transport's
 * goodbye ({@link SessionTransport#goodbye}: a WebSocket close frame carrying the close code, a {@link Op#DISCONNECT}
 * frame for an extended TCP client, nothing for a goim TCP client), then the close. A slow consumer is closed at
 * once: it cannot take a goodbye. The close follows the flush, or a short timer if the peer does not read.
 * Stateless; event loop only.
 */
final class Goodbye {
    /** How long a goodbye may take before the channel is closed anyway. */
    private static final long GOODBYE_TIMEOUT_MILLIS = 1000;

    private Goodbye() {
    }

    static void send(ChannelHandlerContext ctx, SessionTransport transport, boolean webSocketOpen, boolean extended,
                     CloseCode code, ErrorCode error, int seq, String message, CometMetrics metrics) {
        if (!ctx.channel().isActive() || code == CloseCode.SLOW) {
            ctx.close();
            return;
        }
        Object bye = transport.goodbye(ctx.alloc(), code, extended, webSocketOpen);
        if (bye == null) {
            ctx.close();
            return;
        }
        // A timeout is not the answer to a request: the close code alone says it.
        boolean answersRequest = code != CloseCode.HEARTBEAT_TIMEOUT && code != CloseCode.HANDSHAKE_TIMEOUT;
        if (extended && error != null && answersRequest) {
            metrics.frameOut(Op.ERROR_REPLY);
            ctx.write(ReplyFrames.errorReply(ctx.alloc(), seq, error, message), ctx.voidPromise());
        }
        if (bye instanceof Proto) {
            metrics.frameOut(((Proto) bye).op());
        }
        ctx.writeAndFlush(bye).addListener(ChannelFutureListener.CLOSE);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, GOODBYE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
    }
}
