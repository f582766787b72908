package io.jgoim.protocol.rpc;

import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.JgoimException;
import io.jgoim.protocol.rpc.comet.CometAdminGrpc;
import io.jgoim.protocol.rpc.comet.DrainReply;
import io.jgoim.protocol.rpc.comet.DrainReq;
import io.jgoim.protocol.rpc.comet.KickReply;
import io.jgoim.protocol.rpc.comet.KickReq;
import io.jgoim.protocol.rpc.comet.MemberSessionsReply;
import io.jgoim.protocol.rpc.comet.MemberSessionsReq;
import io.jgoim.protocol.rpc.comet.PresenceReply;
import io.jgoim.protocol.rpc.comet.PresenceReq;
import io.jgoim.protocol.rpc.comet.WeightReply;
import io.jgoim.protocol.rpc.comet.WeightReq;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** {@link CometAdminService} over gRPC, every call with a deadline. The caller owns the channel. */
public final class GrpcCometAdminClient implements CometAdminService {
    private final CometAdminGrpc.CometAdminStub stub;
    private final long deadlineMillis;

    public GrpcCometAdminClient(Channel channel, Duration deadline) {
        this.stub = CometAdminGrpc.newStub(channel);
        this.deadlineMillis = deadline.toMillis();
    }

    /**
     * A comet from before this service answers UNIMPLEMENTED: for the operator that comet is unavailable for admin
     * actions (503), not a server error.
     */
    private static <T> CompletableFuture<T> olderComet(CompletableFuture<T> f) {
        return f.exceptionallyCompose(e -> {
            Throwable t = Failures.unwrap(e);
            Throwable cause = t.getCause();
            if (cause instanceof StatusRuntimeException s && s.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return CompletableFuture.failedFuture(new JgoimException(ErrorCode.UNAVAILABLE,
                        "this comet is older than the admin API (no CometAdmin service)", t));
            }
            return CompletableFuture.failedFuture(t);
        });
    }

    private CometAdminGrpc.CometAdminStub stub() {
        return stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<KickReply> kick(KickReq request) {
        CompletableFuture<KickReply> f = new CompletableFuture<>();
        stub().kick(request, Rpc.completing(f));
        return olderComet(f);
    }

    @Override
    public CompletableFuture<MemberSessionsReply> memberSessions(MemberSessionsReq request) {
        CompletableFuture<MemberSessionsReply> f = new CompletableFuture<>();
        stub().memberSessions(request, Rpc.completing(f));
        return olderComet(f);
    }

    @Override
    public CompletableFuture<PresenceReply> presence(PresenceReq request) {
        CompletableFuture<PresenceReply> f = new CompletableFuture<>();
        stub().presence(request, Rpc.completing(f));
        return olderComet(f);
    }

    @Override
    public CompletableFuture<WeightReply> weight(WeightReq request) {
        CompletableFuture<WeightReply> f = new CompletableFuture<>();
        stub().weight(request, Rpc.completing(f));
        return olderComet(f);
    }

    @Override
    public CompletableFuture<DrainReply> drain(DrainReq request) {
        CompletableFuture<DrainReply> f = new CompletableFuture<>();
        stub().drain(request, Rpc.completing(f));
        return olderComet(f);
    }
}
