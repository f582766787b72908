package io.jgoim.protocol.ws;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.FrameRules;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.util.ReferenceCountUtil;

/**
 * Translates between WebSocket binary messages and goim frames: one binary message carries exactly one frame.
 *
 * <p>Inbound: a {@link BinaryWebSocketFrame} becomes a {@link Proto} (its body a retained slice of the message);
 * a message that is not one whole valid frame, or a text message, raises {@link ProtocolException}. Outbound: a
 * {@link Proto} is encoded into one binary message; a raw {@link ByteBuf} (one or more encoded frames, such as a push
 * or a room batch) is wrapped in an outer op-9 frame, as goim does; other {@link WebSocketFrame}s (close, ping, or
 * binary messages a caller already wrapped once for many sessions) pass through. Stateless apart from its settings.
 */
public class WsProtoCodec extends ChannelDuplexHandler {
    private final int maxBody;
    private final boolean clientFrames;

    /**
     * @param maxBody      the largest inbound body accepted
     * @param clientFrames true on the server: inbound frames come from a client and their ops are checked
     */
    public WsProtoCodec(int maxBody, boolean clientFrames) {
        this.maxBody = maxBody;
        this.clientFrames = clientFrames;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof BinaryWebSocketFrame) {
            BinaryWebSocketFrame frame = (BinaryWebSocketFrame) msg;
            try {
                frameRead(ctx, decode(frame.content()));
            } finally {
                frame.release();
            }
        } else if (msg instanceof WebSocketFrame) {
            ReferenceCountUtil.release(msg);
            throw new ProtocolException(ErrorCode.BAD_PACKET, CloseCode.PROTOCOL_ERROR,
                    "only binary WebSocket messages carry goim frames");
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Hands on a decoded frame to the next handler; a subclass may deliver it itself. */
    protected void frameRead(ChannelHandlerContext ctx, Proto frame) {
        ctx.fireChannelRead(frame);
    }

    private Proto decode(ByteBuf in) {
        int len = in.readableBytes();
        if (len < PacketLayout.HEADER_LENGTH) {
            throw new ProtocolException(ErrorCode.BAD_PACKET, CloseCode.PROTOCOL_ERROR,
                    "message of " + len + " bytes is shorter than a header");
        }
        int start = in.readerIndex();
        int packLen = in.getInt(start + PacketLayout.PACK_LEN_OFFSET);
        ProtocolException bad = FrameRules.checkPackLength(packLen, maxBody);
        if (bad == null) {
            bad = FrameRules.checkHeaderLength(in.getShort(start + PacketLayout.HEADER_LEN_OFFSET));
        }
        if (bad != null) {
            throw bad;
        }
        if (packLen != len) {
            throw new ProtocolException(ErrorCode.BAD_PACKET, CloseCode.PROTOCOL_ERROR,
                    "packLen " + packLen + " != message length " + len);
        }
        int op = in.getInt(start + PacketLayout.OP_OFFSET);
        int bodyLen = packLen - PacketLayout.HEADER_LENGTH;
        short ver = in.getShort(start + PacketLayout.VER_OFFSET);
        int seq = in.getInt(start + PacketLayout.SEQ_OFFSET);
        if (clientFrames) {
            bad = FrameRules.checkClientOp(ver, op, seq, bodyLen);
            if (bad != null) {
                throw bad;
            }
        }
        return Proto.newInstance(ver, op, seq, in.retainedSlice(start + PacketLayout.HEADER_LENGTH, bodyLen));
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof Proto) {
            ByteBuf out = ProtoCodec.encodeAndRelease(ctx.alloc(), (Proto) msg);
            writeFrame(ctx, new BinaryWebSocketFrame(out), promise);
        } else if (msg instanceof ByteBuf) {
            ByteBuf raw = (ByteBuf) msg;
            ByteBuf out;
            try {
                out = ProtoCodec.wrapRaw(ctx.alloc(), raw);
            } finally {
                raw.release();
            }
            writeFrame(ctx, new BinaryWebSocketFrame(out), promise);
        } else if (msg instanceof WebSocketFrame) {
            writeFrame(ctx, (WebSocketFrame) msg, promise);
        } else {
            ctx.write(msg, promise);
        }
    }

    /** Passes a WebSocket message on to the WebSocket encoder; a subclass may encode it itself. */
    protected void writeFrame(ChannelHandlerContext ctx, WebSocketFrame frame, ChannelPromise promise) {
        ctx.write(frame, promise);
    }
}
