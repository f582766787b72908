package io.jgoim.protocol.stream;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.ProtocolException;
import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The body of op 25 (RECENT): the last {@code count} messages of {@code stream}, for a client that joins a room late
 * (a live stream's recent comments). Big-endian:
 *
 * <pre>
 *  u16 count      1..{@value #MAX_COUNT}
 *  n   stream     UTF-8, the rest of the body (1..255 bytes): the session's room or its own mid:&lt;mid&gt;
 * </pre>
 *
 * A body that breaks a rule is refused with BAD_PARAMETER (400) and PROTOCOL_ERROR. Immutable.
 */
public record RecentRequest(String stream, int count) {
    public static final int MAX_COUNT = 1000;

    public RecentRequest {
        if (count < 1 || count > MAX_COUNT) {
            throw bad("count " + count + " outside 1.." + MAX_COUNT);
        }
        int len = stream.getBytes(StandardCharsets.UTF_8).length;
        if (len < 1 || len > PositionList.MAX_STREAM_BYTES) {
            throw bad("stream name of " + len + " bytes");
        }
    }

    public void write(ByteBuf out) {
        out.writeShort(count);
        out.writeBytes(stream.getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a whole op-25 body. */
    public static RecentRequest read(ByteBuf body) {
        if (body.readableBytes() < 3) {
            throw bad("recent-messages request of " + body.readableBytes() + " bytes");
        }
        int count = body.getUnsignedShort(body.readerIndex());
        ByteBuffer name = body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2);
        String stream;
        try {
            stream = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(name).toString();
        } catch (CharacterCodingException e) {
            throw bad("stream name is not UTF-8");
        }
        return new RecentRequest(stream, count);
    }

    private static ProtocolException bad(String message) {
        return new ProtocolException(ErrorCode.BAD_PARAMETER, CloseCode.PROTOCOL_ERROR, message);
    }
}
