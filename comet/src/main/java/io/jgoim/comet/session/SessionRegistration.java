package io.jgoim.comet.session;

import io.jgoim.comet.index.Session;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.rpc.logic.DisconnectReq;

/**
 * A session's entry into and exit from what the comet shares: the index (a session with the same key is replaced),
 * the session counters, logic's route and the client address table; at the exit also its ring, its stream delivery
 * and a pending slow-consumer check ({@link SlowConsumerClock}). Apart from {@link SessionHandler} so the handler
 * keeps the session's fields and its reads; static, so a session pays nothing for it. Event loop only.
 */
final class SessionRegistration {
    private SessionRegistration() {
    }

    /** Counts the new session {@code s} and puts it in the index in {@code roomId}, closing the one it replaced. */
    static void register(SessionHandler h, Session s, String roomId) {
        SessionServices services = h.services();
        services.metrics().sessionOpened(h.isWebSocket());
        // Looked up again at the close (a fixed table), not kept: 8 B less per session.
        services.metrics().tenantSessions(s.tenant()).incrementAndGet();
        Session replaced = services.index().register(s, roomId);
        if (replaced != null) {
            replaced.close(CloseCode.REPLACED);
        }
    }

    /** The channel is gone: undoes what the activation did and tells logic, unless a newer session took the key. */
    static void unregister(SessionHandler h) {
        h.closing();
        SessionServices services = h.services();
        Session s = h.session();
        if (s != null) {
            SlowConsumerClock.cancel(h);
            boolean current = services.index().unregister(s);
            s.discardRing();
            if (s.streams() != null) {
                s.streams().close();
            }
            services.metrics().sessionClosed(h.isWebSocket());
            services.metrics().tenantSessions(s.tenant()).decrementAndGet();
            if (current) {
                // A session replaced by a newer one with its key leaves the route alone: it belongs to the newer.
                disconnectFromLogic(services, s.memberId(), s.key());
            }
        }
        int ipSlot = h.takeIpSlot();
        if (ipSlot >= 0) {
            services.limits().release(ipSlot);
        }
    }

    /** Tells logic the session is gone (queued, flow-controlled and retried: {@link LogicDisconnects}). */
    static void disconnectFromLogic(SessionServices services, long memberId, String key) {
        services.disconnects().submit(DisconnectReq.newBuilder().setMid(memberId).setKey(key)
                .setServer(services.serverId()).build());
    }
}
