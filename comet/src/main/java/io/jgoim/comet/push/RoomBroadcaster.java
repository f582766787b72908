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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fans one encoded push out to a room or to every session, grouped by event loop: one task per loop writes the
 * shared frame to that loop's members and then flushes each of them once; no cross-thread write per session. The
 * frame is retained by each task and released when it is done; the caller keeps its own reference.
 *
 * <p>{@link #deliver} is the single-loop core, public so benchmarks can drive it on one thread without sockets.
 * Thread-safe; the returned futures complete on an event loop.
 */
public final class RoomBroadcaster {
    /** Sessions whose write is attempted in one paced step of a throttled broadcast. */
    private static final long SPEED_STEP_MILLIS = 100;

    private final SessionLoops loops;
    private final CometMetrics metrics;

    public RoomBroadcaster(SessionLoops loops, CometMetrics metrics) {
        this.loops = loops;
        this.metrics = metrics;
    }

    /** What a fan-out did: frames handed to sessions and frames dropped (over bound or closed). */
    public record Delivery(int delivered, int dropped) {
        public static final Delivery NONE = new Delivery(0, 0);
    }

    /** Writes {@code frame} to every member of {@code room}; completes when every loop's task ran. */
    public CompletableFuture<Delivery> broadcastRoom(Room room, PushFrame frame) {
        Job job = new Job(PushKind.ROOM);
        for (int i = 0; i < loops.size(); i++) {
            MemberList shard = room.shard(i);
            if (shard != null && shard.size() > 0) {
                job.submit(new LoopTask(job, i, room, frame, -1, 0));
            }
        }
        return job.seal();
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
        Job job = new Job(PushKind.BROADCAST);
        int perStep = speed > 0 ? Math.max(1, (int) ((long) speed * SPEED_STEP_MILLIS / 1000 / loops.size())) : 0;
        for (int i = 0; i < loops.size(); i++) {
            if (loops.sessions(i).size() > 0) {
                job.submit(new LoopTask(job, i, null, frame, op, perStep, tenant));
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
            if (s.write(frame)) {
                delivered++;
            } else {
                dropped++;
            }
        }
        if (delivered > 0 || skipped) {
            for (int i = from; i < end; i++) {
                members.get(i).channel().flush();
            }
        }
        counts[0] += delivered;
        counts[1] += dropped;
    }

    /** Aggregates the per-loop outcomes of one fan-out. */
    private final class Job {
        private final PushKind kind;
        private final CompletableFuture<Delivery> future = new CompletableFuture<>();
        // Starts at 1 for the submitter so the future cannot complete before every task is submitted.
        private final AtomicInteger pending = new AtomicInteger(1);
        private final AtomicInteger delivered = new AtomicInteger();
        private final AtomicInteger dropped = new AtomicInteger();

        Job(PushKind kind) {
            this.kind = kind;
        }

        void submit(LoopTask task) {
            pending.incrementAndGet();
            task.frame.retain();
            try {
                loops.loop(task.loopIndex).execute(task);
            } catch (RejectedExecutionException e) {
                task.frame.release();
                done(0, 0);
            }
        }

        CompletableFuture<Delivery> seal() {
            done(0, 0);
            return future;
        }

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

    /** One loop's share of a fan-out; re-schedules itself in steps when paced. */
    private final class LoopTask implements Runnable {
        private final Job job;
        private final int loopIndex;
        private final Room room;
        private final PushFrame frame;
        private final int op;
        private final int perStep;
        private final int[] counts = new int[2];
        private final String tenant;
        private int next;

        LoopTask(Job job, int loopIndex, Room room, PushFrame frame, int op, int perStep) {
            this(job, loopIndex, room, frame, op, perStep, null);
        }

        LoopTask(Job job, int loopIndex, Room room, PushFrame frame, int op, int perStep, String tenant) {
            this.tenant = tenant;
            this.job = job;
            this.loopIndex = loopIndex;
            this.room = room;
            this.frame = frame;
            this.op = op;
            this.perStep = perStep;
        }

        @Override
        public void run() {
            MemberList members = room != null ? room.shard(loopIndex) : loops.sessions(loopIndex);
            boolean finished = true;
            try {
                if (members != null) {
                    if (perStep <= 0) {
                        deliver(members, 0, members.size(), frame, op, counts, tenant);
                    } else {
                        deliver(members, next, next + perStep, frame, op, counts, tenant);
                        next += perStep;
                        if (next < members.size()) {
                            finished = !reschedule();
                        }
                    }
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
