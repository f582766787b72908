package io.jgoim.comet.session;

import io.jgoim.comet.frame.SessionTransport;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.Op;
import io.jgoim.protocol.PacketLayout;
import io.jgoim.protocol.Proto;
import io.jgoim.protocol.ProtoCodec;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Answers op 2: the heartbeat reply carries the room's online count (cluster-wide when logic reported one), and at
 * most once per refresh interval the session's route in logic is refreshed (fire and forget). The reply is the most
 * frequent frame comet writes, so it is encoded straight into one pooled buffer, without a {@link Proto} or the
 * encoder. One instance per comet, stateless: the session's last refresh time stays in its handler, passed in.
 * Event loop only.
 */
final class Heartbeat {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final LogicService logic;
    private final CometMetrics metrics;
    private final String serverId;
    private final long refreshNanos;

    Heartbeat(LogicService logic, CometMetrics metrics, String serverId, Duration refreshInterval) {
        this.logic = logic;
        this.metrics = metrics;
        this.serverId = serverId;
        this.refreshNanos = refreshInterval.toNanos();
    }

    /** Writes the reply to heartbeat {@code p} without flushing. */
    void reply(Channel ch, SessionTransport transport, Session session, Proto p) {
        Room room = session.room();
        ByteBuf out = ch.alloc().ioBuffer(PacketLayout.HEADER_LENGTH + 4);
        ProtoCodec.writeHeader(out, 4, p.ver(), Op.HEARTBEAT_REPLY, p.seq());
        out.writeInt(room == null ? 0 : room.heartbeatOnline());
        metrics.frameOut(Op.HEARTBEAT_REPLY);
        ch.write(transport.reply(out), ch.voidPromise());
    }

    /**
     * Refreshes the session's route in logic when the last refresh is old enough; returns the new last-refresh time
     * ({@code lastRefreshNanos} unchanged when none was due).
     */
    long refresh(Session session, long lastReadNanos, long lastRefreshNanos) {
        if (lastReadNanos - lastRefreshNanos < refreshNanos(session)) {
            return lastRefreshNanos;
        }
        HeartbeatReq req = HeartbeatReq.newBuilder().setMid(session.memberId()).setKey(session.key())
                .setServer(serverId).build();
        logic.heartbeat(req).whenComplete((r, e) -> {
            if (e != null && log.isDebugEnabled()) {
                log.debug("logic heartbeat for {} failed: {}", session.key(), e.toString());
            }
        });
        return lastReadNanos;
    }

    /**
     * Least time between two route refreshes in logic: sessionRefreshInterval plus a jitter of up to a quarter
     * drawn from the key, so the sessions of a reconnect storm spread out (derived, so no field per session).
     */
    private long refreshNanos(Session session) {
        long h = session.key().hashCode() * 0x9E3779B97F4A7C15L;
        return refreshNanos + Math.floorMod(h ^ (h >>> 32), refreshNanos / 4 + 1);
    }
}
