package io.jgoim.comet.frame;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.stream.AuthBody;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.StreamState;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds the frames comet sends on its own (replies and goodbyes). Each returns a {@link Proto} the pipeline's
 * encoder turns into TCP bytes or a WebSocket binary message; the Proto owns its body.
 */
public final class ReplyFrames {
    /** The byte between a DISCONNECT body's reason and its node hints: NUL, which no reason text contains. */
    public static final byte HINTS_SEPARATOR = 0;

    private ReplyFrames() {
    }

    /** A reply with an empty body (auth reply, upstream reply). */
    public static Proto empty(int ver, int op, int seq) {
        return Proto.newInstance(ver, op, seq, Unpooled.EMPTY_BUFFER);
    }

    /** A reply carrying {@code body} (owned by the returned Proto): an upstream message's answer. */
    public static Proto withBody(int ver, int op, int seq, ByteBuf body) {
        return Proto.newInstance(ver, op, seq, body);
    }

    /**
     * The auth reply for extended clients (auth ver 2): body = JSON {@code {"key":"...","heartbeat":seconds}}, the
     * session's key (which the server may have generated) and the heartbeat interval the client should keep.
     */
    public static Proto authReplyExtended(ByteBufAllocator alloc, int seq, String key, long heartbeatSeconds) {
        return authReplyExtended(alloc, seq, key, heartbeatSeconds, 0);
    }

    /**
     * The extended auth reply of a session whose token expires: the JSON also carries {@code "expires"}, the token's
     * expiry in unix seconds (left out when {@code expiresSeconds} is 0: the token never expires), the time by which
     * the client should refresh it (op 23).
     */
    public static Proto authReplyExtended(ByteBufAllocator alloc, int seq, String key, long heartbeatSeconds,
                                          long expiresSeconds) {
        String json = authJson(key, heartbeatSeconds, expiresSeconds);
        return Proto.newInstance(PacketLayout.VERSION_EXTENDED, Op.AUTH_REPLY, seq, ByteBufUtil.writeUtf8(alloc, json));
    }

    private static String authJson(String key, long heartbeatSeconds, long expiresSeconds) {
        return "{\"key\":\"" + escape(key) + "\",\"heartbeat\":" + heartbeatSeconds
                + (expiresSeconds > 0 ? ",\"expires\":" + expiresSeconds : "") + "}";
    }

    /** The reply to an accepted refresh (op 24): body = JSON {@code {"expires":unix seconds}}, 0 = never. */
    public static Proto refreshReply(ByteBufAllocator alloc, int seq, long expiresSeconds) {
        return Proto.newInstance(PacketLayout.VERSION_EXTENDED, Op.REFRESH_REPLY, seq,
                ByteBufUtil.writeUtf8(alloc, "{\"expires\":" + expiresSeconds + "}"));
    }

    /**
     * The auth reply for position-aware clients (auth ver 3): the extended JSON, a NUL, then the position list of the
     * session's streams ({@link AuthBody#write}).
     */
    public static Proto authReplyPositions(ByteBufAllocator alloc, int seq, String key, long heartbeatSeconds,
                                           List<StreamState> positions) {
        return authReplyPositions(alloc, seq, key, heartbeatSeconds, 0, positions);
    }

    /** As above, the JSON carrying {@code "expires"} when {@code expiresSeconds} is not 0 (see authReplyExtended). */
    public static Proto authReplyPositions(ByteBufAllocator alloc, int seq, String key, long heartbeatSeconds,
                                           long expiresSeconds, List<StreamState> positions) {
        byte[] json = authJson(key, heartbeatSeconds, expiresSeconds).getBytes(StandardCharsets.UTF_8);
        ByteBuf body = alloc.ioBuffer(json.length + 1 + PositionList.size(positions));
        AuthBody.write(body, json, positions);
        return Proto.newInstance(PacketLayout.VERSION_POSITIONS, Op.AUTH_REPLY, seq, body);
    }

    /** A stream-state frame (op 21) for position-aware clients: body = a position list. */
    public static Proto streamState(ByteBufAllocator alloc, List<StreamState> states) {
        ByteBuf body = alloc.ioBuffer(PositionList.size(states));
        PositionList.write(body, states);
        return Proto.newInstance(PacketLayout.VERSION_POSITIONS, Op.STREAM_STATE, 0, body);
    }

    /** An extension error reply for extended clients: body = JSON {"code":n,"message":"..."}. */
    public static Proto errorReply(ByteBufAllocator alloc, int seq, ErrorCode code, String message) {
        String json = "{\"code\":" + code.code() + ",\"message\":\"" + escape(message) + "\"}";
        ByteBuf body = ByteBufUtil.writeUtf8(alloc, json);
        return Proto.newInstance(PacketLayout.VERSION_EXTENDED, Op.ERROR_REPLY, seq, body);
    }

    /** The extension goodbye for extended TCP clients: body = int32 close code + UTF-8 reason. */
    public static Proto disconnect(ByteBufAllocator alloc, CloseCode code) {
        return disconnect(alloc, code, null);
    }

    /**
     * The extension goodbye with node hints (docs/protocol.md, "DISCONNECT"): body = int32 close code + UTF-8
     * reason, then, when {@code hints} is not null, one {@link #HINTS_SEPARATOR} byte and the hints' UTF-8 JSON
     * ({@code {"nodes":["host:port",...]}}). No reason text holds that byte, so a reader splits at the first one; a
     * reader that does not know hints sees them as the reason's tail.
     *
     * @param hints the encoded JSON from {@link NodeHints#pick}, or null for the plain goodbye
     */
    public static Proto disconnect(ByteBufAllocator alloc, CloseCode code, byte[] hints) {
        int hintBytes = hints == null ? 0 : 1 + hints.length;
        ByteBuf body = alloc.ioBuffer(4 + code.reason().length() + hintBytes);
        body.writeInt(code.code());
        ByteBufUtil.writeUtf8(body, code.reason());
        if (hints != null) {
            body.writeByte(HINTS_SEPARATOR);
            body.writeBytes(hints);
        }
        return Proto.newInstance(PacketLayout.VERSION_EXTENDED, Op.DISCONNECT, 0, body);
    }

    private static String escape(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                sb.append('\\').append(c);
            } else if (c < 0x20) {
                sb.append(' ');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
