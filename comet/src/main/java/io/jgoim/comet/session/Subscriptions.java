package io.jgoim.comet.session;

import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.RoomIds;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The requests that change what a session receives: the room change (op 12: join a room, or leave with an empty
 * body) and watch/unwatch (ops 14/16: comma-separated business ops). Each returns the reply to write: goim's echo of
 * the body on success; on a bad request, an error reply for an extended client and goim's echo for a goim client
 * (the session stays open either way). A position-aware session's room stream follows the room change
 * ({@link io.jgoim.comet.stream.StreamDelivery#roomChanged}). One instance per comet, stateless. Event loop only.
 */
final class Subscriptions {
    /** Longest room id accepted by op 12, in bytes. */
    static final int MAX_ROOM_ID_BYTES = RoomIds.MAX_BYTES;
    private static final String ROOM_RULE = RoomIds.RULE;

    private final SessionIndex index;

    Subscriptions(SessionIndex index) {
        this.index = index;
    }

    /** Op 12: moves {@code session} into the room named by the body (none when empty). */
    Proto changeRoom(Session session, boolean extended, ByteBufAllocator alloc, Proto p) {
        ByteBuf body = p.body();
        int len = body.readableBytes();
        // Valid UTF-8 only: decoding other bytes would replace them, and rooms whose ids differ only there (live://
        // then 0xff, or 0xfe) would become one room, each session getting the other's pushes.
        if (len > MAX_ROOM_ID_BYTES || !ByteBufUtil.isText(body, body.readerIndex(), len, StandardCharsets.UTF_8)) {
            return refusal(extended, alloc, p, ErrorCode.BAD_ROOM, ROOM_RULE);
        }
        String roomId = len == 0 ? "" : body.toString(body.readerIndex(), len, StandardCharsets.UTF_8);
        if (len > 0 && !RoomIds.valid(roomId)) {
            return refusal(extended, alloc, p, ErrorCode.BAD_ROOM, ROOM_RULE);
        }
        // A declared tenant's session moves within its tenant's rooms (no control char, so none can name another's).
        roomId = roomId.isEmpty() ? roomId : io.jgoim.protocol.Tenancy.namespaced(session.tenant(), roomId);
        Room current = session.room();
        String from = current == null ? null : current.id();
        if (roomId.isEmpty()) {
            index.leave(session);
        } else if (from == null || !from.equals(roomId)) {
            index.join(session, roomId);
        }
        String to = roomId.isEmpty() ? null : roomId;
        if (session.streams() != null && !Objects.equals(from, to)) {
            // The new room's stream starts at its newest position, told in an op-21 frame after this reply.
            session.streams().roomChanged(from, to);
        }
        return Proto.newInstance(p.ver(), Op.CHANGE_ROOM_REPLY, p.seq(), body.retain());
    }

    /** Ops 14 and 16: adds the listed ops to, or removes them from, the ops {@code session} watches. */
    Proto watch(Session session, boolean extended, ByteBufAllocator alloc, Proto p) {
        int[] ops = OpList.parse(p.body());
        if (ops == null) {
            return refusal(extended, alloc, p, ErrorCode.BAD_OPS, "op list must be comma-separated integers");
        }
        if (p.op() == Op.SUB) {
            session.watch(ops);
        } else {
            session.unwatch(ops);
        }
        return Proto.newInstance(p.ver(), p.op() + 1, p.seq(), p.body().retain());
    }

    private static Proto refusal(boolean extended, ByteBufAllocator alloc, Proto p, ErrorCode code, String message) {
        if (extended) {
            return ReplyFrames.errorReply(alloc, p.seq(), code, message);
        }
        return Proto.newInstance(p.ver(), p.op() + 1, p.seq(), p.body().retain());
    }
}
