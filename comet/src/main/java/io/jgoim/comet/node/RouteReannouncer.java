package io.jgoim.comet.node;

import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.protocol.rpc.LogicService;
import io.jgoim.protocol.rpc.logic.HeartbeatReply;
import io.jgoim.protocol.rpc.logic.HeartbeatReq;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Routes every session of this comet again after logic's session store lost its data (the store epoch in the
 * RenewOnline reply changed): one logic Heartbeat per session, which re-adds a missing route, paced at
 * {@code online.reannounceRate} sessions per second for the whole comet. Each event loop walks its own session list
 * in slices, one scheduled task per slice, so no event loop is held and nothing is allocated per session beyond the
 * call itself. A new {@link #start()} supersedes a run still under way (the store was lost again); {@link #stop()}
 * ends it. Sessions are never closed here.
 *
 * <p>{@link #start()} and {@link #stop()} are thread-safe; each walker is confined to its event loop.
 */
public final class RouteReannouncer {
    private static final Logger log = LoggerFactory.getLogger(RouteReannouncer.class);
    /** Target time between two slices of one loop: short enough to stay smooth, long enough to batch calls. */
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final SessionLoops loops;
    private final LogicService logic;
    private final String serverId;
    private final CometMetrics metrics;
    private final int perSlice;
    private final long sliceNanos;
    private final AtomicLong generation = new AtomicLong();
    /** One callback for every call: counts the re-announced sessions without a lambda per session. */
    private final BiConsumer<HeartbeatReply, Throwable> counted;

    /** @param ratePerSecond sessions re-announced per second over all loops ({@code online.reannounceRate}) */
    public RouteReannouncer(SessionLoops loops, LogicService logic, String serverId, int ratePerSecond,
                            CometMetrics metrics) {
        this.loops = loops;
        this.logic = logic;
        this.serverId = serverId;
        this.metrics = metrics;
        double perLoop = Math.max(1e-3, (double) ratePerSecond / loops.size());
        this.perSlice = (int) Math.max(1, Math.round(perLoop * SLICE_NANOS / 1e9));
        this.sliceNanos = (long) (perSlice * 1e9 / perLoop);
        this.counted = (reply, error) -> {
            if (error == null) {
                metrics.sessionReannounced();
            } else if (log.isDebugEnabled()) {
                log.debug("re-announce failed: {}", error.toString());
            }
        };
    }

    /** Re-announces every session held now, superseding a run under way. Returns at once. */
    public void start() {
        long run = generation.incrementAndGet();
        metrics.storeEpochChanged();
        for (int i = 0; i < loops.size(); i++) {
            EventExecutor loop = loops.loop(i);
            if (!loop.isShuttingDown()) {
                loop.execute(new Walker(run, loop, loops.sessions(i)));
            }
        }
    }

    /** Ends the run under way (the comet is closing). */
    public void stop() {
        generation.incrementAndGet();
    }

    /**
     * One loop's walk through its session list, from the end: a session leaving the list is replaced by the last
     * one, which a backward walk has already visited (at worst it is announced twice), so none is skipped; sessions
     * that join meanwhile connected to the new store and need nothing.
     */
    private final class Walker implements Runnable {
        private final long run;
        private final EventExecutor loop;
        private final MemberList sessions;
        private int next = -1;

        Walker(long run, EventExecutor loop, MemberList sessions) {
            this.run = run;
            this.loop = loop;
            this.sessions = sessions;
        }

        @Override
        public void run() {
            if (generation.get() != run) {
                return;
            }
            if (next < 0) {
                next = sessions.size();
            }
            next = Math.min(next, sessions.size());
            for (int n = 0; n < perSlice && next > 0; n++) {
                Session s = sessions.get(--next);
                try {
                    logic.heartbeat(HeartbeatReq.newBuilder().setMid(s.memberId()).setKey(s.key())
                            .setServer(serverId).build()).whenComplete(counted);
                } catch (RuntimeException e) {
                    counted.accept(null, e);
                }
            }
            if (next > 0 && !loop.isShuttingDown()) {
                loop.schedule(this, sliceNanos, TimeUnit.NANOSECONDS);
            }
        }
    }
}
