package io.jgoim.protocol.rpc;

import io.jgoim.protocol.rpc.logic.AckReply;
import io.jgoim.protocol.rpc.logic.AckReq;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.jgoim.protocol.rpc.logic.DisconnectReply;
import io.jgoim.protocol.rpc.logic.DisconnectReq;
import io.jgoim.protocol.rpc.logic.HeartbeatReply;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.jgoim.protocol.rpc.logic.HistoryReply;
import io.jgoim.protocol.rpc.logic.HistoryReq;
import io.jgoim.protocol.rpc.logic.NodesReply;
import io.jgoim.protocol.rpc.logic.NodesReq;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.jgoim.protocol.rpc.logic.RefreshReply;
import io.jgoim.protocol.rpc.logic.RefreshReq;

import java.util.concurrent.CompletableFuture;

/**
 * A {@link LogicService} that forwards every call to a delegate: the base of a decorator that changes one or two
 * calls (adaptive shedding or a span on Connect) and must pass the others through untouched, so a call added to the
 * service is forwarded here once instead of in every decorator (gRPC's {@code ForwardingClientCall} pattern).
 * Thread-safe as the delegate.
 */
public abstract class ForwardingLogicService implements LogicService {
    protected final LogicService delegate;

    protected ForwardingLogicService(LogicService delegate) {
        this.delegate = delegate;
    }

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq request) {
        return delegate.connect(request);
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq request) {
        return delegate.disconnect(request);
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq request, ThrottleTicket ticket) {
        return delegate.disconnect(request, ticket); // the ticket must reach the throttle under the delegate
    }

    @Override
    public CompletableFuture<HeartbeatReply> heartbeat(HeartbeatReq request) {
        return delegate.heartbeat(request);
    }

    @Override
    public CompletableFuture<OnlineReply> renewOnline(OnlineReq request) {
        return delegate.renewOnline(request);
    }

    @Override
    public CompletableFuture<ReceiveReply> receive(ReceiveReq request) {
        return delegate.receive(request);
    }

    @Override
    public CompletableFuture<NodesReply> nodes(NodesReq request) {
        return delegate.nodes(request);
    }

    @Override
    public CompletableFuture<HistoryReply> history(HistoryReq request) {
        return delegate.history(request);
    }

    @Override
    public CompletableFuture<RefreshReply> refresh(RefreshReq request) {
        return delegate.refresh(request);
    }

    @Override
    public CompletableFuture<AckReply> ack(AckReq request) {
        return delegate.ack(request);
    }
}
