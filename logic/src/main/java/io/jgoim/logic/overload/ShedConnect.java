package io.jgoim.logic.overload;

import io.jgoim.common.overload.BbrLimiter;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.ForwardingLogicService;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.ConnectReply;
import io.jgoim.protocol.rpc.logic.ConnectReq;
import io.micrometer.core.instrument.Counter;

import java.util.concurrent.CompletableFuture;

/**
 * The Logic service with adaptive shedding on Connect: a Connect the limiter refuses fails at once with
 * {@link ErrorCode#OVERLOADED} (gRPC RESOURCE_EXHAUSTED, description {@code 302:...}), before the token is looked at;
 * the comet closes that session with 4015 and the client reconnects with backoff. Every other call passes through:
 * Disconnect and Heartbeat keep existing sessions' routes, which shedding must not break. Thread-safe.
 */
public final class ShedConnect extends ForwardingLogicService {
    private final BbrLimiter limiter;
    private final Counter shed;

    public ShedConnect(LogicService delegate, BbrLimiter limiter, Counter shed) {
        super(delegate);
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
}
