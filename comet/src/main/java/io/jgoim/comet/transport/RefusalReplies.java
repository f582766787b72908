package io.jgoim.comet.transport;

import io.jgoim.comet.limit.AcceptRate;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.protocol.CloseReasons;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtoCodec;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a connection refused by a limit before its handshake is told, encoded once per listener: over TCP a
 * DISCONNECT frame (op 18, ver 2: int32 close code + reason), over WebSocket an HTTP 429 (503 for the node's accept
 * rate) with {@code Retry-After} and {@code X-Jgoim-Close-Code}, or (webSocket.refusal: close-frame, see
 * {@link RefusedUpgrade}) a WebSocket close frame with the code and the TCP frame's reason, sent after the upgrade's
 * 101. A goim (ver 1) TCP client, which knows no op 18,
 * reads it as a failed auth and reconnects, as it would after a bare close. The node bucket's refusal names the
 * seconds its {@link AcceptRate} calendar booked, so it is encoded once for each of 1..{@link
 * AcceptRate#HORIZON_SECONDS}. Immutable; each write takes a duplicate.
 */
final class RefusalReplies {
    /** The header naming the close code in a refused WebSocket upgrade. */
    static final String CLOSE_CODE_HEADER = "X-Jgoim-Close-Code";
    /** A control frame's payload is at most 125 bytes, two of them the code. */
    private static final int MAX_CLOSE_REASON_BYTES = 123;

    private final Map<Refusal, ByteBuf> tcp = new EnumMap<>(Refusal.class);
    private final Map<Refusal, ByteBuf> http = new EnumMap<>(Refusal.class);
    private final Map<Refusal, ByteBuf> close = new EnumMap<>(Refusal.class);
    /** The node bucket's refusals by the seconds they name (index 1..HORIZON_SECONDS). */
    private final ByteBuf[] acceptTcp = new ByteBuf[AcceptRate.HORIZON_SECONDS + 1];
    private final ByteBuf[] acceptHttp = new ByteBuf[AcceptRate.HORIZON_SECONDS + 1];
    private final ByteBuf[] acceptClose = new ByteBuf[AcceptRate.HORIZON_SECONDS + 1];
    private final long banSeconds;

    RefusalReplies(long banSeconds) {
        this.banSeconds = banSeconds;
        for (Refusal r : Refusal.values()) {
            if (r.close() == null || r.httpStatus() == 0) {
                continue;
            }
            tcp.put(r, tcpFrame(r, retryAfter(r)));
            http.put(r, httpHead(r, retryAfter(r)));
            close.put(r, closeFrame(r, retryAfter(r)));
        }
        for (int s = 1; s <= AcceptRate.HORIZON_SECONDS; s++) {
            acceptTcp[s] = tcpFrame(Refusal.ACCEPT_RATE, s);
            acceptHttp[s] = httpHead(Refusal.ACCEPT_RATE, s);
            acceptClose[s] = closeFrame(Refusal.ACCEPT_RATE, s);
        }
    }

    /** The DISCONNECT frame refusing {@code r}; its reason ends with the time to stay away (CloseReasons). */
    private static ByteBuf tcpFrame(Refusal r, long retryAfter) {
        byte[] reason = reason(r, retryAfter);
        ByteBuf f = Unpooled.buffer(PacketLayout.HEADER_LENGTH + 4 + reason.length);
        ProtoCodec.writeHeader(f, 4 + reason.length, PacketLayout.VERSION_EXTENDED, Op.DISCONNECT, 0);
        f.writeInt(r.close().code()).writeBytes(reason);
        return Unpooled.unreleasableBuffer(f.asReadOnly());
    }

    /** The HTTP refusal of an upgrade, whose Retry-After says what the reason's token says. */
    private static ByteBuf httpHead(Refusal r, long retryAfter) {
        byte[] reason = reason(r, retryAfter);
        String head = "HTTP/1.1 " + r.httpStatus() + " " + HttpResponseStatus.valueOf(r.httpStatus())
                .reasonPhrase() + "\r\nRetry-After: " + retryAfter + "\r\n" + CLOSE_CODE_HEADER + ": "
                + r.close().code() + "\r\nContent-Type: text/plain\r\nContent-Length: " + (reason.length + 1)
                + "\r\nConnection: close\r\n\r\n";
        ByteBuf h = Unpooled.buffer();
        h.writeBytes(head.getBytes(StandardCharsets.US_ASCII)).writeBytes(reason).writeByte('\n');
        return Unpooled.unreleasableBuffer(h.asReadOnly());
    }

    /**
     * The WebSocket close frame refusing {@code r} (RFC 6455 5.5.1, a server's frame, so unmasked): FIN + opcode 8,
     * the 7-bit payload length, the close code (2 bytes, big-endian) and the same reason as the TCP frame's.
     */
    private static ByteBuf closeFrame(Refusal r, long retryAfter) {
        byte[] reason = reason(r, retryAfter);
        if (reason.length > MAX_CLOSE_REASON_BYTES) {
            throw new IllegalStateException("close reason over " + MAX_CLOSE_REASON_BYTES + " bytes: " + r);
        }
        ByteBuf f = Unpooled.buffer(4 + reason.length);
        f.writeByte(0x88).writeByte(2 + reason.length).writeShort(r.close().code()).writeBytes(reason);
        return Unpooled.unreleasableBuffer(f.asReadOnly());
    }

    private static byte[] reason(Refusal r, long retryAfter) {
        return CloseReasons.withRetryAfter(r.close().reason(), retryAfter).getBytes(StandardCharsets.UTF_8);
    }

    /** The raw bytes refusing {@code r} on a plain listener (a duplicate to write), or null for a bare close. */
    ByteBuf raw(Refusal r, boolean webSocket) {
        ByteBuf b = (webSocket ? http : tcp).get(r);
        return b == null ? null : b.duplicate();
    }

    /**
     * The raw bytes refusing a connection the node's bucket refused, telling it to stay away {@code seconds}
     * ({@link AcceptRate#retryAfterSeconds}, clamped to 1..{@link AcceptRate#HORIZON_SECONDS}): a duplicate of one
     * of the replies encoded at start, so a refusal allocates nothing but the duplicate.
     */
    ByteBuf acceptRefusal(int seconds, boolean webSocket) {
        int s = Math.max(1, Math.min(AcceptRate.HORIZON_SECONDS, seconds));
        return (webSocket ? acceptHttp : acceptTcp)[s].duplicate();
    }

    /**
     * The bytes refusing {@code r} on a plain WebSocket listener: the close frame ({@code closeFrame}) or the HTTP
     * refusal, a duplicate of one encoded at start; for the node's bucket ({@link Refusal#ACCEPT_RATE}) the one
     * naming {@code acceptSeconds}, the seconds it booked at accept.
     */
    ByteBuf webSocket(Refusal r, int acceptSeconds, boolean closeFrame) {
        if (r == Refusal.ACCEPT_RATE) {
            int s = Math.max(1, Math.min(AcceptRate.HORIZON_SECONDS, acceptSeconds));
            return (closeFrame ? acceptClose : acceptHttp)[s].duplicate();
        }
        ByteBuf b = (closeFrame ? close : http).get(r);
        return b == null ? null : b.duplicate();
    }

    /** The refusal as an HTTP response, for a request already read through the HTTP codec. */
    FullHttpResponse response(Refusal r) {
        byte[] reason = (r.close() == null ? "refused" : r.close().reason()).concat("\n")
                .getBytes(StandardCharsets.UTF_8);
        HttpResponseStatus status = r.httpStatus() == 0 ? HttpResponseStatus.BAD_REQUEST
                : HttpResponseStatus.valueOf(r.httpStatus());
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(reason));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reason.length);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        if (r.close() != null) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter(r));
            res.headers().setInt(CLOSE_CODE_HEADER, r.close().code());
        }
        return res;
    }

    private long retryAfter(Refusal r) {
        return r.retryAfterSeconds() < 0 ? banSeconds : r.retryAfterSeconds();
    }
}
