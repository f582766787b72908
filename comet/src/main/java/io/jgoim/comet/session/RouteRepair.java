package io.jgoim.comet.session;

import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionIndex;
import io.jgoim.common.http.RateLimitedLog;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Predicate;

/**
 * Announces the route of this comet's live session with a key again (a logic Heartbeat re-adds a missing route), for
 * {@link LogicDisconnects}: a late Disconnect of an earlier session with the key may have removed it. A failed call is
 * logged at most once a second; the session's next heartbeat to logic repairs it then. Thread-safe.
 */
final class RouteRepair implements Predicate<String> {
    private static final Logger log = LoggerFactory.getLogger(LogicDisconnects.class);

    private final SessionIndex index;
    private final LogicService logic;
    private final String serverId;
    private final RateLimitedLog warns = new RateLimitedLog();

    RouteRepair(SessionIndex index, LogicService logic, String serverId) {
        this.index = index;
        this.logic = logic;
        this.serverId = serverId;
    }

    /** Sends the repair for {@code key}'s live session; false when the comet holds none. */
    @Override
    public boolean test(String key) {
        Session s = index.session(key);
        if (s == null) {
            return false;
        }
        try {
            logic.heartbeat(HeartbeatReq.newBuilder().setMid(s.memberId()).setKey(key).setServer(serverId).build())
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            failed(key, e);
                        }
                    });
        } catch (RuntimeException e) {
            failed(key, e);
        }
        return true;
    }

    private void failed(String key, Throwable e) {
        long suppressed = warns.acquire();
        if (suppressed >= 0) {
            log.warn("route of {} not announced again (its next heartbeat to logic will){}: {}", key,
                    RateLimitedLog.suppressedNote(suppressed), e.toString());
        }
    }
}
