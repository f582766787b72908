package io.jgoim.protocol.rpc;

import io.grpc.stub.StreamObserver;
import io.jgoim.protocol.rpc.logic.AckReply;
import io.jgoim.protocol.rpc.logic.AckReq;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReply;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HistoryReply;
import io.jgoim.protocol.rpc.logic.HistoryReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReply;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.LogicGrpc;
import io.jgoim.protocol.rpc.logic.NodesReply;
import io.jgoim.protocol.rpc.logic.NodesReq;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.RefreshReply;
import io.jgoim.protocol.rpc.logic.RefreshReq;
import io.jgoim.protocol.rpc.logic.ReceiveReq;

/** Serves a {@link LogicService} over gRPC; errors become statuses through {@link Rpc#toStatus}. */
public final class LogicGrpcService extends LogicGrpc.LogicImplBase {
    private final LogicService logic;

    public LogicGrpcService(LogicService logic) {
        this.logic = logic;
    }

    @Override
    public void connect(ConnectReq request, StreamObserver<ConnectReply> observer) {
        Rpc.reply(logic.connect(request), observer);
    }

    @Override
    public void disconnect(DisconnectReq request, StreamObserver<DisconnectReply> observer) {
        Rpc.reply(logic.disconnect(request), observer);
    }

    @Override
    public void heartbeat(HeartbeatReq request, StreamObserver<HeartbeatReply> observer) {
        Rpc.reply(logic.heartbeat(request), observer);
    }

    @Override
    public void renewOnline(OnlineReq request, StreamObserver<OnlineReply> observer) {
        Rpc.reply(logic.renewOnline(request), observer);
    }

    @Override
    public void receive(ReceiveReq request, StreamObserver<ReceiveReply> observer) {
        Rpc.reply(logic.receive(request), observer);
    }

    @Override
    public void history(HistoryReq request, StreamObserver<HistoryReply> observer) {
        Rpc.reply(logic.history(request), observer);
    }

    @Override
    public void ack(AckReq request, StreamObserver<AckReply> observer) {
        Rpc.reply(logic.ack(request), observer);
    }

    @Override
    public void nodes(NodesReq request, StreamObserver<NodesReply> observer) {
        Rpc.reply(logic.nodes(request), observer);
    }

    @Override
    public void refresh(RefreshReq request, StreamObserver<RefreshReply> observer) {
        Rpc.reply(logic.refresh(request), observer);
    }
}
