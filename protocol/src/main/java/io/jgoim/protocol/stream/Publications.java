package io.jgoim.protocol.stream;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;

/**
 * The op-20 frame a position-aware session receives instead of plain pushes: messages of one stream with consecutive
 * offsets. All integers big-endian:
 *
 * <pre>
 *  header      packLen, headerLen 16, ver 3, op 20, seq 0       (16 bytes)
 *  u16         stream length n
 *  n           stream, UTF-8 (a room id, or mid:&lt;mid&gt;)
 *  u64         epoch
 *  u64         offset of the first frame
 *  frames      whole goim frames back to back (op = the business op, ver 1, seq 0); frame i is at offset first + i
 * </pre>
 *
 * Over WebSocket the op-20 frame is the binary message itself (no op-9 wrapper). Encoded once per batch and shared by
 * every position-aware recipient. Stateless.
 */
public final class Publications {
    /** Body bytes before the frames, for a stream name of {@code streamBytes} bytes. */
    public static int prefixLength(int streamBytes) {
        return 2 + streamBytes + 8 + 8;
    }

    private Publications() {
    }

    /**
     * Writes the op-20 header and body prefix for {@code framesLength} bytes of frames to follow; the caller then
     * writes the frames.
     */
    public static void writeHeader(ByteBuf out, byte[] stream, long epoch, long firstOffset, int framesLength) {
        if (stream.length == 0 || stream.length > PositionList.MAX_STREAM_BYTES || firstOffset < 1) {
            throw new IllegalArgumentException("stream name of " + stream.length + " bytes, first offset "
                    + firstOffset);
        }
        int body = prefixLength(stream.length) + framesLength;
        ProtoCodec.writeHeader(out, body, PacketLayout.VERSION_POSITIONS, Op.PUBLICATIONS, 0);
        out.writeShort(stream.length);
        out.writeBytes(stream);
        out.writeLong(epoch);
        out.writeLong(firstOffset);
    }

    /** The decoded prefix of an op-20 body; {@code frames} is a slice of the body (not retained). */
    public record Batch(String stream, long epoch, long firstOffset, ByteBuf frames) {
    }

    /**
     * Reads an op-20 body (advancing it); refuses with BAD_PACKET a truncated one, an empty, overlong
     * (&gt; {@value PositionList#MAX_STREAM_BYTES} bytes) or non-UTF-8 stream name, and a first offset below 1
     * (offsets start at 1). The frames themselves are the reader's to walk.
     */
    public static Batch read(ByteBuf body) {
        if (body.readableBytes() < 2) {
            throw bad("publications body truncated");
        }
        int len = body.readUnsignedShort();
        if (len == 0 || len > PositionList.MAX_STREAM_BYTES) {
            throw bad("stream name of " + len + " bytes");
        }
        if (body.readableBytes() < len + 16) {
            throw bad("publications body truncated");
        }
        String stream = PositionList.utf8(body, len);
        if (stream == null) {
            throw bad("stream name is not UTF-8");
        }
        long epoch = body.readLong();
        long first = body.readLong();
        if (first < 1) {
            throw bad("first offset " + first + " < 1");
        }
        return new Batch(stream, epoch, first, body.slice());
    }

    /** Bytes of the stream name as written. */
    public static byte[] streamBytes(String stream) {
        return stream.getBytes(StandardCharsets.UTF_8);
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_PACKET, CloseCode.PROTOCOL_ERROR, message);
    }
}
