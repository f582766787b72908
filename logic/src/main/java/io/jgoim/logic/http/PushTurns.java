package io.jgoim.logic.http;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayDeque;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The admitted pushes' work of one HTTP event loop, done in turns of {@value #PUSHES_PER_TURN} with a poll of the
 * loop's sockets between two turns (issue 19). {@link DeferredPush} already runs a push's work after the read round
 * that admitted it, so that round's refusals are written first; but Netty 4.2 runs a loop's task queue until it is
 * empty before it polls again, so a round that admitted hundreds of pushes (a pool of hundreds of connections) held
 * the loop for all their work, and a request arriving meanwhile — refused in microseconds once read — waited tens of
 * milliseconds to be read at all. Here the first turn is a task (after the round's reads, as before) and every next
 * turn is <em>scheduled</em> with no delay: Netty moves scheduled tasks into its queue only when a round of tasks
 * starts, after its sockets were polled, so a turn follows one round of I/O (as the comet's rolling fan-out pass
 * does). A refusal therefore waits at most one turn of work, and the limiter, whose pass spans admission to reply,
 * sees the queued pushes as in flight and refuses what is over its capacity as it is read.
 *
 * <p>Order: pushes are done in the order they were admitted (the connection's pipelined replies stay in order, as
 * the listener keeps them). Allocation: nothing per push; one scheduled task per turn. Loop-confined: one instance per
 * loop thread; {@link #add} from any thread hops onto the loop first.
 */
final class PushTurns implements Runnable {
    /**
     * Pushes done per turn: a push's work on the loop is tens of microseconds (parameters, body, routing, the hand-off
     * to the bus), so a turn is about a millisecond, and a poll per turn costs one non-blocking epoll_wait.
     */
    static final int PUSHES_PER_TURN = 16;
    /**
     * Pushes of work a turn owes per request the loop refused since the turn before: under a storm of refusals (a
     * pool of client connections each sending its next request as soon as its 429 comes back, hundreds per poll) a
     * turn of {@value #PUSHES_PER_TURN} left the admitted pushes a sliver of the loop — they stayed in flight, the
     * limiter kept refusing, and the node passed a few hundred pushes a second of its thousands (measured on the push
     * API with a 1,000-connection pool: 378/s of a 12,514/s maximum while it refused thousands a second). A turn now
     * does at least this many pushes per refusal read since the last one, so the admitted work keeps about four
     * fifths of what the loop handles while refusals stay one turn away.
     */
    static final int PUSHES_PER_REFUSAL = 4;

    private static final FastThreadLocal<PushTurns> OF_LOOP = new FastThreadLocal<>() {
        @Override
        protected PushTurns initialValue() {
            return new PushTurns();
        }
    };

    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private EventLoop loop;
    private boolean started;
    private int refusedSinceTurn;

    private PushTurns() {
    }

    /** Queues {@code work} on {@code loop}'s turns; done at once when the loop no longer takes tasks. */
    static void add(EventLoop loop, Runnable work) {
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> add(loop, work));
            } catch (RejectedExecutionException e) {
                work.run();
            }
            return;
        }
        OF_LOOP.get().queue(loop, work);
    }

    /**
     * Notes a request that {@code loop} refused (read and answered at once): the next turn owes the admitted pushes
     * {@value #PUSHES_PER_REFUSAL} pushes of work for it. Only while a turn is pending (with no admitted work waiting
     * nothing is owed, so a later turn does not grow with refusals made before it). On the loop's thread; elsewhere
     * it is not counted.
     */
    static void refused(EventLoop loop) {
        if (loop.inEventLoop()) {
            PushTurns turns = OF_LOOP.get();
            if (turns.started && turns.refusedSinceTurn < Integer.MAX_VALUE / PUSHES_PER_REFUSAL) {
                turns.refusedSinceTurn++;
            }
        }
    }

    /** The pushes the next turn does at most: {@value #PUSHES_PER_TURN}, or more after refusals. */
    int turnSize() {
        return Math.max(PUSHES_PER_TURN, refusedSinceTurn * PUSHES_PER_REFUSAL);
    }

    private void queue(EventLoop loop, Runnable work) {
        if (this.loop == null) {
            this.loop = loop;
            // A loop shutting down cancels its scheduled tasks, so a turn scheduled before the shutdown never runs:
            // once the loop has ended (no thread touches the queue any more) what is left is done, as a task queued
            // with execute would have been, so every push gets its reply or its error and its buffer back.
            loop.terminationFuture().addListener(f -> drainNow());
        }
        queue.add(work);
        if (!started) {
            started = true;
            try {
                loop.execute(this); // the first turn right after this round's reads
            } catch (RejectedExecutionException e) {
                drainNow();
            }
        }
    }

    /** One turn; the next, if work is left, after the loop's next poll of its sockets. */
    @Override
    public void run() {
        int size = turnSize();
        refusedSinceTurn = 0;
        for (int i = 0; i < size; i++) {
            Runnable work = queue.poll();
            if (work == null) {
                break;
            }
            work.run();
        }
        if (queue.isEmpty()) {
            started = false;
            return;
        }
        if (loop.isShuttingDown()) {
            drainNow();
            return;
        }
        try {
            loop.schedule(this, 0, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            drainNow();
        }
    }

    /** The loop is shutting down: the rest is done now (each push still gets its reply or its error). */
    private void drainNow() {
        for (Runnable work; (work = queue.poll()) != null; ) {
            work.run();
        }
        started = false;
    }
}
