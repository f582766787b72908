package io.jgoim.comet.index;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;

/**
 * What the index and the push path need from a session's pipeline: closing it, its idle deadline for the loop's
 * {@link IdleSweeper}, and its token's ids for the deny list. Its own type so that {@link Session} (the session's
 * place in the index) and the handler that owns the connection stay apart; the session handler implements it, tests
 * implement the few methods they need. Every method runs on the session's event loop.
 */
public interface SessionCloser {
    void close(CloseCode code);

    /** Closes the session with {@code code}, telling an extended client {@code error}. Event loop only. */
    default void close(CloseCode code, ErrorCode error, String message) {
        close(code);
    }

    /** When the session expires for silence, in the loop's ticker time; never by default. Event loop only. */
    default long idleDeadlineNanos() {
        return Long.MAX_VALUE;
    }

    /** Closes the session for silence (HEARTBEAT_TIMEOUT) at {@code nowNanos}. Event loop only. */
    default void expireIdle(long nowNanos) {
        close(CloseCode.HEARTBEAT_TIMEOUT);
    }

    /** The session token's jti hash ({@link io.jgoim.comet.token.TokenIds}), 0 for none. Event loop only. */
    default long jtiHash() {
        return 0;
    }

    /** The session token's kid number ({@link io.jgoim.comet.token.TokenIds}), 0 for none. Event loop only. */
    default int kid() {
        return 0;
    }
}
