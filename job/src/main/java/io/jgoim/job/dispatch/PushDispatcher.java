package io.jgoim.job.dispatch;

import io.jgoim.common.history.HistoryStore;
import io.jgoim.common.session.SessionDirectory;
import io.jgoim.common.tracing.Tracing;
import io.jgoim.job.JobConfig;
import io.jgoim.job.JobMetrics;
import io.jgoim.job.comet.CometDirectory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Fans pushes out to comets, in order per room and per key: each task goes to the lane chosen by the hash of its lane
 * key (room, or record key), and a lane keeps one ordered queue per comet. Room messages are batched per room. Both
 * push sources (the Kafka consumer and the in-process bus) feed this same dispatcher. {@link #dispatch} may be called
 * from any thread; tasks with the same lane key must be dispatched from one thread (or in a known order) to be ordered.
 * With a {@link HistoryStore}, room batches of room types that keep history get their stream positions on their lane
 * ({@link RoomSequencer}); the store is not owned.
 */
public final class PushDispatcher implements AutoCloseable {
    private final Lane[] lanes;
    private final Tracing tracing;
    private boolean started;
    private boolean closed;

    /** No history: no room push carries a position (goim's behaviour). */
    public PushDispatcher(JobConfig config, CometDirectory comets, SessionDirectory sessions, JobMetrics metrics) {
        this(config, comets, sessions, metrics, null);
    }

    /** {@code history} null (or config.history() keeping no room history): no room push carries a position. */
    public PushDispatcher(JobConfig config, CometDirectory comets, SessionDirectory sessions, JobMetrics metrics,
                          HistoryStore history) {
        this(config, comets, sessions, metrics, history, Tracing.off());
    }

    /**
     * {@code tracing} (not owned): a traced task's comet calls become CLIENT spans, the children of its dispatch span
     * (or, for a call carrying a batch of several tasks, a root span linking to each task's dispatch span).
     */
    public PushDispatcher(JobConfig config, CometDirectory comets, SessionDirectory sessions, JobMetrics metrics,
                          HistoryStore history, Tracing tracing) {
        this.tracing = tracing;
        this.lanes = new Lane[config.dispatch().lanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane(i, config, comets, sessions, metrics, history, tracing);
        }
    }

    /** The tracing the dispatcher's spans use (the consumer starts each task's consume and dispatch spans). */
    public Tracing tracing() {
        return tracing;
    }

    public synchronized void start() {
        if (started) {
            return;
        }
        started = true;
        for (Lane l : lanes) {
            l.start();
        }
    }

    /** The lane of a key: a stable function of the key, so a room or key always lands on the same lane. */
    public int laneOf(String laneKey) {
        int h = laneKey.hashCode();
        h ^= h >>> 16;
        return Math.floorMod(h, lanes.length);
    }

    /** Hands {@code task} to its lane; its listener is told when the comets accepted it (or gave up). */
    public void dispatch(PushTask task) {
        lanes[laneOf(task.laneKey())].submit(task);
    }

    /** Sends every open room batch now; returns once every lane has done so (or the wait times out). */
    public boolean flush(long timeout, TimeUnit unit) {
        CountDownLatch done = new CountDownLatch(lanes.length);
        for (Lane l : lanes) {
            l.execute(() -> {
                l.flushAll();
                done.countDown();
            });
        }
        try {
            return done.await(timeout, unit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the lanes; work not finished is dropped (callers drain first, see JobServer.close). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (started) {
            for (Lane l : lanes) {
                l.stop();
            }
        }
    }
}
