package io.jgoim.comet.session;

import io.jgoim.common.logging.ClientText;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The one place that turns a failure into a close: a failure, an expiry or a close code becomes the goodbye (once,
 * by the {@link CloseOutcome} table; {@link Goodbye} writes it). Apart from {@link SessionHandler} so the handler
 * keeps the session's fields and its reads; static, so a session pays nothing for it. Event loop only.
 */
final class SessionFailures {
    // Under the handler's name, as before the close-down moved here: log settings keep working.
    private static final Logger log = LoggerFactory.getLogger(SessionHandler.class);

    private SessionFailures() {
    }

    /** The one place that turns a failure into a close, by the {@link CloseOutcome} table. */
    static void fail(SessionHandler h, Channel ch, Throwable cause) {
        CloseOutcome o = CloseOutcome.of(cause);
        if (o.logAtError()) {
            log.error("{} unexpected error; closing", ch, o.cause());
        } else if (log.isDebugEnabled()) {
            log.debug("{} {} {}", ch, o.kind().words(), ClientText.of(o.logDetail()));
        }
        if (o.closeCode() == null) {
            ch.close();
        } else {
            close(h, ch, o.closeCode(), o.error(), o.seq(), o.message());
        }
    }

    /** Writes the goodbye (an extended client learns {@code error} first), unless the session is closing already. */
    static void close(SessionHandler h, Channel ch, CloseCode code, ErrorCode error, int seq, String message) {
        if (h.isClosing()) {
            return;
        }
        h.closing();
        SessionServices services = h.services();
        services.metrics().closed(code);
        Goodbye.send(ch, h.transport(), h.isWebSocketOpen(), h.isExtended(), code, error, seq, message,
                services.hints().get(), services.metrics());
    }

    /** The loop's sweeper found the session past its deadline: the token's expiry or silence, whichever it was. */
    static void expire(SessionHandler h, Channel ch, long expiresNanos, long lastReadNanos, long nowNanos) {
        if (expiresNanos - nowNanos <= 0) {
            fail(h, ch, new SessionCloseException(ErrorCode.TOKEN_EXPIRED, CloseCode.TOKEN_EXPIRED, 0,
                    "token expired; refresh it before exp (op 23), or reconnect with a new token"));
            return;
        }
        fail(h, ch, new SessionCloseException(ErrorCode.TIMEOUT, CloseCode.HEARTBEAT_TIMEOUT, 0,
                "no frame for " + TimeUnit.NANOSECONDS.toMillis(nowNanos - lastReadNanos) + " ms"));
    }
}
