package io.jgoim.protocol.rpc;

import io.grpc.Channel;
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

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@link LogicService} over gRPC. Every call carries a deadline, so a slow or unreachable logic fails the future
 * with {@code TIMEOUT}/{@code UNAVAILABLE} instead of hanging. The caller owns the channel.
 */
public final class GrpcLogicClient implements LogicService {
    private final LogicGrpc.LogicStub stub;
    private final long deadlineMillis;

    public GrpcLogicClient(Channel channel, Duration deadline) {
        this.stub = LogicGrpc.newStub(channel);
        this.deadlineMillis = deadline.toMillis();
    }

    private LogicGrpc.LogicStub stub() {
        return stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq request) {
        CompletableFuture<ConnectReply> f = new CompletableFuture<>();
        stub().connect(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq request) {
        CompletableFuture<DisconnectReply> f = new CompletableFuture<>();
        stub().disconnect(request, Rpc.completing(f));
        return f;
    }

    /** A Disconnect whose {@code ticket} rides in the call's options to the channel's throttling interceptor. */
    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq request, ThrottleTicket ticket) {
        CompletableFuture<DisconnectReply> f = new CompletableFuture<>();
        stub().withOption(ThrottleTicket.KEY, ticket).disconnect(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<HeartbeatReply> heartbeat(HeartbeatReq request) {
        CompletableFuture<HeartbeatReply> f = new CompletableFuture<>();
        stub().heartbeat(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<OnlineReply> renewOnline(OnlineReq request) {
        CompletableFuture<OnlineReply> f = new CompletableFuture<>();
        stub().renewOnline(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<ReceiveReply> receive(ReceiveReq request) {
        CompletableFuture<ReceiveReply> f = new CompletableFuture<>();
        stub().receive(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<NodesReply> nodes(NodesReq request) {
        CompletableFuture<NodesReply> f = new CompletableFuture<>();
        stub().nodes(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<HistoryReply> history(HistoryReq request) {
        CompletableFuture<HistoryReply> f = new CompletableFuture<>();
        stub().history(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<RefreshReply> refresh(RefreshReq request) {
        CompletableFuture<RefreshReply> f = new CompletableFuture<>();
        stub().refresh(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<AckReply> ack(AckReq request) {
        CompletableFuture<AckReply> f = new CompletableFuture<>();
        stub().ack(request, Rpc.completing(f));
        return f;
    }
}
