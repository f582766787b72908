package io.jgoim.client;

import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Decides how long a client waits before each reconnect attempt: {@link Backoff} over a growing attempt count, reset
 * to the first step when the connection that just ended had lived at least the stable period (a flapping server keeps
 * the count growing; a long-lived connection lost once starts over). Not thread-safe: owned by one client and used on
 * its event loop.
 */
final class ReconnectPolicy {
    private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
    private final Backoff backoff;
    private final long stableNanos;
    private int attempt;

    ReconnectPolicy(Backoff backoff, Duration stablePeriod) {
        this.backoff = backoff;
        this.stableNanos = stablePeriod.toNanos();
    }

    /**
     * The wait before the next attempt after a connection that ended with {@code status}. Two refusals name their
     * own time: BANNED (4018) waits at least the ban time its reason names
     * ({@link CloseReasons#retryAfterSeconds}: {@code retry-after=<s>}), or the longest backoff when it names none,
     * plus this attempt's jitter above it. CONNECT_RATE_LIMITED (4016) with a retry-after waits those seconds plus a
     * uniform draw within one second: the comet's accept bucket books each refused client a place in a second of its
     * calendar and names that second, so the clients told one second spread across it, at the bucket's rate (the
     * attempt count still grows, for the next lost connection). A 4016 without one waits as after a lost connection
     * (this attempt's full-jitter draw).
     */
    long nextDelayNanos(long livedNanos, CloseStatus status) {
        if (livedNanos >= stableNanos) {
            attempt = 0;
        }
        long retryAfterNanos = retryAfterNanos(status);
        if (status != null && status.code() == CloseCode.CONNECT_RATE_LIMITED.code() && retryAfterNanos > 0) {
            attempt = Math.min(attempt + 1, 62);
            return retryAfterNanos + backoff.jitterNanos(SECOND_NANOS);
        }
        long floor = floorNanos(status, retryAfterNanos);
        long delay = nextDelayNanos(livedNanos);
        return floor <= 0 ? delay : floor + (delay - backoff.minNanos());
    }

    private static long retryAfterNanos(CloseStatus status) {
        long retryAfter = status == null ? -1 : CloseReasons.retryAfterSeconds(status.reason());
        return retryAfter > 0 ? TimeUnit.SECONDS.toNanos(retryAfter) : 0;
    }

    private long floorNanos(CloseStatus status, long retryAfterNanos) {
        if (status == null) {
            return 0;
        }
        if (status.code() == CloseCode.BANNED.code()) {
            return retryAfterNanos > 0 ? retryAfterNanos : backoff.maxNanos();
        }
        return 0;
    }

    /**
     * The wait before the next attempt.
     *
     * @param livedNanos how long the connection that ended had been authenticated, or a negative value when the
     *                   attempt failed before authenticating
     */
    long nextDelayNanos(long livedNanos) {
        if (livedNanos >= stableNanos) {
            attempt = 0;
        }
        long delay = backoff.delayNanos(attempt);
        attempt = Math.min(attempt + 1, 62);
        return delay;
    }

    /** The attempt number the next delay will be drawn for. */
    int attempt() {
        return attempt;
    }
}
