package io.jgoim.comet.session;

import io.jgoim.comet.index.Session;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The timer side of the slow-consumer rule ({@link SlowConsumerPolicy} holds the rule): starts a check when a session
 * goes over its outbound bound, checks again until the session is writable or over its time, and cancels a pending
 * check when the session closes, so a closed session leaves no task (holding its handler, session and channel) in its
 * loop's scheduled queue until the check's time.
 *
 * <p>Static: an idle session pays nothing for it. The "a check is scheduled" bit and the unwritable-since time stay in
 * the {@link SessionHandler}; the pending check's future, needed only to cancel it, is kept in a channel attribute,
 * so only a session that went over its bound carries it. Event loop only.
 */
final class SlowConsumerClock {
    /** The pending check of a session, set while its handler's slow-check bit is on. */
    private static final AttributeKey<ScheduledFuture<?>> PENDING =
            AttributeKey.valueOf(SlowConsumerClock.class, "PENDING");

    private SlowConsumerClock() {
    }

    /** The session's channel became writable or unwritable: starts the clock when it went over its bound. */
    static void writabilityChanged(SessionHandler h) {
        Session s = h.session();
        if (s == null) {
            return;
        }
        if (s.channel().isWritable()) {
            h.unwritableSinceNanos(0);
        } else if (h.unwritableSinceNanos() == 0) {
            h.unwritableSinceNanos(SessionHandler.now(s.channel()));
            if (!h.slowCheckScheduled()) {
                schedule(h, h.services().slowConsumer().closeAfterNanos());
            }
        }
    }

    /** Cancels the session's pending check, if any (the session is closing). */
    static void cancel(SessionHandler h) {
        if (!h.slowCheckScheduled()) {
            return;
        }
        h.slowCheckScheduled(false);
        ScheduledFuture<?> pending = h.session().channel().attr(PENDING).getAndSet(null);
        if (pending != null) {
            pending.cancel(false);
        }
    }

    private static void check(SessionHandler h) {
        h.slowCheckScheduled(false);
        Channel ch = h.session().channel();
        ch.attr(PENDING).set(null);
        long since = h.unwritableSinceNanos();
        if (h.isClosing() || since == 0 || !ch.isActive()) {
            return;
        }
        SlowConsumerPolicy policy = h.services().slowConsumer();
        long now = SessionHandler.now(ch);
        long left = policy.remainingNanos(since, now);
        if (left <= 0) {
            h.fail(ch, policy.verdict(since, now));
        } else {
            schedule(h, left);
        }
    }

    private static void schedule(SessionHandler h, long delayNanos) {
        h.slowCheckScheduled(true);
        Channel ch = h.session().channel();
        ch.attr(PENDING).set(ch.eventLoop().schedule(() -> check(h), delayNanos, TimeUnit.NANOSECONDS));
    }
}
