package io.jgoim.client;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Full-jitter exponential backoff above a floor: before reconnect attempt {@code n} (0-based) the client waits a
 * uniformly random time in {@code [min, min(max, min * 2^(n+1))]}. The random spread is what keeps thousands of
 * clients dropped at once by a restarting comet from coming back in one wave; the floor keeps a single client from
 * spinning. Immutable and thread-safe; the attempt counter lives in the caller.
 */
public final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private final DoubleSupplier random;

    /**
     * @param min    the shortest wait, &gt; 0
     * @param max    the longest wait, &ge; min
     * @param random uniform doubles in [0, 1); a seeded source in tests
     */
    public Backoff(Duration min, Duration max, DoubleSupplier random) {
        if (min.isNegative() || min.isZero()) {
            throw new IllegalArgumentException("backoff min must be > 0: " + min);
        }
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("backoff max " + max + " < min " + min);
        }
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    /** The upper bound of the wait before attempt {@code attempt}: {@code min(max, min * 2^(attempt+1))}. */
    public long ceilingNanos(int attempt) {
        int shift = Math.min(Math.max(attempt, 0), 61) + 1;
        long ceiling = minNanos << shift;
        if (ceiling >> shift != minNanos || ceiling <= 0) {
            return maxNanos;
        }
        return Math.min(maxNanos, ceiling);
    }

    /** A random wait before attempt {@code attempt}, in nanoseconds, within {@code [min, ceilingNanos(attempt)]}. */
    public long delayNanos(int attempt) {
        long ceiling = ceilingNanos(attempt);
        double r = random.getAsDouble();
        return minNanos + (long) ((ceiling - minNanos) * r);
    }

    /** A uniformly random part of {@code spanNanos}, within {@code [0, spanNanos)}: the jitter around a given wait. */
    public long jitterNanos(long spanNanos) {
        return (long) (spanNanos * random.getAsDouble());
    }

    public long minNanos() {
        return minNanos;
    }

    public long maxNanos() {
        return maxNanos;
    }
}
