package io.jgoim.client;

import java.time.Duration;

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
