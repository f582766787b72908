package io.jgoim.comet.session;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.ErrorCode;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The slow-consumer rule: a session that stays over its outbound bound (the channel unwritable) for
 * {@code outbound.slowCloseAfter} is closed with {@link CloseCode#SLOW}; pushes meanwhile are dropped and counted by
 * the session. One instance per comet, pure: the time the session became unwritable stays in its handler, which
 * asks {@link #remainingNanos} when its check timer fires.
 */
final class SlowConsumerPolicy {
    private final long closeAfterNanos;

    SlowConsumerPolicy(Duration closeAfter) {
        this.closeAfterNanos = closeAfter.toNanos();
    }

    /** How long after becoming unwritable the first check runs. */
    long closeAfterNanos() {
        return closeAfterNanos;
    }

    /** Time left at {@code nowNanos} for a session unwritable since {@code sinceNanos}; &lt;= 0: close it now. */
    long remainingNanos(long sinceNanos, long nowNanos) {
        return closeAfterNanos - (nowNanos - sinceNanos);
    }

    /** The failure that closes a session unwritable since {@code sinceNanos}. */
    SessionCloseException verdict(long sinceNanos, long nowNanos) {
        return new SessionCloseException(ErrorCode.SLOW_CONSUMER, CloseCode.SLOW, 0,
                "over the outbound bound for " + TimeUnit.NANOSECONDS.toMillis(nowNanos - sinceNanos) + " ms");
    }
}
