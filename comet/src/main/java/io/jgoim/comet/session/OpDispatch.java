package io.jgoim.comet.session;

import io.jgoim.comet.config.CometConfig;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.limit.ConnectLimits;
import io.jgoim.comet.limit.Gcra;
import io.jgoim.comet.limit.Refusal;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.Proto;
import io.netty.channel.Channel;

import java.util.concurrent.TimeUnit;

/**
 * The ops of an authenticated session, out of {@link SessionHandler}: which collaborator answers each op a client
 * may send after auth (heartbeat, room change, watch, acks and recent messages of position-aware sessions, token
 * refresh of extended ones, upstream messages), the per-session rates of heartbeats and upstream messages
 * ({@code limits.minHeartbeatInterval}, {@code limits.upstreamRate}), and the close of a session that sends an op it
 * may not. One instance per comet, stateless, so an idle session carries nothing of it: the rate states and the last
 * route refresh stay in the session's handler, read and advanced through it. Event loop only.
 */
final class OpDispatch {
    private final CometConfig config;
    private final CometMetrics metrics;
    private final ConnectLimits limits;
    private final Heartbeat heartbeat;
    private final Subscriptions subscriptions;
    private final StreamRequests streamRequests;
    private final Upstream upstream;
    private final TokenRefresh tokenRefresh;

    OpDispatch(CometConfig config, CometMetrics metrics, ConnectLimits limits, Heartbeat heartbeat,
               Subscriptions subscriptions, StreamRequests streamRequests, Upstream upstream,
               TokenRefresh tokenRefresh) {
        this.config = config;
        this.metrics = metrics;
        this.limits = limits;
        this.heartbeat = heartbeat;
        this.subscriptions = subscriptions;
        this.streamRequests = streamRequests;
        this.upstream = upstream;
        this.tokenRefresh = tokenRefresh;
    }

    /**
     * Answers frame {@code p} (owned by the caller) of {@code handler}'s open {@code session}, read at {@code now}
     * (loop ticker time, already the session's last read).
     */
    void frameRead(SessionHandler handler, Session session, Proto p, long now) {
        Channel ch = session.channel();
        metrics.frameIn(p.op());
        switch (p.op()) {
            case Op.HEARTBEAT:
                heartbeat(handler, ch, session, p, now);
                break;
            case Op.CHANGE_ROOM:
                handler.reply(subscriptions.changeRoom(session, handler.isExtended(), ch.alloc(), p));
                break;
            case Op.ACK:
            case Op.RECENT:
                streamRequest(handler, ch, session, p);
                break;
            case Op.SUB:
            case Op.UNSUB:
                handler.reply(subscriptions.watch(session, handler.isExtended(), ch.alloc(), p));
                break;
            case Op.SEND_MSG:
                upstream(handler, ch, session, p, now);
                break;
            case Op.REFRESH:
                if (handler.isExtended()) {
                    tokenRefresh.refresh(handler, ch, session, p);
                } else {
                    unknownOp(handler, ch, p);
                }
                break;
            default:
                if (p.op() >= Op.BUSINESS_MIN) {
                    upstream(handler, ch, session, p, now);
                } else {
                    unknownOp(handler, ch, p);
                }
        }
    }

    /**
     * A heartbeat within {@code limits.minHeartbeatInterval} of the session's assigned interval is answered (flushed
     * at the end of the read) and may refresh the route in logic; one sooner closes the session.
     */
    private void heartbeat(SessionHandler handler, Channel ch, Session session, Proto p, long now) {
        long hb = limits.heartbeat(handler.heartbeatTat(), now,
                TimeUnit.MILLISECONDS.toNanos(handler.idleTimeoutMillis()) / config.protocol().heartbeatMaxMisses());
        if (hb == Gcra.REFUSED) {
            limitClose(handler, ch, Refusal.HEARTBEAT_RATE, p.seq(), "heartbeats more often than every "
                    + config.limits().minHeartbeatInterval().toMillis() + " ms");
            return;
        }
        handler.heartbeatTat(hb);
        heartbeat.reply(ch, handler.transport(), session, p);
        handler.flushAtReadEnd();
        handler.lastRefreshNanos(heartbeat.refresh(session, now, handler.lastRefreshNanos()));
    }

    /** Op 22 (acks) and op 25 (recent messages) are ops of position-aware sessions only. */
    private void streamRequest(SessionHandler handler, Channel ch, Session session, Proto p) {
        if (session.streams() == null) {
            unknownOp(handler, ch, p);
        } else if (p.op() == Op.ACK) {
            streamRequests.ack(handler, ch, session, p);
        } else {
            streamRequests.recent(handler, ch, session, p);
        }
    }

    /** An upstream message within {@code limits.upstreamRate} goes to logic; one beyond it closes the session. */
    private void upstream(SessionHandler handler, Channel ch, Session session, Proto p, long now) {
        long t = limits.upstream(handler.upstreamTat(), now);
        if (t == Gcra.REFUSED) {
            limitClose(handler, ch, Refusal.UPSTREAM_RATE, p.seq(), "more than "
                    + config.limits().upstreamRate() + " upstream messages a second");
            return;
        }
        handler.upstreamTat(t);
        upstream.send(handler, ch, session, p);
    }

    /**
     * A per-session limit was passed: counted, then the session closes with the limit's close code, an extended
     * client reading the error reply first (a goim client cannot read one).
     */
    private void limitClose(SessionHandler handler, Channel ch, Refusal r, int seq, String message) {
        limits.refused(r);
        handler.fail(ch, new SessionCloseException(r.error(), r.close(), seq, message));
    }

    private static void unknownOp(SessionHandler handler, Channel ch, Proto p) {
        handler.fail(ch, new SessionCloseException(ErrorCode.UNKNOWN_OP, CloseCode.PROTOCOL_ERROR, p.seq(),
                "op " + p.op() + " not allowed after auth"));
    }
}
