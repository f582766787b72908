package io.jgoim.comet.push;

import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.metrics.CometMetrics.PushKind;
import io.jgoim.comet.push.RoomBroadcaster.Delivery;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The outcome of one fan-out (one room or broadcast push) over the event loops it was handed to: each loop reports
 * the sessions its pass wrote the push to and dropped, and the future completes once every loop did. Thread-safe.
 */
final class FanOutJob {
    private final PushKind kind;
    private final CometMetrics metrics;
    private final CompletableFuture<Delivery> future = new CompletableFuture<>();
    // Starts at 1 for the submitter so the future cannot complete before every loop's part is handed over.
    private final AtomicInteger pending = new AtomicInteger(1);
    private final AtomicInteger delivered = new AtomicInteger();
    private final AtomicInteger dropped = new AtomicInteger();
    /** Loop parts not yet taken into a pass (+1 for the submitter), and sessions they were handed for. */
    private final AtomicInteger untaken = new AtomicInteger(1);
    private final AtomicInteger handed = new AtomicInteger();
    private final CompletableFuture<Delivery> taken = new CompletableFuture<>();

    FanOutJob(PushKind kind, CometMetrics metrics) {
        this.kind = kind;
        this.metrics = metrics;
    }

    /** One more loop part will report through {@link #done}. */
    void expect() {
        pending.incrementAndGet();
        untaken.incrementAndGet();
    }

    /** One more loop part, for {@code members} sessions (what an early answer reports as delivered). */
    void expect(int members) {
        expect();
        handed.addAndGet(members);
    }

    /**
     * Completes, with the sessions handed to the loops as delivered and none dropped, once every loop part was taken
     * into a pass ({@link #taken()}): the early answer of a room call. Call after {@link #seal}.
     */
    CompletableFuture<Delivery> takenFuture() {
        return taken;
    }

    /** A loop part was taken into a pass (it counts in that loop's pending bytes, no longer in its queue). */
    void taken() {
        if (untaken.decrementAndGet() == 0) {
            taken.complete(new Delivery(handed.get(), 0));
        }
    }

    /** Every part was handed over; the future completes once they all reported. */
    CompletableFuture<Delivery> seal() {
        taken();
        done(0, 0);
        return future;
    }

    /** A loop part is over: {@code d} sessions written, {@code dr} dropped. */
    void done(int d, int dr) {
        if (d > 0) {
            delivered.addAndGet(d);
        }
        if (dr > 0) {
            dropped.addAndGet(dr);
        }
        if (pending.decrementAndGet() == 0) {
            metrics.pushed(kind, delivered.get());
            future.complete(new Delivery(delivered.get(), dropped.get()));
        }
    }
}
