package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;

/**
 * Reads a refused WebSocket upgrade as the close it stands for. A comet refusing a connection over WebSocket answers
 * the upgrade with an HTTP error (429, 503, 403) whose {@code X-Jgoim-Close-Code} names the close code a TCP client
 * would get in its DISCONNECT, and whose {@code Retry-After} says what that DISCONNECT's reason says
 * ({@link CloseReasons}); Netty reports it as a failed handshake. Turning it into the same {@link CloseStatus} (code,
 * reason ending in {@code retry-after=<s>}) lets the {@link ReconnectPolicy} wait as it does after the TCP refusal,
 * instead of treating the refusal as a lost connection. Stateless.
 */
final class UpgradeRefusal {
    /** The comet's header naming the refusal's close code (the comet's RefusalReplies writes it). */
    static final String CLOSE_CODE_HEADER = "X-Jgoim-Close-Code";

    private UpgradeRefusal() {
    }

    /**
     * The close status of {@code cause} when it is a refused upgrade whose response names a close code or a
     * Retry-After; null otherwise (the caller records its own status).
     */
    static CloseStatus of(Throwable cause) {
        if (!(cause instanceof WebSocketClientHandshakeException e) || e.response() == null) {
            return null;
        }
        HttpResponse res = e.response();
        HttpHeaders headers = res.headers();
        int code = number(headers.get(CLOSE_CODE_HEADER));
        long retryAfter = number(headers.get(HttpHeaderNames.RETRY_AFTER));
        if (code <= 0 && retryAfter <= 0) {
            return null;
        }
        String reason = "upgrade refused (HTTP " + res.status().code() + ")"
                + (code > 0 ? ": " + CloseCode.of(code).reason() : "");
        return new CloseStatus(code > 0 ? code : CloseStatus.ABNORMAL_CODE,
                retryAfter > 0 ? CloseReasons.withRetryAfter(reason, retryAfter) : reason);
    }

    /** A header's whole non-negative number (Retry-After in delta-seconds form), or -1. */
    private static int number(String value) {
        if (value == null) {
            return -1;
        }
        String v = value.trim();
        if (v.isEmpty() || v.length() > 9) {
            return -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(v);
    }
}
