package io.jgoim.protocol.ws;

import io.netty.buffer.ByteBuf;

/**
 * The header of an unmasked WebSocket frame as a server sends it (RFC 6455 5.2): the first byte (FIN, RSV, opcode)
 * and the shortest length encoding (7 bits up to 125, 16 bits up to 65,535, else 64 bits). Shared by the server's
 * frame encoder and the push path, which frames a push's binary message once for every WebSocket recipient.
 * Stateless.
 */
public final class WsFrameHeader {
    /** FIN and the binary opcode: the first byte of a whole binary message. */
    public static final int FIN_BINARY = 0x82;

    private WsFrameHeader() {
    }

    /** Bytes of the header of a frame with {@code payloadLength} bytes of payload: 2, 4 or 10. */
    public static int size(int payloadLength) {
        return payloadLength <= 125 ? 2 : payloadLength <= 0xFFFF ? 4 : 10;
    }

    /** Writes the header of an unmasked frame at the writer index of {@code out}. */
    public static void write(ByteBuf out, int firstByte, int payloadLength) {
        out.writeByte(firstByte);
        if (payloadLength <= 125) {
            out.writeByte(payloadLength);
        } else if (payloadLength <= 0xFFFF) {
            out.writeByte(126);
            out.writeShort(payloadLength);
        } else {
            out.writeByte(127);
            out.writeLong(payloadLength);
        }
    }
}
