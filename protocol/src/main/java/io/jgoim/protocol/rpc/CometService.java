package io.jgoim.protocol.rpc;

import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReply;
import io.jgoim.protocol.rpc.comet.RoomsReq;

import java.util.concurrent.CompletableFuture;

/**
 * What job asks of a comet. Two implementations: the comet's push service (standalone calls it directly) and
 * {@link GrpcCometClient} (cluster). The frames in each request are already encoded (op 9, raw); a comet writes those
 * bytes as they are to every recipient. A future completes once the comet has handed the frame to its sessions'
 * event loops (accepted), not once clients read it.
 */
public interface CometService {
    CompletableFuture<PushMsgReply> pushMsg(PushMsgReq request);

    CompletableFuture<BroadcastReply> broadcast(BroadcastReq request);

    CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq request);

    CompletableFuture<RoomsReply> rooms(RoomsReq request);
}
