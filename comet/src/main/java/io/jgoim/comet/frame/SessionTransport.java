package io.jgoim.comet.frame;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.Proto;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;

import java.nio.charset.StandardCharsets;

/**
 * How a session's client is connected, and the one place that says what that changes on the wire: how a push and
 * a pre-encoded reply are framed, and what goodbye the client gets before the close (Zuul push's
 * {@code PushProtocol}). Everything else about a session is the same for both transports.
 *
 * <p>Stateless constants; a push allocates only its recipient's (pooled) duplicate, for both transports; a reply
 * over WebSocket its message wrapper.
 */
public enum SessionTransport {
    /** goim TCP (optionally TLS): frames go out as they are encoded. */
    TCP {
        @Override
        public Object push(PushFrame frame) {
            return frame.tcp().retainedDuplicate();
        }

        @Override
        public Object reply(ByteBuf encoded) {
            return encoded;
        }

        @Override
        public Object goodbye(ByteBufAllocator alloc, CloseCode code, boolean extended, boolean webSocketOpen) {
            // A goim client knows no extension op: it gets the close alone.
            return extended ? ReplyFrames.disconnect(alloc, code) : null;
        }
    },

    /** WebSocket (optionally TLS): goim frames travel inside binary messages; the close code in the close frame. */
    WEBSOCKET {
        @Override
        public Object push(PushFrame frame) {
            // The complete frame, built once per push: the session codec passes a ByteBuf on as it is.
            return frame.webSocketMessage().retainedDuplicate();
        }

        @Override
        public Object reply(ByteBuf encoded) {
            return new BinaryWebSocketFrame(encoded);
        }

        @Override
        public Object goodbye(ByteBufAllocator alloc, CloseCode code, boolean extended, boolean webSocketOpen) {
            if (webSocketOpen) {
                return new CloseWebSocketFrame(code.code(), code.reason());
            }
            // Before the upgrade completed there is no WebSocket to send a close frame on, but the client still
            // speaks HTTP: a request head that did not come in time gets 408, as logic's API answers a slow head.
            return code == CloseCode.HANDSHAKE_TIMEOUT ? requestTimeout(code) : null;
        }
    };

    /** Header naming the close code in an HTTP answer of the WebSocket listener (as its HTTP refusals do). */
    static final String CLOSE_CODE_HEADER = "X-Jgoim-Close-Code";

    /** 408 with the close code, for a WebSocket client whose upgrade request missed the handshake deadline. */
    private static FullHttpResponse requestTimeout(CloseCode code) {
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                Unpooled.copiedBuffer(code.reason() + "\n", StandardCharsets.UTF_8));
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        r.headers().setInt(CLOSE_CODE_HEADER, code.code());
        return r;
    }

    /** The message that carries {@code frame} to one recipient: a retained duplicate, owned by the write. */
    public abstract Object push(PushFrame frame);

    /** The message that carries one already-encoded goim frame (ownership passes to the returned message). */
    public abstract Object reply(ByteBuf encoded);

    /**
     * The last message before the close ({@link Proto}, close frame, or before a WebSocket upgrade the HTTP 408 of
     * a handshake timeout), or null when the client gets none.
     *
     * @param extended      the client authenticated with the extended version (knows the DISCONNECT op)
     * @param webSocketOpen the WebSocket upgrade completed (ignored for TCP)
     */
    public abstract Object goodbye(ByteBufAllocator alloc, CloseCode code, boolean extended, boolean webSocketOpen);

    public boolean isWebSocket() {
        return this == WEBSOCKET;
    }

    /** The transport of a session whose per-session state keeps only the one bit (see SessionHandler). */
    public static SessionTransport of(boolean webSocket) {
        return webSocket ? WEBSOCKET : TCP;
    }
}
