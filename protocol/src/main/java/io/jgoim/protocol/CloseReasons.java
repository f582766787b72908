package io.jgoim.protocol;

/**
 * The one machine-readable part of a close reason: a refusal that tells the client how long to stay away ends its
 * reason with {@code " retry-after=<seconds>"} (ASCII, a decimal number of whole seconds, the last token of the
 * reason), the way an HTTP refusal carries {@code Retry-After}. The comet writes it on BANNED (4018, the ban time),
 * CONNECT_RATE_LIMITED (4016) and TOO_MANY_CONNECTIONS (4017, 10 s) closes, in the TCP DISCONNECT frame and the
 * WebSocket close frame alike; the SDKs wait at least that long after any reconnect code (4000-4499) that names it
 * before their next attempt (docs/errors.md). Stateless.
 */
public final class CloseReasons {
    /** The token that starts the number. */
    public static final String RETRY_AFTER = "retry-after=";

    private CloseReasons() {
    }

    /** {@code reason} followed by the retry-after token for {@code seconds} (at least 1). */
    public static String withRetryAfter(String reason, long seconds) {
        return reason + " " + RETRY_AFTER + Math.max(1, seconds);
    }

    /** The seconds of the reason's retry-after token, or -1 when it has none (or a malformed one). */
    public static long retryAfterSeconds(String reason) {
        if (reason == null) {
            return -1;
        }
        int at = reason.lastIndexOf(RETRY_AFTER);
        if (at < 0 || (at > 0 && reason.charAt(at - 1) != ' ')) {
            return -1;
        }
        int start = at + RETRY_AFTER.length();
        int end = reason.length();
        if (start == end || end - start > 9) {
            return -1;
        }
        long s = 0;
        for (int i = start; i < end; i++) {
            char c = reason.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            s = s * 10 + (c - '0');
        }
        return s;
    }
}
