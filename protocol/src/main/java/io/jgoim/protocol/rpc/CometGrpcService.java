package io.jgoim.protocol.rpc;

import io.grpc.stub.StreamObserver;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.CometGrpc;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReply;
import io.jgoim.protocol.rpc.comet.RoomsReq;

/** Serves a {@link CometService} over gRPC; errors become statuses through {@link Rpc#toStatus}. */
public final class CometGrpcService extends CometGrpc.CometImplBase {
    private final CometService comet;

    public CometGrpcService(CometService comet) {
        this.comet = comet;
    }

    @Override
    public void pushMsg(PushMsgReq request, StreamObserver<PushMsgReply> observer) {
        Rpc.reply(comet.pushMsg(request), observer);
    }

    @Override
    public void broadcast(BroadcastReq request, StreamObserver<BroadcastReply> observer) {
        Rpc.reply(comet.broadcast(request), observer);
    }

    @Override
    public void broadcastRoom(BroadcastRoomReq request, StreamObserver<BroadcastRoomReply> observer) {
        Rpc.reply(comet.broadcastRoom(request), observer);
    }

    @Override
    public void rooms(RoomsReq request, StreamObserver<RoomsReply> observer) {
        Rpc.reply(comet.rooms(request), observer);
    }
}
