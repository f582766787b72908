package io.jgoim.client;

import io.jgoim.protocol.PacketLayout;
import io.netty.buffer.ByteBuf;

/**
 * Checks one of the whole frames packed back to back inside an op-9 or op-20 body before the client reads it.
 * Stateless.
 */
final class InnerFrames {
    private InnerFrames() {
    }

    /**
     * The packLen of the frame at index {@code i} of {@code buf} (which ends at {@code end}), or -1 when fewer than
     * a header's bytes remain, the packLen is below 16 or past the end, or the headerLen is not 16.
     */
    static int length(ByteBuf buf, int i, int end) {
        if (end - i < PacketLayout.HEADER_LENGTH) {
            return -1;
        }
        int packLen = buf.getInt(i + PacketLayout.PACK_LEN_OFFSET);
        int headerLen = buf.getShort(i + PacketLayout.HEADER_LEN_OFFSET);
        if (packLen < PacketLayout.HEADER_LENGTH || packLen > end - i || headerLen != PacketLayout.HEADER_LENGTH) {
            return -1;
        }
        return packLen;
    }
}
