package io.jgoim.client;

import io.jgoim.protocol.CloseCode;

import java.util.List;

/**
 * Why a connection ended: the server's close code and reason (WebSocket close frame, or the TCP {@code Op.DISCONNECT}
 * goodbye sent to extended clients), or {@link #ABNORMAL_CODE} when the connection ended without one (a dropped
 * socket, or a local timeout, whose reason says which). Immutable.
 *
 * @param code   a {@link CloseCode} number (4000-4499 reconnect, 4500+ terminal), 1000, or 1006 when none was sent
 * @param reason a short human-readable reason, never null
 * @param nodes  other comets ({@code host:port}, best first) a draining comet's goodbye suggested to an extended
 *               client (with {@link CloseCode#SHUTDOWN}); empty when none, never null
 */
public record CloseStatus(int code, String reason, List<String> nodes) {
    /** The WebSocket code for "closed without a close frame" (RFC 6455 §7.4.1), used for every silent drop. */
    public static final int ABNORMAL_CODE = 1006;

    public CloseStatus {
        reason = reason == null ? "" : reason;
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
    }

    /** A status without node hints. */
    public CloseStatus(int code, String reason) {
        this(code, reason, List.of());
    }

    /** A connection that ended without a close code. */
    public static CloseStatus abnormal(String reason) {
        return new CloseStatus(ABNORMAL_CODE, reason);
    }

    /** The closed close code enum, {@link CloseCode#UNKNOWN} for codes this build does not know (1006 included). */
    public CloseCode closeCode() {
        return CloseCode.of(code);
    }

    /** True when reconnecting with the same token will fail the same way (codes 4500-4999). */
    public boolean isTerminal() {
        return code >= CloseCode.TERMINAL_MIN && code < 5000;
    }
}
