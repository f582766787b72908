package io.jgoim.logic.overload;

import io.jgoim.common.overload.BbrLimiter;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.LogicService;
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
import io.micrometer.core.instrument.Counter;

import java.util.concurrent.CompletableFuture;

/**
 * The Logic service with adaptive shedding on Connect: a Connect the limiter refuses fails at once with
 * {@link ErrorCode#OVERLOADED} (gRPC RESOURCE_EXHAUSTED, description {@code 302:...}), before the token is looked at;
 * the comet closes that session with 4015 and the client reconnects with backoff. Every other call passes through:
 * Disconnect and Heartbeat keep existing sessions' routes, which shedding must not break. Thread-safe.
 */
public final class ShedConnect implements LogicService {
    private final LogicService delegate;
    private final BbrLimiter limiter;
    private final Counter shed;

    public ShedConnect(LogicService delegate, BbrLimiter limiter, Counter shed) {
        this.delegate = delegate;
        this.limiter = limiter;
        this.shed = shed;
    }

    @Override
    public CompletableFuture<ConnectReply> connect(ConnectReq request) {
        long start = limiter.tryAcquire();
        if (start == BbrLimiter.REJECTED) {
            shed.increment();
            return CompletableFuture.failedFuture(new JgoimException(ErrorCode.OVERLOADED,
                    "logic is overloaded; reconnect with backoff"));
        }
        CompletableFuture<ConnectReply> f;
        try {
            f = delegate.connect(request);
        } catch (RuntimeException e) {
            limiter.release(start);
            throw e;
        }
        f.whenComplete((reply, error) -> limiter.release(start));
        return f;
    }

    @Override
    public CompletableFuture<DisconnectReply> disconnect(DisconnectReq request) {
        return delegate.disconnect(request);
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
