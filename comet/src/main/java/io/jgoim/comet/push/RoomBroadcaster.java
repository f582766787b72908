package io.jgoim.comet.push;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.index.Session;
import io.jgoim.comet.index.SessionLoops;
import io.jgoim.comet.metrics.CometMetrics;
import io.jgoim.comet.metrics.CometMetrics.PushKind;
import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fans one encoded push out to a room or to every session, grouped by event loop: each loop's part goes to that loop's
 * {@link LoopFanOut}, whose next pass writes it, joined with whatever else gathered for the same room meanwhile, to
 * the loop's members and then flushes each of them once; no cross-thread write per session and no timer. The frame is
 * retained by each loop part and released when its pass is over; the caller keeps its own reference. A paced
 * broadcast ({@code speed} &gt; 0) keeps its own stepped task per loop.
 *
 * <p>{@link #deliver} is the single-loop core, public so benchmarks can drive it on one thread without sockets.
 * Thread-safe; the returned futures complete on an event loop once the pass carrying the push was written.
 */
public final class RoomBroadcaster {
    /** Sessions whose write is attempted in one paced step of a throttled broadcast. */
    private static final long SPEED_STEP_MILLIS = 100;

    /**
     * Members per chunk of a room's rolling pass ({@link RoomSweep}) when none is configured: the comet's default
     * {@code fanout.rollingChunk}. A pass of a few hundred members costs a few milliseconds, so pushes that arrive
     * meanwhile join the rest of it instead of waiting for the next whole pass (issue 17).
     */
    public static final int DEFAULT_ROLLING_CHUNK = 256;

    private final SessionLoops loops;
    private final CometMetrics metrics;
    private final LoopFanOut[] fanOuts;

    public RoomBroadcaster(SessionLoops loops, CometMetrics metrics) {
        this(loops, metrics, DEFAULT_ROLLING_CHUNK);
    }

    /** {@code rollingChunk}: members per chunk of a room's rolling pass; 0 writes a room's pass whole. */
    public RoomBroadcaster(SessionLoops loops, CometMetrics metrics, int rollingChunk) {
        this.loops = loops;
        this.metrics = metrics;
        this.fanOuts = new LoopFanOut[loops.size()];
        for (int i = 0; i < fanOuts.length; i++) {
            fanOuts[i] = new LoopFanOut(i, loops.loop(i), loops.sessions(i), metrics, rollingChunk);
        }
    }

    /** Room and broadcast pushes handed to loop {@code index} and not yet in one of its passes. */
    public int backlog(int index) {
        return fanOuts[index].backlog();
    }

    /** What a fan-out did: frames handed to sessions and frames dropped (over bound or closed). */
    public record Delivery(int delivered, int dropped) {
        public static final Delivery NONE = new Delivery(0, 0);
    }

    /** Writes {@code frame} to every member of {@code room}; completes when every loop's task ran. */
    public CompletableFuture<Delivery> broadcastRoom(Room room, PushFrame frame) {
        return submitRoom(room, frame).seal();
    }

    /**
     * {@link #broadcastRoom}, answered early: the returned future completes once every loop took the push into a
     * pass (a loop holding {@value LoopFanOut#MAX_WRITE_BYTES} bytes of the room's pushes not yet written takes no more
     * until some are: that is the backpressure), with the members it was handed to as delivered and none dropped;
     * {@code written} gets the real outcome once every loop wrote it.
     */
    public CompletableFuture<Delivery> broadcastRoomEarly(Room room, PushFrame frame, Consumer<Delivery> written) {
        FanOutJob job = submitRoom(room, frame);
        job.seal().thenAccept(written);
        return job.takenFuture();
    }

    private FanOutJob submitRoom(Room room, PushFrame frame) {
        FanOutJob job = new FanOutJob(PushKind.ROOM, metrics);
        for (int i = 0; i < loops.size(); i++) {
            MemberList shard = room.shard(i);
            if (shard != null && shard.size() > 0) {
                job.expect(shard.size());
                fanOuts[i].submit(new LoopFanOut.Entry(room, -1, frame.retain(), job));
            }
        }
        return job;
    }

    /**
     * Writes {@code frame} to every session that watches {@code op} (goim's rule, see {@link Session#needPush}).
     * {@code speed} &gt; 0 paces the writes to about that many sessions per second across the comet; the future then
     * completes at once with zero counts (the outcome shows in the metrics), as goim answers before pacing ends.
     */
    public CompletableFuture<Delivery> broadcast(PushFrame frame, int op, int speed) {
        return broadcast(frame, op, speed, io.jgoim.protocol.Tenancy.DEFAULT);
    }

    /** {@link #broadcast(PushFrame, int, int)} to the sessions of {@code tenant} only ("" = the default tenant). */
    public CompletableFuture<Delivery> broadcast(PushFrame frame, int op, int speed, String tenant) {
        FanOutJob job = new FanOutJob(PushKind.BROADCAST, metrics);
        int perStep = speed > 0 ? Math.max(1, (int) ((long) speed * SPEED_STEP_MILLIS / 1000 / loops.size())) : 0;
        for (int i = 0; i < loops.size(); i++) {
            if (loops.sessions(i).size() > 0) {
                job.expect();
                if (perStep > 0) {
                    submitPaced(new LoopTask(job, i, frame.retain(), op, perStep, tenant));
                } else {
                    fanOuts[i].submit(new LoopFanOut.Entry(null, op, frame.retain(), job, tenant));
                }
            }
        }
        CompletableFuture<Delivery> f = job.seal();
        return speed > 0 ? CompletableFuture.completedFuture(Delivery.NONE) : f;
    }

    /**
     * Writes {@code frame} to members {@code from} (inclusive) to {@code to} (exclusive) of {@code members} that pass
     * the op filter ({@code op} &lt; 0: no filter), then flushes each of them once. Runs on the members' event loop.
     *
     * @param counts out: counts[0] += delivered, counts[1] += dropped
     */
    public static void deliver(MemberList members, int from, int to, PushFrame frame, int op, int[] counts) {
        deliver(members, from, to, frame, op, counts, null);
    }

    /** {@code tenant}: only its sessions take the frame (a broadcast); null = every member (a room: one tenant's). */
    static void deliver(MemberList members, int from, int to, PushFrame frame, int op, int[] counts,
                        String tenant) {
        if (writeAll(members, from, to, frame, op, counts, tenant, true)) {
            flushAll(members, from, to);
        }
    }

    /**
     * Writes {@code frame} without flushing to members {@code from} to {@code to} of {@code members} that pass the op
     * filter and are of {@code tenant} (null: any, a room's members are one tenant's), adding to {@code counts}; true
     * when some member needs a flush (written to, or its cursor advanced). {@code alone}: this is the only write to
     * these members before their flush, so a plain-TCP member's bytes may go to its socket at once
     * ({@link Session#write(PushFrame, boolean)}).
     */
    static boolean writeAll(MemberList members, int from, int to, PushFrame frame, int op, int[] counts,
                            String tenant, boolean alone) {
        int end = Math.min(to, members.size());
        int delivered = 0;
        int dropped = 0;
        boolean skipped = false;
        for (int i = from; i < end; i++) {
            Session s = members.get(i);
            if (tenant != null && !tenant.equals(s.tenant())) {
                continue;
            }
            if (op >= 0 && !s.needPush(op)) {
                if (frame.isPositioned() && s.streams() != null) {
                    // not watched: its delivery skips it and only advances the cursor (it may still tell a state)
                    skipped |= s.write(frame);
                }
                continue;
            }
            if (s.write(frame, alone)) {
                delivered++;
            } else {
                dropped++;
            }
        }
        counts[0] += delivered;
        counts[1] += dropped;
        return delivered > 0 || skipped;
    }

    /** Flushes members {@code from} to {@code to} of {@code members} (those with something queued). */
    static void flushAll(MemberList members, int from, int to) {
        int end = Math.min(to, members.size());
        for (int i = from; i < end; i++) {
            members.get(i).flush();
        }
    }

    private void submitPaced(LoopTask task) {
        try {
            loops.loop(task.loopIndex).execute(task);
        } catch (RejectedExecutionException e) {
            task.frame.release();
            task.job.done(0, 0);
        }
    }

    /** One loop's share of a paced broadcast; re-schedules itself in steps. */
    private final class LoopTask implements Runnable {
        private final FanOutJob job;
        private final int loopIndex;
        private final PushFrame frame;
        private final int op;
        private final int perStep;
        private final int[] counts = new int[2];
        private final String tenant;
        private int next;

        LoopTask(FanOutJob job, int loopIndex, PushFrame frame, int op, int perStep, String tenant) {
            this.tenant = tenant;
            this.job = job;
            this.loopIndex = loopIndex;
            this.frame = frame;
            this.op = op;
            this.perStep = perStep;
        }

        @Override
        public void run() {
            MemberList members = loops.sessions(loopIndex);
            boolean finished = true;
            try {
                deliver(members, next, next + perStep, frame, op, counts, tenant);
                next += perStep;
                if (next < members.size()) {
                    finished = !reschedule();
                }
            } finally {
                if (finished) {
                    frame.release();
                    job.done(counts[0], counts[1]);
                }
            }
        }

        private boolean reschedule() {
            EventExecutor loop = loops.loop(loopIndex);
            try {
                loop.schedule(this, SPEED_STEP_MILLIS, TimeUnit.MILLISECONDS);
                return true;
            } catch (RejectedExecutionException e) {
                return false;
            }
        }
    }
}
