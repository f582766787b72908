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
    private final Backoff backoff;
    private final long stableNanos;
    private int attempt;

    ReconnectPolicy(Backoff backoff, Duration stablePeriod) {
        this.backoff = backoff;
        this.stableNanos = stablePeriod.toNanos();
    }

    /**
     * The wait before the next attempt after a connection that ended with {@code status}. Two refusals ask for more
     * than a lost connection: BANNED (4018) waits at least the ban time its reason names
     * ({@link CloseReasons#retryAfterSeconds}: {@code retry-after=<s>}), or the longest backoff when it names none;
     * CONNECT_RATE_LIMITED (4016) waits its reason's retry-after (the node refills its bucket meanwhile) plus this
     * attempt's full-jitter draw, so it backs off more than after a lost connection while the refused clients stay
     * spread over the window (a floor at the window's top would send every client of one attempt back together, late).
     * The jitter of the backoff is added above the floor, so refused clients do not return in a wave.
     */
    long nextDelayNanos(long livedNanos, CloseStatus status) {
        if (livedNanos >= stableNanos) {
            attempt = 0;
        }
        long floor = floorNanos(status, attempt);
        long delay = nextDelayNanos(livedNanos);
        return floor <= 0 ? delay : floor + (delay - backoff.minNanos());
    }

    private long floorNanos(CloseStatus status, int attempt) {
        if (status == null) {
            return 0;
        }
        long retryAfter = CloseReasons.retryAfterSeconds(status.reason());
        long retryAfterNanos = retryAfter > 0 ? TimeUnit.SECONDS.toNanos(retryAfter) : 0;
        if (status.code() == CloseCode.BANNED.code()) {
            return retryAfterNanos > 0 ? retryAfterNanos : backoff.maxNanos();
        }
        if (status.code() == CloseCode.CONNECT_RATE_LIMITED.code()) {
            return retryAfterNanos > 0 ? retryAfterNanos : backoff.minNanos();
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
