package io.jgoim.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Splits a TCP byte stream into {@link Proto} frames. Stateful: one instance per channel.
 *
 * <p>A frame is rejected as soon as its first bytes show it is wrong: a packLen that is negative, below 16 or over
 * the maximum is refused once 4 bytes are in (so an oversize body is never buffered), a headerLen other than 16 once
 * 6 are in. On the server side ({@code clientFrames} true) ops a client may not send (9, raw; replies; extension ops)
 * and empty bodies on ops that need one are refused too. After a refusal the decoder discards everything that follows;
 * the pipeline is expected to close the channel. The body of each Proto is a retained slice of the cumulation
 * buffer (pooled; no copy).
 */
public class ProtoFrameDecoder extends ByteToMessageDecoder {
    private final int maxBody;
    private final boolean clientFrames;
    private boolean failed;

    /**
     * @param maxBody      the largest body accepted, in bytes
     * @param clientFrames true on the server, where frames come from a client and are checked for allowed ops
     */
    public ProtoFrameDecoder(int maxBody, boolean clientFrames) {
        if (maxBody < 0) {
            throw new IllegalArgumentException("maxBody must be >= 0: " + maxBody);
        }
        this.maxBody = maxBody;
        this.clientFrames = clientFrames;
    }

    /** A decoder for frames sent by a server: no size cap, every op allowed. */
    public static ProtoFrameDecoder forServerFrames() {
        return new ProtoFrameDecoder(Integer.MAX_VALUE - PacketLayout.HEADER_LENGTH, false);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        int readable = in.readableBytes();
        if (readable < 4) {
            return;
        }
        int start = in.readerIndex();
        int packLen = in.getInt(start + PacketLayout.PACK_LEN_OFFSET);
        ProtocolException bad = FrameRules.checkPackLength(packLen, maxBody);
        if (bad != null) {
            throw fail(in, bad);
        }
        if (readable < PacketLayout.VER_OFFSET) {
            return;
        }
        int headerLen = in.getShort(start + PacketLayout.HEADER_LEN_OFFSET);
        bad = FrameRules.checkHeaderLength(headerLen);
        if (bad != null) {
            throw fail(in, bad);
        }
        if (readable < packLen) {
            return;
        }
        short ver = in.getShort(start + PacketLayout.VER_OFFSET);
        int op = in.getInt(start + PacketLayout.OP_OFFSET);
        int seq = in.getInt(start + PacketLayout.SEQ_OFFSET);
        int bodyLen = packLen - PacketLayout.HEADER_LENGTH;
        if (clientFrames) {
            bad = FrameRules.checkClientOp(ver, op, seq, bodyLen);
            if (bad != null) {
                throw fail(in, bad);
            }
        }
        in.skipBytes(PacketLayout.HEADER_LENGTH);
        ByteBuf body = in.readRetainedSlice(bodyLen);
        emit(ctx, Proto.newInstance(ver, op, seq, body), out);
    }

    /** Hands on a decoded frame: to the next handler through {@code out}; a subclass may deliver it itself. */
    protected void emit(ChannelHandlerContext ctx, Proto frame, List<Object> out) {
        out.add(frame);
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        decode(ctx, in, out);
        if (in.isReadable()) {
            int left = in.readableBytes();
            in.skipBytes(left);
            failed = true;
            throw new ProtocolException(ErrorCode.TRUNCATED_FRAME, CloseCode.PROTOCOL_ERROR,
                    "connection closed with " + left + " bytes of an unfinished frame");
        }
    }

    private ProtocolException fail(ByteBuf in, ProtocolException e) {
        failed = true;
        in.skipBytes(in.readableBytes());
        return e;
    }

    /** True once a frame was refused; everything after it is discarded. */
    public boolean isFailed() {
        return failed;
    }
}
