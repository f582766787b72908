package io.jgoim.protocol;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * A frame the codec refuses, with the wire error code and the close code the session ends with. Thrown by the
 * decoders; the session handler maps it to a goodbye and a close in one place. When the refused frame's header was
 * read whole (an op or body refusal), its ver and seq come along: before auth the ver says whether the client speaks
 * the extended protocol and so gets an error reply, and the reply answers the frame's seq.
 */
public final class ProtocolException extends CorruptedFrameException {
    private static final long serialVersionUID = 1L;

    private final transient ErrorCode errorCode;
    private final transient CloseCode closeCode;
    private final short ver;
    private final int seq;

    /** A refusal before the frame's header was read whole: ver and seq unknown (0). */
    public ProtocolException(ErrorCode errorCode, CloseCode closeCode, String message) {
        this(errorCode, closeCode, message, (short) 0, 0);
    }

    /** A refusal of a frame whose header was read: {@code ver} and {@code seq} are the frame's. */
    public ProtocolException(ErrorCode errorCode, CloseCode closeCode, String message, short ver, int seq) {
        super(message);
        this.errorCode = errorCode;
        this.closeCode = closeCode;
        this.ver = ver;
        this.seq = seq;
    }

    /** The refused frame's ver, or 0 when its header was not read whole. */
    public short ver() {
        return ver;
    }

    /** The refused frame's seq, or 0 when its header was not read whole. */
    public int seq() {
        return seq;
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    public CloseCode closeCode() {
        return closeCode;
    }
}
