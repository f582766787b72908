package io.jgoim.client;

import java.time.Duration;

/**
 * The first connect's retry budget: its deadline ({@code firstConnectTimeout} after connect() was called), the
 * attempts made, and the place in the current round of addresses. A round tries each address once, at once (another
 * comet may admit what this one refused); between rounds the {@link ReconnectPolicy} waits. An attempt that could not
 * start before the deadline is not waited for: connect() fails at once with the refusal in hand rather than after a
 * wait that cannot end in a try. Confined to the client's event loop.
 */
final class FirstAttempts {
    private final long deadlineNanos;
    private int attempts;
    private int failedInRound;

    FirstAttempts(long startNanos, Duration timeout) {
        long t = timeout.toNanos();
        // saturating: a timeout of years means "until close()"
        this.deadlineNanos = startNanos + t < startNanos ? Long.MAX_VALUE : startNanos + t;
    }

    /** An attempt failed. */
    void failed() {
        attempts++;
    }

    /** Whether another address of this round is left to try at once (counts this failure against the round). */
    boolean nextInRound(int roundSize) {
        return ++failedInRound < roundSize;
    }

    /** Whether an attempt {@code delayNanos} after {@code nowNanos} starts no later than the deadline. */
    boolean startsInTime(long nowNanos, long delayNanos) {
        return deadlineNanos == Long.MAX_VALUE || deadlineNanos - (nowNanos + delayNanos) >= 0;
    }

    /** The next round tries every address again. */
    void newRound() {
        failedInRound = 0;
    }

    /** Attempts that failed so far. */
    int attempts() {
        return attempts;
    }
}
