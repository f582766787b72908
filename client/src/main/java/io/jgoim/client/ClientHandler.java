package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;


/**
 * The last handler of a client channel: tells the {@link Connection} when the transport is ready, routes each decoded
 * frame (auth reply, heartbeat reply, request replies, the TCP goodbye, pushes, and for a position-aware client op 20
 * and op 21 to its {@link StreamFrames}), splits op-9 batches into their inner frames without copying, and reports
 * the close with its status. One instance per channel; runs on the channel's
 * loop.
 */
final class ClientHandler extends ChannelInboundHandlerAdapter {
    /** The reason of a connection the peer closed without a close code (no goodbye, no close frame). */
    static final String PEER_CLOSED = "connection closed by peer";
    /** The close status recorded before the channel closes (server goodbye, close frame, local timeout). */
    static final AttributeKey<CloseStatus> CLOSE_STATUS = AttributeKey.valueOf("jgoim.client.closeStatus");

    private final Connection connection;
    private final boolean webSocket;
    private final boolean tls;

    ClientHandler(Connection connection, boolean webSocket, boolean tls) {
        this.connection = connection;
        this.webSocket = webSocket;
        this.tls = tls;
    }

    /** Records {@code status} (unless one is already recorded) and closes {@code ch}. */
    static void closeWith(Channel ch, CloseStatus status) {
        ch.attr(CLOSE_STATUS).setIfAbsent(status);
        ch.close();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (!webSocket && !tls) {
            connection.onTransportReady(ctx.channel());
        }
        super.channelActive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent e = (SslHandshakeCompletionEvent) evt;
            if (!e.isSuccess()) {
                closeWith(ctx.channel(), CloseStatus.abnormal("TLS handshake failed: " + e.cause()));
            } else if (!webSocket) {
                connection.onTransportReady(ctx.channel());
            }
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            connection.onTransportReady(ctx.channel());
        } else if (evt == ClientHandshakeStateEvent.HANDSHAKE_TIMEOUT) {
            closeWith(ctx.channel(), CloseStatus.abnormal("WebSocket handshake timed out"));
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof Proto)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        Proto p = (Proto) msg;
        try {
            dispatch(ctx.channel(), p.op(), p.seq(), p.body());
        } finally {
            p.release();
        }
    }

    private void dispatch(Channel ch, int op, int seq, ByteBuf body) {
        StreamFrames streams = connection.streams();
        if (streams != null && (op == Op.PUBLICATIONS || op == Op.STREAM_STATE)) {
            try {
                if (op == Op.PUBLICATIONS) {
                    streams.onPublications(ch, body);
                } else {
                    streams.onStreamState(body);
                }
            } catch (ProtocolException e) {
                closeWith(ch, new CloseStatus(CloseCode.PROTOCOL_ERROR.code(), "op " + op + ": " + e.getMessage()));
            }
            return;
        }
        switch (op) {
            case Op.AUTH_REPLY -> connection.onAuthReply(ch, body);
            case Op.HEARTBEAT_REPLY -> connection.heartbeat().onReply(body.readableBytes() >= 4
                    ? body.getInt(body.readerIndex()) : 0);
            case Op.RAW -> unpack(ch, body);
            case Op.DISCONNECT -> ch.attr(CLOSE_STATUS).set(Goodbyes.parse(body));
            case Op.ERROR_REPLY -> {
                if (!connection.pending().complete(op, seq, body) && connection.isAuthenticating(ch)) {
                    byte[] bytes = new byte[body.readableBytes()];
                    body.getBytes(body.readerIndex(), bytes);
                    ErrorReplies.Parsed e = ErrorReplies.parse(bytes);
                    // The goodbye that follows (op 18, close frame) says the real code; this stands if it is lost.
                    // A resume the history store could not serve is retried with the same positions.
                    CloseCode close = e.code() == ErrorCode.HISTORY_UNAVAILABLE ? CloseCode.RESUME
                            : CloseCode.AUTH_FAILED;
                    ch.attr(CLOSE_STATUS).setIfAbsent(new CloseStatus(close.code(), e.message()));
                }
            }
            default -> {
                if (!connection.pending().complete(op, seq, body)) {
                    ListenerCalls.pushed(connection.client(), op, seq, body);
                }
            }
        }
    }

    /** Walks the frames inside an op-9 body in order; the slices are views, valid for the listener call only. */
    private void unpack(Channel ch, ByteBuf raw) {
        int i = raw.readerIndex();
        int end = raw.writerIndex();
        while (end - i >= PacketLayout.HEADER_LENGTH) {
            int packLen = InnerFrames.length(raw, i, end);
            if (packLen < 0) {
                closeWith(ch, new CloseStatus(CloseCode.PROTOCOL_ERROR.code(),
                        "malformed frame inside op 9 at offset " + (i - raw.readerIndex())));
                return;
            }
            int op = raw.getInt(i + PacketLayout.OP_OFFSET);
            int seq = raw.getInt(i + PacketLayout.SEQ_OFFSET);
            // A retained slice of a pooled buffer is itself recycled: no allocation per inner frame (the channel's
            // allocator is pooled for this, see ClientChannelInitializer.ALLOCATOR).
            ByteBuf body = raw.retainedSlice(i + PacketLayout.HEADER_LENGTH, packLen - PacketLayout.HEADER_LENGTH);
            try {
                dispatch(ch, op, seq, body);
            } finally {
                body.release();
            }
            i += packLen;
        }
        if (i != end) {
            closeWith(ch, new CloseStatus(CloseCode.PROTOCOL_ERROR.code(), "trailing bytes inside op 9"));
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        CloseStatus status = ctx.channel().attr(CLOSE_STATUS).get();
        connection.onConnectionLost(ctx.channel(), status != null ? status
                : CloseStatus.abnormal(PEER_CLOSED));
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A refused WebSocket upgrade closes as the refusal it stands for, so its Retry-After is waited out.
        CloseStatus refusal = UpgradeRefusal.of(cause);
        closeWith(ctx.channel(), refusal != null ? refusal : CloseStatus.abnormal(String.valueOf(cause)));
    }
}
