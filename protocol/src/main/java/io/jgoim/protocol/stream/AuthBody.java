package io.jgoim.protocol.stream;

import io.netty.buffer.ByteBuf;

import java.util.List;

/**
 * A position-aware client's auth body: the token, then optionally one NUL byte ({@code 0x00}, which neither a goim
 * JSON token nor a JWT holds) and a {@link PositionList} of the positions it last received. The auth reply's body is
 * built the same way: the extended JSON ({@code {"key":...,"heartbeat":n}}), a NUL, the current positions. Stateless.
 */
public final class AuthBody {
    public static final byte SEPARATOR = 0;

    private AuthBody() {
    }

    /** The index of the separator in {@code body}'s readable bytes, or -1 when there is none. */
    public static int separator(ByteBuf body) {
        return body.indexOf(body.readerIndex(), body.writerIndex(), SEPARATOR);
    }

    /** The token part (a slice, not retained): everything before the separator, or the whole body. */
    public static ByteBuf token(ByteBuf body) {
        int at = separator(body);
        return at < 0 ? body.slice() : body.slice(body.readerIndex(), at - body.readerIndex());
    }

    /** The positions after the separator; empty when there is no separator. Refuses a malformed list. */
    public static List<StreamState> positions(ByteBuf body) {
        int at = separator(body);
        if (at < 0) {
            return List.of();
        }
        return PositionList.read(body.slice(at + 1, body.writerIndex() - at - 1));
    }

    /** Writes {@code head} (token or JSON bytes), the separator and {@code positions}. */
    public static void write(ByteBuf out, byte[] head, List<StreamState> positions) {
        out.writeBytes(head);
        out.writeByte(SEPARATOR);
        PositionList.write(out, positions);
    }
}
