package io.jgoim.comet.session;

import com.google.protobuf.ByteString;
import io.jgoim.comet.frame.ReplyFrames;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.metrics.CometMetrics.DropReason;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Failures;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.ReceiveReply;
import io.jgoim.protocol.rpc.logic.ReceiveReq;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;

import java.util.concurrent.CompletableFuture;

/**
 * Upstream messages (op 4 and business ops) to logic's Receive, with the session's room, at most
 * {@code protocol.maxInflightUpstream} per session waiting for logic: beyond that a message is dropped (counted; an
 * extended client gets RATE_LIMITED). The answer goes back on the session's event loop: a reply with the same op and
 * seq carrying the body logic's upstream route answered (empty for goim's echo), or, when the route failed (logic
 * down, or {@code ReceiveReply.error_code}), an op-19 error reply for an extended client and the empty echo for a
 * goim (ver 1) client, which cannot read error replies (goim answers every upstream message so). One instance per
 * comet, stateless: the in-flight count stays in the session's handler.
 */
final class Upstream {
    private final int maxInFlight;
    private final LogicService logic;
    private final CometMetrics metrics;
    private final String serverId;

    Upstream(int maxInFlight, LogicService logic, CometMetrics metrics, String serverId) {
        this.maxInFlight = maxInFlight;
        this.logic = logic;
        this.metrics = metrics;
        this.serverId = serverId;
    }

    /** Sends {@code p} (owned by the caller) to logic, or refuses it when the session's bound is full. Event loop. */
    void send(SessionHandler handler, Channel ch, Session session, Proto p) {
        if (!handler.tryStartUpstream(maxInFlight)) {
            metrics.dropped(DropReason.UPSTREAM_OVERFLOW);
            if (handler.isExtended()) {
                handler.reply(ReplyFrames.errorReply(ch.alloc(), p.seq(), ErrorCode.RATE_LIMITED,
                        "too many upstream messages waiting for logic"));
            }
            return;
        }
        final int ver = p.ver();
        final int op = p.op();
        final int seq = p.seq();
        io.jgoim.protocol.rpc.comet.Proto.Builder proto = io.jgoim.protocol.rpc.comet.Proto.newBuilder()
                .setVer(ver).setOp(op).setSeq(seq).setBody(ByteString.copyFrom(p.body().nioBuffer()));
        ReceiveReq.Builder req = ReceiveReq.newBuilder().setMid(session.memberId()).setKey(session.key())
                .setServer(serverId).setProto(proto);
        if (session.room() != null) {
            req.setRoomId(session.room().id());
        }
        CompletableFuture<ReceiveReply> receive;
        try {
            receive = logic.receive(req.build());
        } catch (RuntimeException e) {
            receive = CompletableFuture.failedFuture(e);
        }
        receive.whenComplete((r, e) -> OnLoop.run(ch, () -> answer(handler, ch, ver, op, seq, r, e)));
    }

    private void answer(SessionHandler handler, Channel ch, int ver, int op, int seq,
                        ReceiveReply r, Throwable e) {
        if (!handler.upstreamDone() || !ch.isActive()) {
            return;
        }
        boolean refused = e == null && r != null && r.getErrorCode() != 0;
        if ((e != null || refused) && handler.isExtended()) {
            ErrorCode code;
            String message;
            if (refused) {
                code = ErrorCode.of(r.getErrorCode());
                message = r.getErrorMessage().isEmpty() ? code.description() : r.getErrorMessage();
            } else {
                Throwable t = Failures.unwrap(e);
                code = Failures.code(t, ErrorCode.UNAVAILABLE);
                message = String.valueOf(t.getMessage());
            }
            metrics.frameOut(Op.ERROR_REPLY);
            ch.writeAndFlush(ReplyFrames.errorReply(ch.alloc(), seq, code, message), ch.voidPromise());
            return;
        }
        metrics.frameOut(op);
        if (e == null && !refused && r != null && !r.getBody().isEmpty()) {
            // The route's answer (the backend's response body, the comment id): wrapped, not copied.
            ch.writeAndFlush(ReplyFrames.withBody(ver, op, seq,
                    Unpooled.wrappedBuffer(r.getBody().asReadOnlyByteBuffer())), ch.voidPromise());
            return;
        }
        // goim answers an upstream message with the same op and seq and an empty body.
        ch.writeAndFlush(ReplyFrames.empty(ver, op, seq), ch.voidPromise());
    }
}
