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
    /** The reconnect range starts here and ends below {@link CloseCode#TERMINAL_MIN} (docs/errors.md). */
    private static final int RETRYABLE_MIN = 4000;
    private final Backoff backoff;
    private final long stableNanos;
    private int attempt;

    ReconnectPolicy(Backoff backoff, Duration stablePeriod) {
        this.backoff = backoff;
        this.stableNanos = stablePeriod.toNanos();
    }

    /**
     * The wait before the next attempt after a connection that ended with {@code status}. A retryable close
     * (4000-4499) whose reason names its own time ({@link CloseReasons#retryAfterSeconds}: {@code retry-after=<s>})
     * waits at least those seconds, plus this attempt's jitter above them: TOO_MANY_CONNECTIONS (4017) says 10 s,
     * BANNED (4018) the ban time, and a BANNED naming none waits the longest backoff (plus the jitter) instead.
     * CONNECT_RATE_LIMITED (4016) with a retry-after waits those seconds plus a uniform draw within one second: the
     * comet's accept bucket books each refused client a place in a second of its calendar and names that second, so
     * the clients told one second spread across it, at the bucket's rate (the attempt count still grows, for the
     * next lost connection). Any other close, a 4016 without a retry-after included, waits as after a lost
     * connection (this attempt's full-jitter draw).
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
        long floor = retryAfterNanos > 0 ? retryAfterNanos
                : status != null && status.code() == CloseCode.BANNED.code() ? backoff.maxNanos() : 0;
        long delay = nextDelayNanos(livedNanos);
        return floor <= 0 ? delay : floor + (delay - backoff.minNanos());
    }

    /** The seconds a retryable close's reason names, in nanoseconds; 0 for none or another kind of close. */
    private static long retryAfterNanos(CloseStatus status) {
        if (status == null || status.code() < RETRYABLE_MIN || status.code() >= CloseCode.TERMINAL_MIN) {
            return 0;
        }
        long retryAfter = CloseReasons.retryAfterSeconds(status.reason());
        return retryAfter > 0 ? TimeUnit.SECONDS.toNanos(retryAfter) : 0;
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
