package io.jgoim.comet.transport;

import io.netty.buffer.ByteBuf;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What a client's WebSocket close frame must be before {@link WsSessionCodec} echoes it (RFC 6455 5.5.1, 7.4): a code
 * a peer may send, and a reason of whole, well-formed UTF-8 — what Netty's decoder leaves unchecked. Static.
 */
final class PeerCloseFrames {
    private PeerCloseFrames() {
    }

    /**
     * The close codes a peer may send: RFC 6455 7.4 and IANA's registry (1000-1003, 1007-1014), libraries (3000-3999)
     * and applications (4000-4999). Netty's decoder checks the lower ranges but lets 5000 and up through.
     */
    static boolean isValidCode(int code) {
        return code >= 1000 && code <= 1003 || code >= 1007 && code <= 1014 || code >= 3000 && code <= 4999;
    }

    /**
     * Whether a close frame's body (code, then reason) holds a reason of complete, well-formed UTF-8. Netty's decoder
     * finds bad bytes inside the reason, not a sequence cut at its end, and echoing that would put invalid UTF-8 in
     * our own close frame.
     */
    static boolean isUtf8Reason(ByteBuf body) {
        if (body.readableBytes() <= 2) {
            return true;
        }
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(body.nioBuffer(body.readerIndex() + 2, body.readableBytes() - 2));
            return true;
        } catch (CharacterCodingException e) {
            return false; // an incomplete sequence at the end is malformed too (the decode is to the end of input)
        }
    }
}
