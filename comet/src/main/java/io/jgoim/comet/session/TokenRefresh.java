package io.jgoim.comet.session;

import com.google.protobuf.ByteString;
import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.RefreshReply;
import io.jgoim.protocol.rpc.logic.RefreshReq;
import io.netty.channel.Channel;

import java.util.concurrent.CompletableFuture;

/**
 * Op 23 from an extended session: its new token goes to logic's Refresh; accepted, the session's expiry and token
 * ids move to the new token's and the client gets op 24 {@code {"expires":unix seconds}}; refused (another member's
 * token, expired, revoked, ...) or logic unreachable, the client gets an error reply with the code and the session
 * stays open until its current expiry. A refresh waiting for logic takes one of the session's
 * {@code protocol.maxInflightUpstream} places. One instance per comet, stateless. Event loop only, but for logic's
 * answer, which hops back to the session's loop.
 */
final class TokenRefresh {
    private final int maxInFlight;
    private final LogicService logic;
    private final SessionIndex index;
    private final CometMetrics metrics;
    private final String serverId;

    TokenRefresh(int maxInFlight, LogicService logic, SessionIndex index, CometMetrics metrics, String serverId) {
        this.maxInFlight = maxInFlight;
        this.logic = logic;
        this.index = index;
        this.metrics = metrics;
        this.serverId = serverId;
    }

    /** Sends the token in {@code p} (owned by the caller) to logic. */
    void refresh(SessionHandler handler, Channel ch, Session session, Proto p) {
        int seq = p.seq();
        if (!handler.tryStartUpstream(maxInFlight)) {
            handler.reply(ReplyFrames.errorReply(ch.alloc(), seq, ErrorCode.RATE_LIMITED,
                    "too many requests waiting for logic"));
            return;
        }
        RefreshReq req = RefreshReq.newBuilder().setServer(serverId).setMid(session.memberId()).setKey(session.key())
                .setToken(ByteString.copyFrom(p.body().nioBuffer())).build();
        CompletableFuture<RefreshReply> call;
        try {
            call = logic.refresh(req);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((r, e) -> OnLoop.run(ch, () -> answer(handler, ch, session, seq, r, e)));
    }

    private void answer(SessionHandler handler, Channel ch, Session session, int seq, RefreshReply r,
                        Throwable e) {
        if (!handler.upstreamDone() || !ch.isActive()) {
            return;
        }
        if (e != null) {
            Throwable t = Failures.unwrap(e);
            error(ch, seq, Failures.code(t, ErrorCode.UNAVAILABLE), String.valueOf(t.getMessage()));
            return;
        }
        if (r.getErrorCode() != 0) {
            ErrorCode code = ErrorCode.of(r.getErrorCode());
            error(ch, seq, code, r.getErrorMessage().isEmpty() ? code.description() : r.getErrorMessage());
            return;
        }
        handler.credentials(session.channel(), r.getExpiresAtMs(), r.getJti(), r.getKid());
        index.deadlineMoved(session);
        metrics.frameOut(Op.REFRESH_REPLY);
        ch.writeAndFlush(ReplyFrames.refreshReply(ch.alloc(), seq, r.getExpiresAtMs() / 1000), ch.voidPromise());
    }

    private void error(Channel ch, int seq, ErrorCode code, String message) {
        metrics.frameOut(Op.ERROR_REPLY);
        ch.writeAndFlush(ReplyFrames.errorReply(ch.alloc(), seq, code, message), ch.voidPromise());
    }
}
