package io.jgoim.comet.node;

import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.token.Revocations;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Closes the open sessions a new deny list names (their member, their token's jti or its signing key) with KICKED
 * (4502, terminal), an extended client learning TOKEN_REVOKED (112) first. One task per event loop walks that loop's
 * session list once; a check is a few map lookups, so a walk of every session is cheap and runs only when the list's
 * version changed. New sessions need no walk: logic refuses revoked tokens at Connect. Thread-safe to call;
 * each walk is confined to its loop.
 */
public final class RevocationSweep {
    private static final Logger log = LoggerFactory.getLogger(RevocationSweep.class);

    private final SessionLoops loops;

    public RevocationSweep(SessionLoops loops) {
        this.loops = loops;
    }

    /** Closes every session {@code revoked} names now. Returns at once. */
    public void apply(Revocations revoked) {
        if (revoked.isEmpty()) {
            return;
        }
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger pending = new AtomicInteger(loops.size());
        for (int i = 0; i < loops.size(); i++) {
            EventExecutor loop = loops.loop(i);
            MemberList sessions = loops.sessions(i);
            if (loop.isShuttingDown()) {
                pending.decrementAndGet();
                continue;
            }
            loop.execute(() -> {
                closed.addAndGet(walk(sessions, revoked, System.currentTimeMillis()));
                if (pending.decrementAndGet() == 0 && closed.get() > 0) {
                    log.info("deny list changed ({} entries): closed {} sessions", revoked.size(), closed.get());
                }
            });
        }
    }

    /** Closes the matching sessions of one loop's list; on that loop. Returns how many. */
    static int walk(MemberList sessions, Revocations revoked, long nowMs) {
        int n = 0;
        // Backwards: a session leaving the list is replaced by the last one, already visited.
        for (int i = sessions.size() - 1; i >= 0; i--) {
            if (i >= sessions.size()) {
                continue;
            }
            Session s = sessions.get(i);
            if (s.revokedBy(revoked, nowMs)) {
                s.close(CloseCode.KICKED, ErrorCode.TOKEN_REVOKED, "token revoked");
                n++;
            }
        }
        return n;
    }
}
