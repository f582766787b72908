package io.jgoim.protocol;

/**
 * Why the server closed a session, in the WebSocket private-use range (RFC 6455 §7.4.2). 4000–4499: the client
 * should reconnect with backoff. 4500–4999: terminal, reconnecting with the same credentials will fail the same way.
 * WebSocket sends the code in its close frame; TCP sends a {@link Op#DISCONNECT} frame to extended clients and
 * then closes. Numbers never change.
 */
public enum CloseCode {
    NORMAL(1000, "normal closure"),

    // 4000-4499: reconnect with backoff
    SHUTDOWN(4001, "server shutting down or draining; reconnect to another node"),
    INTERNAL(4003, "internal error"),
    LOGIC_UNAVAILABLE(4004, "authentication service unavailable; retry later"),
    HANDSHAKE_TIMEOUT(4005, "no auth frame within the handshake deadline"),
    SLOW(4008, "client did not read fast enough; outbound bound exceeded"),
    HEARTBEAT_TIMEOUT(4012, "no heartbeat within the idle timeout"),
    RESUME(4013, "missed messages could not be recovered in time; reconnect with your last positions"),
    TOKEN_EXPIRED(4014, "token expired; refresh it before exp, or reconnect with a new token"),
    OVERLOADED(4015, "server overloaded (adaptive shedding); reconnect with backoff, preferably to another node"),
    CONNECT_RATE_LIMITED(4016, "too many connects to this node or from this address; reconnect after a backoff"),
    TOO_MANY_CONNECTIONS(4017, "too many open connections from this address; reconnect after a backoff"),
    BANNED(4018, "address banned for repeated auth failures; back off for at least the ban time"),
    SESSION_RATE_LIMITED(4019, "too many upstream messages or heartbeats on this session"),
    NODE_FULL(4020, "this node holds its maximum of connections; reconnect to another node"),

    // 4500-4999: terminal
    AUTH_FAILED(4501, "token refused"),
    KICKED(4502, "closed by the operator"),
    REPLACED(4503, "another session authenticated with the same key"),
    PROTOCOL_ERROR(4504, "malformed frame or op not allowed"),
    FRAME_TOO_LARGE(4505, "frame larger than the configured maximum"),
    NOT_AUTHENTICATED(4506, "a frame other than auth arrived before auth"),

    UNKNOWN(-1, "unknown close code");

    /** Codes from here up are terminal. */
    public static final int TERMINAL_MIN = 4500;

    private final int code;
    private final String reason;

    CloseCode(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() {
        return code;
    }

    /** A short reason, at most 123 bytes so it fits a WebSocket close frame. */
    public String reason() {
        return reason;
    }

    /** True when the client should not reconnect with the same credentials. */
    public boolean isTerminal() {
        return code >= TERMINAL_MIN;
    }

    /** True when the client should reconnect after a jittered backoff. */
    public boolean isReconnect() {
        return code >= 4000 && code < TERMINAL_MIN;
    }

    public static CloseCode of(int code) {
        for (CloseCode c : values()) {
            if (c.code == code) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
