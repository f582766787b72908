package io.jgoim.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A frame the codec refuses, with the wire error code and the close code the session ends with. Thrown by the
 * decoders; the session handler maps it to a goodbye and a close in one place.
 */
public final class ProtocolException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode errorCode;
    private final transient CloseCode closeCode;

    public ProtocolException(ErrorCode errorCode, CloseCode closeCode, String message) {
        super(message);
        this.errorCode = errorCode;
        this.closeCode = closeCode;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public CloseCode closeCode() {
        return closeCode;
    }
}
