package io.jgoim.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Stateless helpers that write goim frames. Used by the encoders and by the push path, which encodes a message
 * once and shares the bytes with every recipient.
 */
public final class ProtoCodec {
    private ProtoCodec() {
    }

    /** Writes a 16-byte header for a body of {@code bodyLength} bytes at the writer index of {@code out}. */
    public static void writeHeader(ByteBuf out, int bodyLength, int ver, int op, int seq) {
        out.writeInt(PacketLayout.HEADER_LENGTH + bodyLength);
        out.writeShort(PacketLayout.HEADER_LENGTH);
        out.writeShort(ver);
        out.writeInt(op);
        out.writeInt(seq);
    }

    /** Writes a whole frame; {@code body} is read without moving its reader index and is not released. */
    public static void writeFrame(ByteBuf out, int ver, int op, int seq, ByteBuf body) {
        int len = body.readableBytes();
        writeHeader(out, len, ver, op, seq);
        out.writeBytes(body, body.readerIndex(), len);
    }

    /** Encodes a frame into a new buffer from {@code alloc}; the caller owns the result. */
    public static ByteBuf encode(ByteBufAllocator alloc, int ver, int op, int seq, ByteBuf body) {
        ByteBuf out = alloc.ioBuffer(PacketLayout.HEADER_LENGTH + body.readableBytes());
        writeFrame(out, ver, op, seq, body);
        return out;
    }

    /** Encodes {@code p} into a new buffer from {@code alloc} and releases {@code p}, whether or not encoding failed. */
    public static ByteBuf encodeAndRelease(ByteBufAllocator alloc, Proto p) {
        try {
            return encode(alloc, p.ver(), p.op(), p.seq(), p.body());
        } finally {
            p.release();
        }
    }

    /** Encodes a frame from a byte array; the caller owns the result. */
    public static ByteBuf encode(ByteBufAllocator alloc, int ver, int op, int seq, byte[] body) {
        ByteBuf out = alloc.ioBuffer(PacketLayout.HEADER_LENGTH + body.length);
        writeHeader(out, body.length, ver, op, seq);
        out.writeBytes(body);
        return out;
    }

    /**
     * Wraps already-encoded frames ({@code raw}, read without moving its reader index, not released) in one outer
     * op-9 frame, as goim sends a push or a room batch over WebSocket. The caller owns the result.
     */
    public static ByteBuf wrapRaw(ByteBufAllocator alloc, ByteBuf raw) {
        return encode(alloc, PacketLayout.VERSION, Op.RAW, 0, raw);
    }
}
