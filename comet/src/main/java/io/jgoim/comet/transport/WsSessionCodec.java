package io.jgoim.comet.transport;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.FrameReceiver;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtocolException;
import io.jgoim.protocol.ws.WsFrameHeader;
import io.jgoim.protocol.ws.WsProtoCodec;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.PromiseNotifier;

import java.nio.channels.ClosedChannelException;

/**
 * The server's WebSocket message ↔ goim frame codec, which after the upgrade also does what Netty's
 * {@link WebSocketServerProtocolHandler} did for an open WebSocket and what its frame encoder did, so both (and the
 * handshaker, kept in a channel attribute) can leave the pipeline: about 400 bytes less per idle WebSocket session.
 *
 * <p>Encoding as Netty's server-side encoder does: unmasked frames, FIN and RSV bits from the frame, payloads up to
 * {@value #COPY_THRESHOLD} bytes copied behind the header into one buffer, larger ones written after a header
 * buffer without a copy; a ping over 125 bytes is refused. Once open, a raw {@link ByteBuf} is not wrapped in an
 * op-9 frame as {@link WsProtoCodec} does: the server writes one only as a complete, already framed WebSocket message
 * (a push's binary message, built once per push for every recipient, {@code PushFrame.webSocketMessage()}), and it
 * passes on untouched; that is also why the push path may send those bytes to the socket past this codec.
 *
 * <p>Taken over, with Netty's configuration of this comet (close frames handled, pongs dropped, close frame
 * {@code 1000} on a bare close, no grace for an unflushed close frame): a ping is answered with a pong; a pong is
 * dropped; a close frame from the client is echoed and the channel closed, unless its code is not one a peer may
 * send; a fragmented binary message is refused at its first fragment; once a close frame went out, later writes
 * fail and are released; closing the channel without a close frame sends {@code 1000} first; a close frame that is
 * not flushed at once (a peer that does not read) does not hold the close up; errors from the WebSocket decoder
 * (configured not to answer them itself) go to the session handler, whose goodbye carries the close code of
 * docs/errors.md, and then close the channel. Before the upgrade Netty's handler is still in front and
 * none of this is reached. After auth the session handler is its {@link FrameReceiver} (one pipeline context
 * less): decoded frames, failures and the read, writability and close events go to it directly. One instance per
 * channel; event loop only.
 */
public final class WsSessionCodec extends WsProtoCodec implements FrameReceiver.Host {
    /** The attribute Netty's handler keeps the handshaker in (an AttributeKey name is a constant per class). */
    private static final AttributeKey<WebSocketServerHandshaker> HANDSHAKER =
            AttributeKey.valueOf(WebSocketServerHandshaker.class, "HANDSHAKER");

    /** Payloads up to this size are copied behind the header (Netty's gathering-write threshold). */
    static final int COPY_THRESHOLD = 1024;
    /** Name Netty's handshaker gives the WebSocket frame encoder it adds. */
    static final String NETTY_ENCODER = "wsencoder";

    private boolean open;
    private ChannelPromise closeSent;
    private boolean forceCloseArmed;
    private FrameReceiver receiver;

    public WsSessionCodec(int maxBody) {
        super(maxBody, true);
    }

