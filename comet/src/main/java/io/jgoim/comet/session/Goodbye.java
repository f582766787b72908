package io.jgoim.comet.session;

import io.jgoim.comet.frame.NodeHints;
import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.common.http.LingeringClose;
import io.netty.buffer.Unpooled;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.ssl.SslHandler;

import java.util.concurrent.TimeUnit;

/**
 * Writes how a session ends: an error reply for a failed request (extended clients only), then the transport's
 * goodbye ({@link SessionTransport#goodbye}: a WebSocket close frame carrying the close code, a {@link Op#DISCONNECT}
 * frame for an extended TCP client, nothing for a goim TCP client), then the close. A draining comet's
 * {@link CloseCode#SHUTDOWN} goodbye to an extended client carries node hints ({@link NodeHints}): in the TCP
 * DISCONNECT frame, and for WebSocket in a DISCONNECT binary message before the close frame; goim clients get
 * exactly the plain goodbye. A slow consumer is closed at
 * once: it cannot take a goodbye. After the flush the close lingers ({@link LingeringClose}: output shut, input
 * discarded until the client closes, at most 1 s), or a short timer closes it if the peer does not read.
 * Stateless; event loop only.
 */
final class Goodbye {
    /** How long a goodbye may take before the channel is closed anyway. */
    private static final long GOODBYE_TIMEOUT_MILLIS = 1000;

    private Goodbye() {
    }

    static void send(Channel ch, SessionTransport transport, boolean webSocketOpen, boolean extended,
                     CloseCode code, ErrorCode error, int seq, String message, NodeHints hints,
                     CometMetrics metrics) {
        if (!ch.isActive() || code == CloseCode.SLOW) {
            ch.close();
            return;
        }
        byte[] nodes = extended && code == CloseCode.SHUTDOWN
                ? hints.pick(transport, ch.pipeline().get(SslHandler.class) != null) : null;
        Object bye = nodes != null && !transport.isWebSocket() ? ReplyFrames.disconnect(ch.alloc(), code, nodes)
                : transport.goodbye(ch.alloc(), code, extended, webSocketOpen);
        if (bye == null) {
            // A goim TCP client gets no goodbye, but what was written to it before (a heartbeat answered from the
            // same read as the frame that ends the session) still goes out, and the close lingers like the others.
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(LingeringClose.INSTANCE);
            ch.eventLoop().schedule(() -> {
                ch.close();
            }, GOODBYE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            return;
        }
        // A timeout is not the answer to a request: the close code alone says it.
        boolean answersRequest = code != CloseCode.HEARTBEAT_TIMEOUT && code != CloseCode.HANDSHAKE_TIMEOUT;
        if (extended && error != null && answersRequest) {
            metrics.frameOut(Op.ERROR_REPLY);
            ch.write(ReplyFrames.errorReply(ch.alloc(), seq, error, message), ch.voidPromise());
        }
        if (nodes != null && transport.isWebSocket()) {
            // The close frame's reason (123 bytes at most) cannot hold a node list: an extended WebSocket client
            // gets the TCP goodbye as a binary message first; the close frame still carries the code.
            metrics.frameOut(Op.DISCONNECT);
            ch.write(ReplyFrames.disconnect(ch.alloc(), code, nodes), ch.voidPromise());
        }
        if (bye instanceof Proto) {
            metrics.frameOut(((Proto) bye).op());
        }
        // A lingering close (the output shut behind the goodbye, the client's bytes discarded until it closes, at
        // most 1 s): a close with the client's bytes unread — the rest of a burst that broke a limit, a frame too
        // large, an upgrade request cut short (the 408) — is answered by the kernel with a reset, which can overtake
        // the goodbye, and the client then learns a reset instead of the code (seen for 4019 in 5 of 20 runs).
        ch.writeAndFlush(bye).addListener(LingeringClose.INSTANCE);
        if (!(bye instanceof HttpResponse)) {
            ch.eventLoop().schedule(() -> {
                ch.close(); // the goodbye was never flushed: the client does not read
            }, GOODBYE_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        }
    }
}
