package io.jgoim.comet.limit;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;

/**
 * Why the comet refused a connection or closed a session for a limit: its wire codes (null for the proxy refusals,
 * which get a bare close: the peer is not a client) and the {@code limit} label of
 * {@code jgoim_comet_limit_refusals_total}. A bounded set, so the label is too.
 */
public enum Refusal {
    ACCEPT_RATE("accept_rate", ErrorCode.CONNECT_RATE_LIMITED, CloseCode.CONNECT_RATE_LIMITED, 503, 1),
    IP_CONNECT_RATE("ip_connect_rate", ErrorCode.CONNECT_RATE_LIMITED, CloseCode.CONNECT_RATE_LIMITED, 429, 1),
    IP_CONNECTIONS("ip_connections", ErrorCode.TOO_MANY_CONNECTIONS_FROM_IP, CloseCode.TOO_MANY_CONNECTIONS, 429, 10),
    IP_BANNED("ip_banned", ErrorCode.IP_BANNED, CloseCode.BANNED, 429, -1),
    UPSTREAM_RATE("upstream_rate", ErrorCode.RATE_LIMITED, CloseCode.SESSION_RATE_LIMITED, 0, 0),
    NODE_FULL("max_connections", ErrorCode.NODE_FULL, CloseCode.NODE_FULL, 503, 5),
    HEARTBEAT_RATE("heartbeat_rate", ErrorCode.HEARTBEAT_TOO_FREQUENT, CloseCode.SESSION_RATE_LIMITED, 0, 0),
    PROXY_UNTRUSTED("proxy_untrusted", null, null, 0, 0),
    PROXY_MALFORMED("proxy_malformed", null, null, 0, 0);

    private final String label;
    private final ErrorCode error;
    private final CloseCode close;
    private final int httpStatus;
    private final int retryAfterSeconds;

    Refusal(String label, ErrorCode error, CloseCode close, int httpStatus, int retryAfterSeconds) {
        this.label = label;
        this.error = error;
        this.close = close;
        this.httpStatus = httpStatus;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String label() {
        return label;
    }

    /** The error code an extended client's error reply carries (null: none). */
    public ErrorCode error() {
        return error;
    }

    /** The close code (null: a bare close). */
    public CloseCode close() {
        return close;
    }

    /** The HTTP status of a refused WebSocket upgrade (0: not a connect refusal). */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The Retry-After of a refused upgrade in seconds; -1: the ban time. The node bucket's refusal (ACCEPT_RATE) is
     * told its booked second instead ({@link AcceptRate#retryAfterSeconds}); its 1 here is what an already-read
     * upgrade would get.
     */
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The refusal of an {@link IpTable#admit} result below 0 other than {@link IpTable#UNTRACKED}. */
    static Refusal ofAdmit(int result) {
        switch (result) {
            case IpTable.BANNED:
                return IP_BANNED;
            case IpTable.TOO_MANY_CONNECTIONS:
                return IP_CONNECTIONS;
            case IpTable.RATE_LIMITED:
                return IP_CONNECT_RATE;
            default:
                throw new IllegalArgumentException("not a refusal: " + result);
        }
    }
}
