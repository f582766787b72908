package io.jgoim.comet.index;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * Closes the silent sessions of one event loop, and those whose token expired (a session's deadline is the earlier of
 * its idle deadline and its token's expiry; the session decides which close code applies): one timer per loop
 * instead of one per session. A run walks the
 * loop's session list, expires every session whose idle deadline passed and sleeps until the earliest deadline left,
 * but never less than {@link #MIN_GAP_NANOS} (so a crowd of sessions expiring one after another costs a few walks,
 * not one walk each). A session is therefore closed at its deadline or at most {@code MIN_GAP_NANOS} after it.
 * Heartbeats only move deadlines later, so they need no call here; a new session whose deadline comes before the
 * next run calls {@link #due}.
 *
 * <p>Confined to its event loop. Costs nothing per session beyond the two fields the session handler already keeps.
 */
final class IdleSweeper implements Runnable {
    /** Least time between two walks of the list. */
    static final long MIN_GAP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final EventExecutor loop;
    private final MemberList sessions;
    private ScheduledFuture<?> next;
    private long nextAt = Long.MAX_VALUE;

    IdleSweeper(EventExecutor loop, MemberList sessions) {
        this.loop = loop;
        this.sessions = sessions;
    }

    /** A session on this loop expires at {@code deadlineNanos} (loop ticker time): run by then. Event loop only. */
    void due(long deadlineNanos) {
        if (deadlineNanos >= nextAt) {
            return;
        }
        if (next != null) {
            next.cancel(false);
        }
        schedule(deadlineNanos, loop.ticker().nanoTime());
    }

    @Override
    public void run() {
        next = null;
        nextAt = Long.MAX_VALUE;
        long now = loop.ticker().nanoTime();
        long earliest = Long.MAX_VALUE;
        // Backwards: an expiring session leaves the list by swapping in the last one, which was already visited.
        for (int i = sessions.size() - 1; i >= 0; i--) {
            if (i >= sessions.size()) {
                continue;
            }
            Session s = sessions.get(i);
            long deadline = s.idleDeadlineNanos();
            if (deadline - now <= 0) {
                s.expireIdle(now);
            } else if (deadline < earliest) {
                earliest = deadline;
            }
        }
        if (earliest != Long.MAX_VALUE) {
            schedule(Math.max(earliest, now + MIN_GAP_NANOS), now);
        }
    }

    private void schedule(long at, long now) {
        nextAt = at;
        next = loop.schedule(this, Math.max(0, at - now), TimeUnit.NANOSECONDS);
    }
}