    /**
     * On the upgrade's completion, before the session handlers see the event: the origin check, the 404 responder
     * and Netty's protocol handler leave and this codec takes over.
     */
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
            if (ctx.pipeline().get(PipelineNames.WS_ORIGIN) != null) {
                ctx.pipeline().remove(PipelineNames.WS_ORIGIN);
            }
            if (ctx.pipeline().get(PipelineNames.WS_NOT_FOUND) != null) {
                ctx.pipeline().remove(PipelineNames.WS_NOT_FOUND);
            }
            upgraded(ctx, PipelineNames.WS_PROTOCOL);
            super.userEventTriggered(ctx, evt);
            // what the client sent behind its request, now that the session is ready for it
            UpgradeTail.release(ctx.pipeline());
            return;
        }
        super.userEventTriggered(ctx, evt);
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
        if (ctx.pipeline().get(NETTY_ENCODER) instanceof WebSocket13FrameEncoder) {
            ctx.pipeline().remove(NETTY_ENCODER);
        }
        if (ctx.channel().hasAttr(HANDSHAKER)) {
            ctx.channel().attr(HANDSHAKER).getAndRemove();
        }
    }

    @Override
    public void attach(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    @Override
    protected void frameRead(ChannelHandlerContext ctx, Proto frame) {
        FrameReceiver r = receiver;
        if (r == null) {
            super.frameRead(ctx, frame);
            return;
        }
        try {
            r.frameRead(frame);
        } catch (Throwable t) {
            r.failed(t);
        }
    }

    /** A failure for the session handler: its receiver once attached, else the next handler. */
    private void fail(ChannelHandlerContext ctx, Throwable cause) {
        FrameReceiver r = receiver;
        if (r != null) {
            r.failed(cause);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.fireChannelReadComplete();
        FrameReceiver r = receiver;
        if (r != null) {
            r.readComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        FrameReceiver r = receiver;
        if (r != null) {
            r.writabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ctx.fireChannelInactive();
        FrameReceiver r = receiver;
        if (r != null) {
            r.inactive();
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (open) {
            if (msg instanceof PingWebSocketFrame) {
                writeFrame(ctx, new PongWebSocketFrame(((PingWebSocketFrame) msg).content()), ctx.newPromise());
                ctx.flush();
                readIfNeeded(ctx);
                return;
            }
            if (msg instanceof PongWebSocketFrame) {
                ReferenceCountUtil.release(msg);
                readIfNeeded(ctx);
                return;
            }
            if (msg instanceof CloseWebSocketFrame) {
                int code = ((CloseWebSocketFrame) msg).statusCode();
                if (code != -1 && !PeerCloseFrames.isValidCode(code)) {
                    refuse(ctx, msg, "close code " + code + " is not one a peer may send (RFC 6455 7.4)");
                    return;
                }
                if (!PeerCloseFrames.isUtf8Reason(((CloseWebSocketFrame) msg).content())) {
                    // Netty's decoder finds bad bytes inside the reason, not a sequence cut at its end; echoing it
                    // would put invalid UTF-8 in our own close frame (RFC 6455 8.1)
                    refuse(ctx, msg, "close reason is not UTF-8 (RFC 6455 5.5.1)");
                    return;
                }
                // The client's close: echo it and close (the echo is refused if our own close frame went first).
                ctx.channel().writeAndFlush(msg).addListener(ChannelFutureListener.CLOSE);
                return;
            }
            if (msg instanceof BinaryWebSocketFrame && !((BinaryWebSocketFrame) msg).isFinalFragment()) {
                // One binary message carries one whole goim frame and there is no aggregator (it would cost every
                // session a handler): a fragmented message is refused at its first fragment.
                refuse(ctx, msg, "fragmented WebSocket messages are not accepted");
                return;
            }
        }
        try {
            super.channelRead(ctx, msg);
        } catch (RuntimeException e) {
            // Our own refusals go to the session handler alone, as they did when this codec threw them.
            fail(ctx, e);
        }
    }

    private void refuse(ChannelHandlerContext ctx, Object msg, String why) {
        ReferenceCountUtil.release(msg);
        fail(ctx, new ProtocolException(ErrorCode.BAD_PACKET, CloseCode.PROTOCOL_ERROR, why));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(ctx, cause);
        if (open) {
            // From the WebSocket decoder: the session handler wrote its goodbye (the close frame) and flushed it.
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
        } else if (msg instanceof ByteBuf) {
            // A whole WebSocket frame already (a push's binary message, framed once for every recipient): on as is.
            ctx.write(msg, promise);
        } else if (msg instanceof CloseWebSocketFrame) {
            closeSent = promise.unvoid();
            ChannelPromise written = ctx.newPromise();
            written.addListener(new PromiseNotifier<Void, ChannelFuture>(false, closeSent));
            writeFrame(ctx, (CloseWebSocketFrame) msg, written);
        } else {
            super.write(ctx, msg, promise);
        }
    }

    @Override
    protected void writeFrame(ChannelHandlerContext ctx, WebSocketFrame frame, ChannelPromise promise) {
        if (!open) {
            ctx.write(frame, promise);
            return;
        }
        int opcode = opcode(frame);
        ByteBuf data = frame.content();
        int length = data.readableBytes();
        if (opcode < 0 || (opcode == OPCODE_PING && length > 125)) {
            frame.release();
            promise.setFailure(opcode < 0 ? new UnsupportedOperationException("unsupported frame " + frame)
                    : new TooLongFrameException("invalid payload for PING (payload length must be <= 125, was "
                    + length + ")"));
            return;
        }
        int header = WsFrameHeader.size(length);
        boolean copy = length <= COPY_THRESHOLD;
        ByteBuf out = ctx.alloc().buffer(copy ? header + length : header);
        WsFrameHeader.write(out, (frame.isFinalFragment() ? 0x80 : 0) | (frame.rsv() % 8) << 4 | opcode, length);
        if (copy) {
            out.writeBytes(data, data.readerIndex(), length);
            frame.release();
            ctx.write(out, promise);
        } else {
            ctx.write(out, ctx.voidPromise());
            ctx.write(data, promise); // the frame's reference passes to its content
        }
    }

    private static final int OPCODE_PING = 0x9;

    private static int opcode(WebSocketFrame frame) {
        if (frame instanceof BinaryWebSocketFrame) {
            return 0x2;
        } else if (frame instanceof CloseWebSocketFrame) {
            return 0x8;
        } else if (frame instanceof PingWebSocketFrame) {
            return OPCODE_PING;
        } else if (frame instanceof PongWebSocketFrame) {
            return 0xA;
        } else if (frame instanceof TextWebSocketFrame) {
            return 0x1;
        } else if (frame instanceof ContinuationWebSocketFrame) {
            return 0x0;
        }
        return -1;
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
