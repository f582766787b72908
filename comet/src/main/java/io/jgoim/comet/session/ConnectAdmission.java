package io.jgoim.comet.session;

import io.jgoim.comet.metrics.CometMetrics;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the Connects of the whole comet that wait for logic at once ({@code protocol.maxPendingConnects}, 0 =
 * unlimited): an auth beyond the bound is refused at once, so a reconnect storm is admitted at logic's pace instead
 * of queueing until every Connect outlasts {@code protocol.logicTimeout}. One instance per comet, shared by every
 * handshake; thread-safe (one atomic counter).
 */
public final class ConnectAdmission {
    private final int max;
    private final CometMetrics metrics;
    private final AtomicInteger pending = new AtomicInteger();

    public ConnectAdmission(int max, CometMetrics metrics) {
        this.max = max;
        this.metrics = metrics;
        metrics.connectsPending(pending::get);
    }

    /**
     * Takes a place for a Connect waiting for logic; false, counting the refusal, when all are taken. Every true
     * must be followed by one {@link #done()}.
     */
    public boolean tryAcquire() {
        int n = pending.incrementAndGet();
        if (max > 0 && n > max) {
            pending.decrementAndGet();
            metrics.connectShed();
            return false;
        }
        return true;
    }

    /** Logic answered (or failed) a Connect that {@link #tryAcquire} admitted. */
    public void done() {
        pending.decrementAndGet();
    }

    /** The bound (0 = unlimited). */
    public int max() {
        return max;
    }

    /** Connects waiting for logic now. */
    public int pending() {
        return pending.get();
    }
}
