package io.jgoim.comet.node;

import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.protocol.CloseCode;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Empties the comet of sessions: each event loop closes its sessions with {@link CloseCode#SHUTDOWN} in
 * {@code batches} jittered batches spread over a window, so clients reconnect elsewhere at a pace the cluster takes
 * instead of all at once (Zuul's and centrifuge's graceful close). Used by {@link CometDrain} (runtime drain and
 * close). Thread-safe: the work runs as tasks on the loops.
 */
public final class SessionDrain {
    private final SessionLoops loops;
    private final int batches;

    /** @param batches how many batches each loop's sessions are closed in ({@code shutdown.closeBatches}) */
    public SessionDrain(SessionLoops loops, int batches) {
        this.loops = loops;
        this.batches = batches;
    }

    /**
     * Schedules, on each loop, the close of the sessions it holds now: the first batch at once, the rest spread
     * over {@code windowNanos} with a jitter of up to half a step. Returns at once.
     */
    public void start(long windowNanos) {
        for (int i = 0; i < loops.size(); i++) {
            final int loopIndex = i;
            EventExecutor loop = loops.loop(i);
            loop.execute(() -> drainLoop(loop, loops.sessions(loopIndex), windowNanos));
        }
    }

    private void drainLoop(EventExecutor loop, MemberList list, long windowNanos) {
        int n = list.size();
        if (n == 0) {
            return;
        }
        // A snapshot: closing a session takes it out of the list, which would shift the rest under the batches.
        Session[] snapshot = new Session[n];
        for (int k = 0; k < n; k++) {
            snapshot[k] = list.get(k);
        }
        int perBatch = (n + batches - 1) / batches;
        long step = windowNanos / batches;
        for (int b = 0; b * perBatch < n; b++) {
            int from = b * perBatch;
            int to = Math.min(n, from + perBatch);
            long jitter = step > 1 ? ThreadLocalRandom.current().nextLong(step / 2 + 1) : 0;
            long delay = b == 0 ? 0 : b * step + jitter - step / 4;
            loop.schedule(() -> {
                for (int k = from; k < to; k++) {
                    snapshot[k].close(CloseCode.SHUTDOWN);
                }
            }, Math.max(0, delay), TimeUnit.NANOSECONDS);
        }
    }
}
