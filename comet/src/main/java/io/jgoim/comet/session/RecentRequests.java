package io.jgoim.comet.session;

import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.stream.History;
import io.jgoim.comet.stream.HistoryReads;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.stream.Publications;
import io.jgoim.protocol.stream.RecentRequest;
import io.jgoim.protocol.stream.StreamPosition;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

import java.util.concurrent.RejectedExecutionException;

/**
 * Answers op 25 (RECENT) from position-aware sessions: the last n messages of the session's room or of its own member
 * stream, for a client that joins late (a live stream's recent comments). Served from the comet's recent messages of
 * the room when they hold them ({@link HistoryReads#last}), else by one read of the store shared with identical
 * reads in flight. The answer is op 26 with the request's seq and an op-20 body (stream, epoch, first offset,
 * frames); a refusal is an error reply (op 19) and the session stays open: STREAM_FORBIDDEN for another stream,
 * HISTORY_OFF, HISTORY_UNAVAILABLE when the store failed or was too slow. Shared by every session of a comet;
 * stateless.
 */
final class RecentRequests {
    private final HistoryReads reads;

    RecentRequests(HistoryReads reads) {
        this.reads = reads;
    }

    /** Event loop: {@code request} arrived from {@code session}; the answer is written when the read completes. */
    void serve(SessionHandler handler, Channel ch, Session session, RecentRequest request, int seq) {
        Room room = session.room();
        String stream = request.stream();
        boolean own = (room != null && stream.equals(room.id()))
                || (session.memberId() != 0
                    && stream.equals(StreamPosition.memberStream(session.tenant(), session.memberId())));
        if (!own) {
            handler.reply(ReplyFrames.errorReply(ch.alloc(), seq, ErrorCode.STREAM_FORBIDDEN,
                    stream + " is neither this session's room nor its member stream"));
            return;
        }
        reads.last(stream, request.count()).whenComplete((h, e) -> {
            try {
                ch.eventLoop().execute(() -> answer(handler, ch, stream, seq, h, e));
            } catch (RejectedExecutionException gone) {
                // the comet is stopping; the session goes with its event loop
            }
        });
    }

    private static void answer(SessionHandler handler, Channel ch, String stream, int seq, History h,
                               Throwable e) {
        if (!ch.isActive()) {
            return;
        }
        Proto reply;
        if (e != null) {
            reply = ReplyFrames.errorReply(ch.alloc(), seq, ErrorCode.HISTORY_UNAVAILABLE,
                    "history of " + stream + " not read: " + Failures.unwrap(e).getMessage());
        } else if (h.off()) {
            reply = ReplyFrames.errorReply(ch.alloc(), seq, ErrorCode.HISTORY_OFF, stream + " keeps no history");
        } else {
            reply = Proto.newInstance(PacketLayout.VERSION_POSITIONS, Op.RECENT_REPLY, seq, body(ch, stream, h));
        }
        handler.reply(reply);
        ch.flush();
    }

    /** An op-20 body: stream, epoch, offset of the first entry, the entries back to back. */
    private static ByteBuf body(Channel ch, String stream, History h) {
        byte[] name = Publications.streamBytes(stream);
        int frames = 0;
        for (int i = 0; i < h.entries().size(); i++) {
            frames += h.entries().get(i).size();
        }
        ByteBuf b = ch.alloc().ioBuffer(Publications.prefixLength(name.length) + frames);
        b.writeShort(name.length).writeBytes(name).writeLong(h.epoch()).writeLong(h.entries().isEmpty()
                ? h.top() + 1 : h.first());
        for (int i = 0; i < h.entries().size(); i++) {
            for (java.nio.ByteBuffer part : h.entries().get(i).asReadOnlyByteBufferList()) {
                b.writeBytes(part);
            }
        }
        return b;
    }
}
