package io.jgoim.client;

import io.netty.buffer.ByteBuf;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Reads the server's DISCONNECT goodbye (op 18): int32 close code, UTF-8 reason, and, from a draining jgoim comet,
 * a NUL byte followed by JSON node hints {@code {"nodes":["host:port",...]}} (docs/protocol.md). Both bodies parse;
 * malformed hints are dropped, never the close code. Stateless.
 */
final class Goodbyes {
    /** The byte between the reason and the hints. */
    static final byte HINTS_SEPARATOR = 0;

    private Goodbyes() {
    }

    /** The close status the body says, with its node hints; never throws. */
    static CloseStatus parse(ByteBuf body) {
        int start = body.readerIndex();
        int len = body.readableBytes();
        if (len < 4) {
            return CloseStatus.abnormal("server goodbye without a code");
        }
        int code = body.getInt(start);
        int sep = body.indexOf(start + 4, start + len, HINTS_SEPARATOR);
        int reasonEnd = sep < 0 ? start + len : sep;
        String reason = body.toString(start + 4, reasonEnd - start - 4, StandardCharsets.UTF_8);
        List<String> nodes = List.of();
        if (sep >= 0) {
            nodes = NodeLists.parse(body.toString(sep + 1, start + len - sep - 1, StandardCharsets.UTF_8));
        }
        return new CloseStatus(code, reason, nodes);
    }
}
