package io.jgoim.protocol.rpc;

import io.grpc.stub.StreamObserver;
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

import java.util.concurrent.CompletableFuture;

/** Serves a {@link CometAdminService} over gRPC; errors become statuses through {@link Rpc#toStatus}. */
public final class CometAdminGrpcService extends CometAdminGrpc.CometAdminImplBase {
    private final CometAdminService admin;

    public CometAdminGrpcService(CometAdminService admin) {
        this.admin = admin;
    }

    @Override
    public void kick(KickReq request, StreamObserver<KickReply> observer) {
        Rpc.reply(call(() -> admin.kick(request)), observer);
    }

    @Override
    public void memberSessions(MemberSessionsReq request, StreamObserver<MemberSessionsReply> observer) {
        Rpc.reply(call(() -> admin.memberSessions(request)), observer);
    }

    @Override
    public void presence(PresenceReq request, StreamObserver<PresenceReply> observer) {
        Rpc.reply(call(() -> admin.presence(request)), observer);
    }

    @Override
    public void weight(WeightReq request, StreamObserver<WeightReply> observer) {
        Rpc.reply(call(() -> admin.weight(request)), observer);
    }

    @Override
    public void drain(DrainReq request, StreamObserver<DrainReply> observer) {
        Rpc.reply(call(() -> admin.drain(request)), observer);
    }

    /** A refusal thrown before the future exists still becomes a status, not a transport error. */
    private static <T> CompletableFuture<T> call(java.util.function.Supplier<CompletableFuture<T>> c) {
        try {
            return c.get();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }
}
