package io.jgoim.protocol.rpc;

import io.grpc.Channel;
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

    private CometAdminGrpc.CometAdminStub stub() {
        return stub.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public CompletableFuture<KickReply> kick(KickReq request) {
        CompletableFuture<KickReply> f = new CompletableFuture<>();
        stub().kick(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<MemberSessionsReply> memberSessions(MemberSessionsReq request) {
        CompletableFuture<MemberSessionsReply> f = new CompletableFuture<>();
        stub().memberSessions(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<PresenceReply> presence(PresenceReq request) {
        CompletableFuture<PresenceReply> f = new CompletableFuture<>();
        stub().presence(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<WeightReply> weight(WeightReq request) {
        CompletableFuture<WeightReply> f = new CompletableFuture<>();
        stub().weight(request, Rpc.completing(f));
        return f;
    }

    @Override
    public CompletableFuture<DrainReply> drain(DrainReq request) {
        CompletableFuture<DrainReply> f = new CompletableFuture<>();
        stub().drain(request, Rpc.completing(f));
        return f;
    }
}
