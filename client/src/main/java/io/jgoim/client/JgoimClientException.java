package io.jgoim.client;

import io.jgoim.protocol.ErrorCode;

/**
 * Why a client future failed: the server refused a request ({@link #errorCode()} from its error reply), the
 * connection closed ({@link #closeStatus()} set), or a local timeout ({@link ErrorCode#TIMEOUT}).
 */
public final class JgoimClientException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode errorCode;
    private final transient CloseStatus closeStatus;

    public JgoimClientException(ErrorCode errorCode, String message) {
        this(errorCode, null, message, null);
    }

    public JgoimClientException(ErrorCode errorCode, CloseStatus closeStatus, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.closeStatus = closeStatus;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    /** The close status when the failure is a closed connection, otherwise null. */
    public CloseStatus closeStatus() {
        return closeStatus;
    }
}
