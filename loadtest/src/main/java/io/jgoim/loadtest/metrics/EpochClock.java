package io.jgoim.loadtest.metrics;

import java.time.Instant;

/**
 * Nanoseconds since the Unix epoch with {@link System#nanoTime()}'s resolution and monotonicity: the wall clock is
 * read once, at class load, and advanced by nanoTime. Thread-safe.
 */
public final class EpochClock {
    private static final long BASE_NANO = System.nanoTime();
    private static final long BASE_EPOCH_NANOS;

    static {
        Instant now = Instant.now();
        BASE_EPOCH_NANOS = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private EpochClock() {
    }

    public static long nowEpochNanos() {
        return toEpochNanos(System.nanoTime());
    }

    /** Converts a {@link System#nanoTime()} reading to epoch nanoseconds. */
    public static long toEpochNanos(long nanoTime) {
        return BASE_EPOCH_NANOS + (nanoTime - BASE_NANO);
    }
}
