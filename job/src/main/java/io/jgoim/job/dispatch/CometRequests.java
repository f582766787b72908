package io.jgoim.job.dispatch;

import io.jgoim.protocol.push.PushMsg;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.Proto;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.StreamPosition;

import java.util.List;

/**
 * Builds the requests job sends to comets from the pushes logic published: the frame, the request id, the stream
 * position when there is one, and what the comet's latency histogram needs (each push's {@code created_at_ms}, and
 * whether a key push was addressed to members). Stateless; called on a lane thread.
 */
final class CometRequests {
    private CometRequests() {
    }

    /** A push to {@code keys}; {@code member}: addressed to members (labels the comet's latency kind="mid"). */
    static PushMsgReq push(PushMsg m, List<String> keys, Proto frame, long requestId, boolean member) {
        PushMsgReq.Builder req = PushMsgReq.newBuilder().addAllKeys(keys).setProto(frame)
                .setProtoOp(m.getOperation()).setRequestId(requestId)
                .setCreatedAtMs(m.getCreatedAtMs()).setMember(member);
        if (m.getOffset() != 0) {
            // Sequenced by logic at publish (PushValidator checked stream and epoch); older records have none.
            req.setPosition(StreamPosition.newBuilder().setStream(m.getStream()).setEpoch(m.getEpoch())
                    .setOffset(m.getOffset()));
        }
        return req.build();
    }

    /** A broadcast to every session of one comet at {@code speed} sessions/s (0: at once). */
    static BroadcastReq broadcast(PushMsg m, int speed, long requestId) {
        return BroadcastReq.newBuilder().setProtoOp(m.getOperation()).setProto(PushFrameEncoder.single(m))
                .setSpeed(speed).setRequestId(requestId).setCreatedAtMs(m.getCreatedAtMs()).build();
    }

    /** One room batch ({@code position} null: none), with each message's creation time in batch order. */
    static BroadcastRoomReq room(String room, List<PushTask> tasks, Proto frames, StreamPosition position,
                                 long requestId) {
        BroadcastRoomReq.Builder req = BroadcastRoomReq.newBuilder().setRoomId(room).setProto(frames)
                .setRequestId(requestId);
        if (position != null) {
            req.setPosition(position);
        }
        for (int i = 0; i < tasks.size(); i++) {
            req.addCreatedAtMs(tasks.get(i).message().getCreatedAtMs());
        }
        return req.build();
    }
}
