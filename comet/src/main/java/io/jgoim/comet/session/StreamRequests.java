package io.jgoim.comet.session;

import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.stream.AckBatcher;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtocolException;
import io.jgoim.protocol.stream.PositionList;
import io.jgoim.protocol.stream.RecentRequest;
import io.jgoim.protocol.stream.StreamPosition;
import io.jgoim.protocol.stream.StreamState;
import io.netty.channel.Channel;

import java.util.List;

/**
 * The stream requests of position-aware sessions, out of {@link SessionHandler}: op 22 (acks) and op 25 (a stream's
 * last messages). A malformed body closes the session with its code (BAD_POSITION, BAD_PARAMETER); everything else
 * is answered on the session. Shared by every session of a comet; stateless. Event loop only.
 */
final class StreamRequests {
    private final AckBatcher acks;
    private final RecentRequests recent;

    StreamRequests(AckBatcher acks, RecentRequests recent) {
        this.acks = acks;
        this.recent = recent;
    }

    /** Op 25: the session's room's or its own member stream's last messages. */
    void recent(SessionHandler handler, Channel ch, Session session, Proto p) {
        RecentRequest request;
        try {
            request = RecentRequest.read(p.body());
        } catch (ProtocolException e) {
            refuse(handler, ch, p, e);
            return;
        }
        recent.serve(handler, ch, session, request, p.seq());
    }

    /**
     * Op 22: cumulative acks. A malformed list closes the session (BAD_POSITION); an ack of a position the session was
     * not sent gets one ACK_UNKNOWN error reply and the session stays open (the list's other acks still count). An
     * ack of its member stream goes to the comet's {@link AckBatcher} (one map update; logic hears the latest at the
     * next flush); an ack of its room stream is accepted and dropped: room messages are never must-deliver, so
     * nothing waits for it.
     */
    void ack(SessionHandler handler, Channel ch, Session session, Proto p) {
        List<StreamState> list;
        try {
            list = PositionList.read(p.body().duplicate());
        } catch (ProtocolException e) {
            refuse(handler, ch, p, e);
            return;
        }
        StreamState unknown = null;
        for (StreamState a : list) {
            if (!session.streams().sent(a.stream(), a.epoch(), a.offset())) {
                unknown = unknown == null ? a : unknown;
            } else if (a.offset() > 0 && StreamPosition.isMemberStream(a.stream())) {
                acks.offer(session.key(), session.memberId(), a.stream(), a.epoch(), a.offset());
            }
        }
        if (unknown != null) {
            handler.reply(ReplyFrames.errorReply(ch.alloc(), p.seq(), ErrorCode.ACK_UNKNOWN,
                    "ack of " + unknown.stream() + " " + unknown.epoch() + "/" + unknown.offset()
                            + " names a position this session was not sent"));
        }
    }

    private static void refuse(SessionHandler handler, Channel ch, Proto p, ProtocolException e) {
        handler.fail(ch, new SessionCloseException(e.errorCode(), e.closeCode(), p.seq(), e.getMessage()));
    }
}
