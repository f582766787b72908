package io.jgoim.protocol;

/**
 * The checks every inbound frame passes, shared by the TCP decoder and the WebSocket codec so both transports
 * refuse the same frames with the same codes. Each method returns the exception to throw, or null when the value
 * is acceptable; nothing here allocates on the accepted path.
 */
public final class FrameRules {
    private FrameRules() {
    }

    /** packLen below 16 (negative included) or a body over {@code maxBody}. */
    public static ProtocolException checkPackLength(int packLen, int maxBody) {
        if (packLen < PacketLayout.HEADER_LENGTH) {
            return new ProtocolException(ErrorCode.BAD_PACKET, CloseCode.PROTOCOL_ERROR, "packLen " + packLen + " < 16");
        }
        if (packLen - PacketLayout.HEADER_LENGTH > maxBody) {
            return new ProtocolException(ErrorCode.BODY_TOO_LARGE, CloseCode.FRAME_TOO_LARGE,
                    "body " + (packLen - PacketLayout.HEADER_LENGTH) + " > max " + maxBody);
        }
        return null;
    }

    /** headerLen other than 16. */
    public static ProtocolException checkHeaderLength(int headerLen) {
        if (headerLen != PacketLayout.HEADER_LENGTH) {
            return new ProtocolException(ErrorCode.BAD_HEADER_LENGTH, CloseCode.PROTOCOL_ERROR,
                    "headerLen " + headerLen + " != 16");
        }
        return null;
    }

    /**
     * An op a client may not send, or an empty body on an op that needs one; the refusal carries the frame's
     * {@code ver} and {@code seq}.
     */
    public static ProtocolException checkClientOp(short ver, int op, int seq, int bodyLength) {
        if (op == Op.RAW) {
            return new ProtocolException(ErrorCode.OP_NOT_ALLOWED, CloseCode.PROTOCOL_ERROR,
                    "op 9 (raw) is server-to-client only", ver, seq);
        }
        if (!Op.isClientOp(op)) {
            return new ProtocolException(ErrorCode.UNKNOWN_OP, CloseCode.PROTOCOL_ERROR,
                    "op " + op + " may not be sent by a client", ver, seq);
        }
        if (bodyLength == 0 && Op.requiresBody(op)) {
            return new ProtocolException(ErrorCode.EMPTY_BODY, CloseCode.PROTOCOL_ERROR, "op " + op + " needs a body",
                    ver, seq);
        }
        return null;
    }
}
