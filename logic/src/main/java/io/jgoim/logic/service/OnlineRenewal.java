package io.jgoim.logic.service;

import io.jgoim.common.session.SessionDirectory;
import io.jgoim.logic.online.OnlineAggregator;
import io.jgoim.logic.revoke.DenyList;
import io.jgoim.logic.revoke.Revocation;
import io.jgoim.protocol.rpc.logic.OnlineReply;
import io.jgoim.protocol.rpc.logic.OnlineReq;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * RenewOnline: stores a comet's room counts, answers with the cluster's and the store's epoch, and ships the deny
 * list when the comet's copy is another version. Apart from {@link LocalLogicService} because it is the comet's
 * periodic report, not a session call. Thread-safe; completes on the directory's or deny list's thread.
 */
final class OnlineRenewal {
    private final SessionDirectory directory;
    private final OnlineAggregator online;
    private final DenyList denyList;
    private final Duration reportTtl;

    OnlineRenewal(SessionDirectory directory, OnlineAggregator online, DenyList denyList, Duration reportTtl) {
        this.directory = directory;
        this.online = online;
        this.denyList = denyList;
        this.reportTtl = reportTtl;
    }

    /** {@code request} is already validated (it names its server). */
    CompletableFuture<OnlineReply> renew(OnlineReq request) {
        // The epoch is read after the write: a store that restarted empty in between answers its new epoch.
        return directory.putOnline(request.getServer(), request.getRoomCountMap(), reportTtl)
                .thenCompose(v -> directory.storeEpoch())
                .thenApply(epoch -> OnlineReply.newBuilder().putAllAllRoomCount(online.snapshot().rooms())
                        .setStoreEpoch(epoch))
                .thenCompose(reply -> withRevoked(reply, request.getRevokedVersion()))
                .thenApply(OnlineReply.Builder::build);
    }

    /** Adds the deny list's version, and its entries when the comet's copy ({@code held}) is another version. */
    private CompletableFuture<OnlineReply.Builder> withRevoked(OnlineReply.Builder reply, String held) {
        return denyList.version().thenCompose(version -> {
            if (version.isEmpty() || version.equals(held)) {
                return CompletableFuture.completedFuture(reply.setRevokedVersion(version));
            }
            return denyList.snapshot().thenApply(s -> {
                reply.setRevokedVersion(s.version());
                for (Revocation r : s.entries()) {
                    reply.addRevoked(io.jgoim.protocol.rpc.logic.Revocation.newBuilder().setKind(r.kind().wire())
                            .setValue(r.value()).setUntilMs(r.untilMs()));
                }
                return reply;
            });
        });
    }
}
