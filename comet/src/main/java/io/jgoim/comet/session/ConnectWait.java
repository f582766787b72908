package io.jgoim.comet.session;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * One auth waiting in {@link ConnectAdmission}'s queue for a place among the Connects sent to logic. It ends exactly
 * once, in one of three ways, decided by one compare-and-set so that the queue (any thread), its own timer and the
 * channel's close can race: placed (a place is held for it; {@link Claimant#placed} runs on its event loop), expired
 * ({@link Claimant#notPlaced} on its event loop, no place held) or cancelled (the channel closed first: nothing runs).
 *
 * <p>Only auths that find every place taken get one (an allocation and a timer on their own event loop), so the path
 * of an unloaded comet stays as it was.
 */
public final class ConnectWait implements Runnable {
    /** The handshake waiting for a place; both calls come on its event loop. */
    public interface Claimant {
        /** A place among the Connects sent to logic is held for it: send the Connect (or give the place back). */
        void placed();

        /** It waited {@code waited} nanoseconds and no place came: refuse the auth (nothing is held). */
        void notPlaced(long waited);
    }

    static final int WAITING = 0;
    /** Placed, the claimant not yet told. */
    static final int PLACED = 1;
    static final int TOLD = 2;
    static final int EXPIRED = 3;
    static final int CANCELLED = 4;
    private static final AtomicIntegerFieldUpdater<ConnectWait> STATE =
            AtomicIntegerFieldUpdater.newUpdater(ConnectWait.class, "state");

    private final EventExecutor loop;
    private final Claimant claimant;
    private final ConnectAdmission admission;
    private final long queuedAt = System.nanoTime();
    private volatile int state;
    private volatile ScheduledFuture<?> timer;

    ConnectWait(EventExecutor loop, Claimant claimant, ConnectAdmission admission) {
        this.loop = loop;
        this.claimant = claimant;
        this.admission = admission;
    }

    /** Arms the timer that ends the wait after {@code nanos}. */
    void expireAfter(long nanos) {
        timer = loop.schedule(this, nanos, TimeUnit.NANOSECONDS);
    }

    boolean waiting() {
        return state == WAITING;
    }

    /**
     * The queue hands it the place it took: false when it ended meanwhile (the caller gives the place back). The
     * claimant is told on its event loop.
     */
    boolean place() {
        if (!STATE.compareAndSet(this, WAITING, PLACED)) {
            return false;
        }
        admission.leftQueue();
        cancelTimer();
        try {
            loop.execute(this);
        } catch (RejectedExecutionException e) {
            // The comet is shutting down with this channel's loop: the place goes back, nothing to tell.
            admission.release();
        }
        return true;
    }

    /** The channel closed while it waited: it ends here (true) unless a place was already handed to it. */
    public boolean cancel() {
        if (!STATE.compareAndSet(this, WAITING, CANCELLED)) {
            return false;
        }
        admission.leftQueue();
        cancelTimer();
        return true;
    }

    /** On its event loop: tells the claimant of its place, or (the timer) ends the wait unplaced. */
    @Override
    public void run() {
        if (STATE.compareAndSet(this, PLACED, TOLD)) {
            claimant.placed();
        } else if (STATE.compareAndSet(this, WAITING, EXPIRED)) {
            admission.leftQueue();
            admission.expired();
            claimant.notPlaced(System.nanoTime() - queuedAt);
        }
    }

    private void cancelTimer() {
        ScheduledFuture<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }
}
