package io.jgoim.loadtest;

import io.jgoim.client.Backoff;
import io.jgoim.client.CloseStatus;
import io.jgoim.protocol.CloseCode;
import io.jgoim.protocol.CloseReasons;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code --retry-refused}: whether, and after how long, a session the server refused before it authenticated tries
 * again, as a real client would. Only a close of the reconnect class (4000–4499: 4004 LOGIC_UNAVAILABLE, 4015, 4016,
 * 4017, 4018, ...) is retried; terminal codes and socket errors are not. The waits are the SDK's: its public
 * {@link Backoff} (full jitter, 1 s to 30 s by default) over the session's refusal count, above a floor as the SDK's
 * reconnect policy sets it — the reason's {@code retry-after=<s>} when it names one, else the longest backoff for
 * BANNED (4018) — with the jitter added above the floor. (The SDK's policy class is package-private and only
 * reconnects a session that had authenticated once, so its three floor rules are restated here, not copied.)
 * Retries end with the run: no attempt starts later than {@code window} after the last scheduled start.
 *
 * <p>Immutable and thread-safe (the jitter comes from {@link ThreadLocalRandom}).
 */
public record RefusalRetry(boolean enabled, Backoff backoff, Duration window) {
    /** No retries: every refusal is a lost session (the tool's behaviour before {@code --retry-refused}). */
    public static final RefusalRetry OFF = new RefusalRetry(false, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30),
            () -> 0.5), Duration.ZERO);

    public RefusalRetry {
        java.util.Objects.requireNonNull(backoff, "backoff");
        Bounds.nonNegative("retry window", window);
    }

    /** Retries with the SDK's default backoff (1 s to 30 s) for at most {@code window} after the last start. */
    public static RefusalRetry sdkDefaults(Duration window) {
        return new RefusalRetry(true, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30),
                () -> ThreadLocalRandom.current().nextDouble()), window);
    }

    /** Whether a session refused with {@code status} tries again (a code of the reconnect class). */
    public boolean retries(CloseStatus status) {
        return enabled && status != null && status.code() >= 4000 && status.code() < CloseCode.TERMINAL_MIN;
    }

    /**
     * The wait before the next attempt of a session refused {@code refusals} times so far (1 after the first), the
     * last time with {@code status}.
     */
    public long delayNanos(CloseStatus status, int refusals) {
        long jittered = backoff.delayNanos(Math.max(0, refusals - 1));
        long floor = floorNanos(status);
        return floor <= 0 ? jittered : floor + (jittered - backoff.minNanos());
    }

    private long floorNanos(CloseStatus status) {
        long retryAfter = CloseReasons.retryAfterSeconds(status.reason());
        if (retryAfter > 0) {
            return TimeUnit.SECONDS.toNanos(retryAfter);
        }
        return status.code() == CloseCode.BANNED.code() ? backoff.maxNanos() : 0;
    }
}
