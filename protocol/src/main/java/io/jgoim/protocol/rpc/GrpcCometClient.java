package io.jgoim.protocol.rpc;

import io.grpc.Channel;
import io.jgoim.protocol.rpc.comet.BroadcastReply;
import io.jgoim.protocol.rpc.comet.BroadcastReq;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReply;
import io.jgoim.protocol.rpc.comet.BroadcastRoomReq;
import io.jgoim.protocol.rpc.comet.CometGrpc;
import io.jgoim.protocol.rpc.comet.PushMsgReply;
import io.jgoim.protocol.rpc.comet.PushMsgReq;
import io.jgoim.protocol.rpc.comet.RoomsReply;
import io.jgoim.protocol.rpc.comet.RoomsReq;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link CometService} over gRPC, every call with a deadline. The caller owns the channel. */
public final class GrpcCometClient implements CometService {
    private final CometGrpc.CometStub stub;
    private final long deadlineMillis;

    public GrpcCometClient(Channel channel, Duration deadline) {
        this.stub = CometGrpc.newStub(channel);
        this.deadlineMillis = deadline.toMillis();
    }

    private CometGrpc.CometStub stub() {
        return stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<PushMsgReply> pushMsg(PushMsgReq request) {
        CompletableFuture<PushMsgReply> f = new CompletableFuture<>();
        stub().pushMsg(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<BroadcastReply> broadcast(BroadcastReq request) {
        CompletableFuture<BroadcastReply> f = new CompletableFuture<>();
        stub().broadcast(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<BroadcastRoomReply> broadcastRoom(BroadcastRoomReq request) {
        CompletableFuture<BroadcastRoomReply> f = new CompletableFuture<>();
        stub().broadcastRoom(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<RoomsReply> rooms(RoomsReq request) {
        CompletableFuture<RoomsReply> f = new CompletableFuture<>();
        stub().rooms(request, Rpc.completing(f));
        return f;
    }
}
