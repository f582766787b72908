package io.jgoim.protocol;

/**
 * Error codes carried on the wire (error replies, the HTTP API's {@code code}, Connect refusals). A code's number
 * never changes: rename freely, never renumber, add new codes above {@link #UNKNOWN}. {@code docs/errors.md} lists
 * them and a test keeps the two in step.
 */
public enum ErrorCode {
    OK(0, 200, false, "ok"),

    // 1-99: frames
    BAD_PACKET(1, 400, false, "malformed frame: packLen below 16 or negative"),
    UNKNOWN_OP(2, 400, false, "operation not known or not allowed here"),
    BODY_TOO_LARGE(3, 413, false, "frame body larger than the configured maximum"),
    BAD_HEADER_LENGTH(4, 400, false, "headerLen is not 16"),
    OP_NOT_ALLOWED(5, 400, false, "a server-only op (such as 9, raw) was sent by a client"),
    EMPTY_BODY(6, 400, false, "this op needs a body"),
    TRUNCATED_FRAME(7, 400, false, "the connection closed in the middle of a frame"),
    NOT_AUTHENTICATED(8, 401, false, "a frame other than auth arrived before auth"),
    HANDSHAKE_TIMEOUT(9, 408, true, "no auth frame within the handshake deadline"),
    BAD_ROOM(10, 400, false, "room id is not valid"),
    BAD_OPS(11, 400, false, "op list is not comma-separated integers"),
    BAD_POSITION(12, 400, false, "a position list is malformed (auth tail or ack)"),

    // 100-199: authentication
    UNAUTHORIZED(100, 401, false, "token refused"),
    TOKEN_EXPIRED(101, 401, false, "token expired"),
    TOKEN_MALFORMED(102, 401, false, "token is not well formed"),
    TOKEN_BAD_SIGNATURE(103, 401, false, "token signature does not verify"),
    TOKEN_NOT_YET_VALID(104, 401, false, "token not valid yet (nbf)"),
    TOKEN_BAD_AUDIENCE(105, 401, false, "token audience not accepted"),
    TOKEN_BAD_ISSUER(106, 401, false, "token issuer not accepted"),
    TOKEN_ALG_NOT_ALLOWED(107, 401, false, "token algorithm not allowed for its key (or alg none)"),
    TOKEN_UNKNOWN_KEY(108, 401, false, "token names a key id that is not configured"),
    API_KEY_MISSING(109, 401, false, "the push API needs an API key (Authorization: Bearer, or X-Api-Key)"),
    API_KEY_INVALID(110, 401, false, "the API key is not one of http.apiKeys"),
    FORBIDDEN(111, 403, false, "the API key lacks the route's scope"),
    TOKEN_REVOKED(112, 401, false, "token revoked (its jti, its signing key or its member is on the deny list)"),
    TOKEN_WRONG_MEMBER(113, 403, false, "a refresh token names another member than the session's"),
    // 400, not 401: the caller did authenticate (a valid key, a verified token); the tenant it names is not declared
    // (tenants[] of logic), which no other credential fixes; a 401 would send token-refresh loops around in vain.
    UNKNOWN_TENANT(114, 400, false, "the tenant (X-Jgoim-Tenant header or the token's tenant claim) is not declared"),
    TENANT_FORBIDDEN(115, 403, false, "the API key may not push for this tenant (http.apiKeys[].tenants)"),
    CONNECT_REFUSED(116, 401, false, "the connect proxy's backend refused the connection"),

    // 200-299: streams, positions and history
    EPOCH_CHANGED(200, 409, false, "the stream's history was lost or reset (its epoch changed): reload state"),
    HISTORY_TOO_SHORT(201, 409, false, "the stream's history does not reach back to the given position: reload state"),
    POSITION_AHEAD(202, 400, false, "the position is ahead of the stream (an offset never assigned)"),
    HISTORY_OFF(203, 409, false, "this stream keeps no history (off for its room type)"),
    STREAM_FORBIDDEN(204, 403, false, "not this session's stream (another member's, or a room it is not in)"),
    HISTORY_UNAVAILABLE(205, 503, true, "the history store did not answer in time: reconnect with the same positions"),
    ACK_UNKNOWN(206, 400, false, "an ack names a stream or position this session was not sent"),

