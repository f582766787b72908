package io.jgoim.comet.session;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;

/**
 * Ends a session: fired down the pipeline by the handshake and session handlers so that
 * {@link SessionHandler#fail} is the one place that turns a failure into a goodbye and a close. Carries the
 * wire error code, the close code and the seq of the request that failed (0 when none).
 */
public final class SessionCloseException extends JgoimException {
    private static final long serialVersionUID = 1L;

    private final transient CloseCode closeCode;
    private final int seq;

    public SessionCloseException(ErrorCode code, CloseCode closeCode, int seq, String message) {
        super(code, message);
        this.closeCode = closeCode;
        this.seq = seq;
    }

    public CloseCode closeCode() {
        return closeCode;
    }

    public int seq() {
        return seq;
    }

    /** No stack trace: these are expected outcomes, created per failing session. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
