package io.jgoim.comet.frame;

import com.google.protobuf.ByteString;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.stream.Publications;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes op-20 frames ({@link Publications}): from a push's already-encoded frames (the shared variant of a
 * {@link PushFrame}, or the tail of one for a single session that already has its head), and from history entries
 * (the messages a resume or a gap recovery writes). Stateless; the caller owns every returned buffer.
 */
public final class PublicationFrames {
    /** Frames' bytes one recovery op-20 frame carries at most, so a long recovery is not one huge frame. */
    public static final int MAX_RECOVERY_BYTES = 64 * 1024;

    private PublicationFrames() {
    }

    /** One op-20 frame holding {@code length} bytes of whole frames of {@code frames} from {@code from}. */
    public static ByteBuf encode(ByteBufAllocator alloc, String stream, long epoch, long first, ByteBuf frames,
                                 int from, int length) {
        byte[] name = Publications.streamBytes(stream);
        ByteBuf out = alloc.ioBuffer(PacketLayout.HEADER_LENGTH + Publications.prefixLength(name.length) + length);
        Publications.writeHeader(out, name, epoch, first, length);
        out.writeBytes(frames, from, length);
        return out;
    }

    /**
     * Op-20 frames for history {@code entries} (whole goim frames at consecutive offsets from {@code first}), split
     * so that each carries at most {@link #MAX_RECOVERY_BYTES} of entries (at least one entry each).
     */
    public static List<ByteBuf> encode(ByteBufAllocator alloc, String stream, long epoch, long first,
                                       List<ByteString> entries) {
        byte[] name = Publications.streamBytes(stream);
        List<ByteBuf> out = new ArrayList<>(1);
        int i = 0;
        while (i < entries.size()) {
            int j = i;
            int bytes = 0;
            while (j < entries.size() && (j == i || bytes + entries.get(j).size() <= MAX_RECOVERY_BYTES)) {
                bytes += entries.get(j).size();
                j++;
            }
            ByteBuf buf = alloc.ioBuffer(PacketLayout.HEADER_LENGTH + Publications.prefixLength(name.length) + bytes);
            Publications.writeHeader(buf, name, epoch, first + i, bytes);
            for (int k = i; k < j; k++) {
                for (ByteBuffer part : entries.get(k).asReadOnlyByteBufferList()) {
                    buf.writeBytes(part);
                }
            }
            out.add(buf);
            i = j;
        }
        return out;
    }

    /**
     * Splits a push body (whole goim frames back to back) into its frames (zero-copy substrings); null when the
     * bytes are not whole frames (a packLen below 16 or past the end).
     */
    public static List<ByteString> split(ByteString body) {
        List<ByteString> out = new ArrayList<>(4);
        int at = 0;
        int size = body.size();
        while (at < size) {
            if (size - at < PacketLayout.HEADER_LENGTH) {
                return null;
            }
            int len = ((body.byteAt(at) & 0xff) << 24) | ((body.byteAt(at + 1) & 0xff) << 16)
                    | ((body.byteAt(at + 2) & 0xff) << 8) | (body.byteAt(at + 3) & 0xff);
            if (len < PacketLayout.HEADER_LENGTH || len > size - at) {
                return null;
            }
            out.add(body.substring(at, at + len));
            at += len;
        }
        return out;
    }
}