    // 300-399: limits
    RATE_LIMITED(300, 429, true, "rate limited"),
    SLOW_CONSUMER(301, 429, true, "outbound bound exceeded"),
    OVERLOADED(302, 429, true, "the node is overloaded (adaptive shedding): retry after Retry-After, preferably elsewhere"),
    CONNECT_RATE_LIMITED(303, 429, true,
            "too many connects to this comet, or from this address, per second: reconnect after a backoff"),
    TOO_MANY_CONNECTIONS_FROM_IP(304, 429, true, "too many open connections from this address"),
    IP_BANNED(305, 429, true, "address banned for repeated auth failures or connect/close flaps: back off for the "
            + "ban time"),
    HEARTBEAT_TOO_FREQUENT(306, 429, true, "heartbeats more frequent than limits.minHeartbeatInterval allows"),
    NODE_FULL(307, 503, true, "this node holds its maximum of connections (limits.maxConnections): reconnect, "
            + "preferably to another node"),

    // 400-499: API requests
    BAD_PARAMETER(400, 400, false, "bad or missing parameter"),
    NOT_FOUND(404, 404, false, "no such route"),
    METHOD_NOT_ALLOWED(405, 405, false, "method not allowed on this route"),
    REQUEST_TIMEOUT(408, 408, true, "request line, headers or body not received within the HTTP timeouts"),
    PAYLOAD_TOO_LARGE(413, 413, false, "request body larger than the configured maximum"),
    URI_TOO_LONG(414, 414, false, "request line (the target with its query) longer than the configured maximum"),
    EXPECTATION_FAILED(417, 417, false, "an Expect header other than 100-continue"),
    // HTTP files it under 5xx, but it is the client's request that is refused: the API-request group, code = status
    HTTP_VERSION_NOT_SUPPORTED(505, 505, false, "HTTP version other than 1.0 and 1.1"),

    // 500-599: server side
    INTERNAL(500, 500, true, "internal error"),
    UPSTREAM_FAILED(502, 502, false, "the upstream backend answered an HTTP error status (4xx or 5xx)"),
    UNAVAILABLE(503, 503, true, "a dependency (Redis, Kafka, logic, comet) is unavailable"),
    TIMEOUT(504, 504, true, "a dependency did not answer in time"),

    UNKNOWN(-1, 500, false, "unknown error code");

    private static final ErrorCode[] BY_CODE;

    static {
        int max = 0;
        for (ErrorCode c : values()) {
            max = Math.max(max, c.code);
        }
        BY_CODE = new ErrorCode[max + 1];
        for (ErrorCode c : values()) {
            if (c.code >= 0) {
                if (BY_CODE[c.code] != null) {
                    throw new ExceptionInInitializerError("duplicate error code " + c.code);
                }
                BY_CODE[c.code] = c;
            }
        }
    }

    private final int code;
    private final int httpStatus;
    private final boolean retryable;
    private final String description;

    ErrorCode(int code, int httpStatus, boolean retryable, String description) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.retryable = retryable;
        this.description = description;
    }

    /** The wire value. */
    public int code() {
        return code;
    }

    /** The HTTP status the logic API answers with for this code. */
    public int httpStatus() {
        return httpStatus;
    }

    /** True when the same request may succeed later. */
    public boolean isRetryable() {
        return retryable;
    }

    public String description() {
        return description;
    }

    /** The code for a wire value; {@link #UNKNOWN} for a value this build does not know. */
    public static ErrorCode of(int code) {
        if (code >= 0 && code < BY_CODE.length && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        return UNKNOWN;
    }
}
