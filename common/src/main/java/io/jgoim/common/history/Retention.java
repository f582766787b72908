package io.jgoim.common.history;

import io.jgoim.common.config.Checks;

import java.time.Duration;

/**
 * How much history one stream keeps: at most {@code size} messages, and the whole stream (its messages, its epoch and
 * its next offset) expires {@code ttl} after its last message, as Centrifugo's history_ttl does; an expired stream
 * starts again under a new epoch. {@code size} 0 means the stream keeps no history (goim's behaviour: no positions).
 */
public record Retention(int size, Duration ttl) {
    public static final Retention OFF = new Retention(0, Duration.ofSeconds(1));

    public Retention {
        Checks.check(size >= 0 && size <= 100_000, "history size must be within 0..100000, was " + size);
        Checks.notNull(ttl, "history ttl");
        Checks.check(!ttl.isNegative() && !ttl.isZero(), "history ttl must be positive, was " + ttl);
    }

    public boolean enabled() {
        return size > 0;
    }
}
