package io.jgoim.comet.session;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.ProtocolException;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.PrematureChannelClosureException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.ssl.NotSslRecordException;

import java.io.IOException;
import javax.net.ssl.SSLException;

/**
 * How a failure ends a session: the table from a throwable (protocol violations from the codecs, session outcomes
 * such as timeouts and the slow consumer, TLS failures, peer resets, bugs) to the close code, the wire error code
 * an extended client's error reply carries, and how loudly to log. Pure: no channel, so every row is unit-testable.
 * Built once per closing session, never on a per-message path.
 *
 * @param closeCode the close code of the goodbye, or null: close without a goodbye (the peer is gone)
 * @param error     the error reply's code for extended clients, or null for none
 * @param seq       the seq of the request that failed (0 when none)
 * @param message   the error reply's message
 * @param kind      which row matched; says the log level and the log line's words
 * @param cause     the failure the row matched
 */
public record CloseOutcome(CloseCode closeCode, ErrorCode error, int seq, String message, Kind kind,
                           Throwable cause) {
    /** The rows of the table, with the words of their log line. */
    public enum Kind {
        SESSION("closing"), BAD_FRAME("bad frame:"), FRAME_TOO_LARGE("frame too large:"),
        BAD_WEBSOCKET_FRAME("bad WebSocket frame:"), TLS("TLS failure:"), IO("I/O error:"),
        BUG("unexpected error; closing");

        private final String words;

        Kind(String words) {
            this.words = words;
        }

        public String words() {
            return words;
        }
    }

    /** The outcome of {@code cause}, as {@link SessionHandler#fail} applies it. */
    public static CloseOutcome of(Throwable cause) {
        Throwable t = cause;
        // A decoder wraps what it threw; our own ProtocolException is itself a DecoderException and carries the code.
        if (t instanceof DecoderException && t.getCause() != null && !(t instanceof ProtocolException)) {
            t = t.getCause();
        }
        if (t instanceof SessionCloseException) {
            SessionCloseException e = (SessionCloseException) t;
            return new CloseOutcome(e.closeCode(), e.code(), e.seq(), e.getMessage(), Kind.SESSION, t);
        } else if (t instanceof ProtocolException) {
            ProtocolException e = (ProtocolException) t;
            return new CloseOutcome(e.closeCode(), e.errorCode(), e.seq(), e.getMessage(), Kind.BAD_FRAME, t);
        } else if (t instanceof TooLongFrameException) {
            return new CloseOutcome(CloseCode.FRAME_TOO_LARGE, ErrorCode.BODY_TOO_LARGE, 0, t.getMessage(),
                    Kind.FRAME_TOO_LARGE, t);
        } else if (t instanceof CorruptedWebSocketFrameException) {
            // (Netty words a bad close code "Invalid close frame getStatus code: 1004")
            String m = String.valueOf(t.getMessage()).replace("getStatus code", "status code");
            boolean tooLarge = ((CorruptedWebSocketFrameException) t).closeStatus()
                    == WebSocketCloseStatus.MESSAGE_TOO_BIG;
            return new CloseOutcome(tooLarge ? CloseCode.FRAME_TOO_LARGE : CloseCode.PROTOCOL_ERROR,
                    tooLarge ? ErrorCode.BODY_TOO_LARGE : ErrorCode.BAD_PACKET, 0, m, Kind.BAD_WEBSOCKET_FRAME, t);
        } else if (t instanceof NotSslRecordException || t instanceof SSLException) {
            return new CloseOutcome(CloseCode.PROTOCOL_ERROR, null, 0, "TLS failure", Kind.TLS, t);
        } else if (t instanceof IOException || t instanceof PrematureChannelClosureException) {
            // The aggregator's "closed while still aggregating": the peer left (or the handshake deadline closed it)
            // in the middle of an upgrade request's body; the peer is gone, as after a reset.
            return new CloseOutcome(null, null, 0, null, Kind.IO, t);
        }
        return new CloseOutcome(CloseCode.INTERNAL, ErrorCode.INTERNAL, 0, "internal error", Kind.BUG, t);
    }

    /** True for a bug: logged at ERROR with its stack trace; every other row is an expected outcome, at DEBUG. */
    public boolean logAtError() {
        return kind == Kind.BUG;
    }

    /** What the DEBUG line says after {@link Kind#words()}. */
    public String logDetail() {
        switch (kind) {
            case SESSION:
                return closeCode + ": " + message;
            case TLS:
            case IO:
                return cause.toString();
            default:
                return message;
        }
    }
}
