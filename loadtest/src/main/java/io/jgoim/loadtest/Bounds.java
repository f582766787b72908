package io.jgoim.loadtest;

import java.time.Duration;

/** Validation shared by the option records: every run is bounded. */
final class Bounds {
    static final Duration MAX_DURATION = Duration.ofHours(24);

    private Bounds() {
    }

    static void positive(String name, Duration d) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be > 0: " + d);
        }
        max(name, d);
    }

    static void nonNegative(String name, Duration d) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0: " + d);
        }
        max(name, d);
    }

    private static void max(String name, Duration d) {
        if (d.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_DURATION + ": " + d);
        }
    }

    static void rate(String name, double rate) {
        if (!(rate > 0) || rate > 1_000_000) {
            throw new IllegalArgumentException(name + " must be in (0, 1e6] per second: " + rate);
        }
    }
}
