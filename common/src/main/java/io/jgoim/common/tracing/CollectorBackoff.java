package io.jgoim.common.tracing;

import java.util.function.LongSupplier;

/**
 * Whether the exporter should try the trace collector now. After a failed export the collector is left alone for a
 * back-off that doubles from {@link #FIRST_NANOS} up to {@link #MAX_NANOS} (reset by the first export that
 * succeeds); batches that fall in the pause are dropped without a connection attempt. A dead endpoint otherwise cost
 * one connection attempt (and the HTTP sender's own retries) every batch, twice a second: ~0.5 % of a core on this
 * machine's benchmark, for spans that could not be delivered anyway. The first batch after the pause is the probe.
 * Asked on the batch processor's thread, told on whichever thread completes the export (the HTTP sender's): a few
 * calls a second, so its methods simply synchronize.
 */
final class CollectorBackoff {
    static final long FIRST_NANOS = 1_000_000_000L;
    static final long MAX_NANOS = 30_000_000_000L;

    private final LongSupplier nanoClock;
    /** 0 while the collector answers; else the current pause. */
    private long pauseNanos;
    private long retryAtNanos;

    CollectorBackoff(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** True when an export may be attempted now (the collector answers, or the pause after a failure is over). */
    synchronized boolean mayTry() {
        return pauseNanos == 0 || nanoClock.getAsLong() - retryAtNanos >= 0;
    }

    /** True while the last attempt failed (the collector is down as far as this node knows). */
    synchronized boolean failing() {
        return pauseNanos != 0;
    }

    synchronized void succeeded() {
        pauseNanos = 0;
    }

    /** The attempt failed: pause before the next one, twice as long as the last pause (at most {@link #MAX_NANOS}). */
    synchronized void failed() {
        pauseNanos = pauseNanos == 0 ? FIRST_NANOS : Math.min(MAX_NANOS, pauseNanos * 2);
        retryAtNanos = nanoClock.getAsLong() + pauseNanos;
    }
}
