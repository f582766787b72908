package io.jgoim.client;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.ProtocolException;
import io.jgoim.protocol.stream.Publications;
import io.jgoim.protocol.stream.RecentRequest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Asks for the last messages of a stream (op 25) and reads the answer (op 26, an op-20 body) into
 * {@link Publication}s. The answer is not a live delivery: it neither moves the client's positions nor reaches the
 * listener. Stateless.
 */
final class RecentMessages {
    private RecentMessages() {
    }

    static CompletableFuture<List<Publication>> ask(Requests requests, String stream, int count) {
        RecentRequest request = new RecentRequest(stream, count);
        ByteBuf body = Unpooled.buffer(2 + stream.length() * 3);
        request.write(body);
        return requests.send(Op.RECENT, body).thenApply(reply -> read(reply.body()));
    }

    /** The messages of an op-26 body, in offset order. */
    static List<Publication> read(byte[] body) {
        Publications.Batch b = Publications.read(Unpooled.wrappedBuffer(body));
        ByteBuf frames = b.frames();
        List<Publication> out = new ArrayList<>();
        long offset = b.firstOffset();
        while (frames.isReadable()) {
            int at = frames.readerIndex();
            int len = InnerFrames.length(frames, at, frames.writerIndex());
            if (len < 0) {
                throw new JgoimClientException(ErrorCode.BAD_PACKET, "malformed frame in a recent-messages answer");
            }
            byte[] msg = new byte[len - PacketLayout.HEADER_LENGTH];
            frames.getBytes(at + PacketLayout.HEADER_LENGTH, msg);
            out.add(new Publication(b.stream(), b.epoch(), offset++, frames.getInt(at + PacketLayout.OP_OFFSET), msg));
            frames.skipBytes(len);
        }
        return out;
    }

    /** Maps a refused request body to the client's exception type. */
    static JgoimClientException refused(ProtocolException e) {
        return new JgoimClientException(e.errorCode(), e.getMessage());
    }
}
