package io.jgoim.comet.push;

import io.jgoim.comet.frame.PushFrame;
import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.index.Room;
import io.jgoim.comet.metrics.CometMetrics;
import io.netty.util.concurrent.EventExecutor;
import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One event loop's share of room and broadcast fan-outs, coalesced by the loop's own pace instead of a clock. Pushes
 * for this loop gather in a multi-producer queue; one task drains what has gathered and writes it as one pass: per
 * room, the pushes that arrived for it become one write per member (their bytes back to back, copied once for the
 * whole loop, so a WebSocket member gets one op-9 message), then one flush per member. What arrives while a pass is
 * being written waits for the next pass, which the task queues behind whatever else the loop has to do. So a push to
 * an idle loop goes out at once and alone, and a busy room's writes carry as many messages as the loop's backlog
 * holds, no more.
 *
 * <p>Order: a room's pushes are written in arrival order (gathered pushes are concatenated, never reordered), and a
 * broadcast is written after everything that arrived before it and before everything after. Positioned pushes are
 * concatenated only when they continue one another in their stream ({@link PushFrame#isFollowedBy}). Each push's
 * {@link FanOutJob} learns the sessions of this loop its write reached. {@link #submit} from any thread; the pass
 * runs on the loop.
 */
final class LoopFanOut implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LoopFanOut.class);

    /** A merged write grows to this many bytes at most; the rest of the pass goes in further writes (same flush). */
    static final int MAX_WRITE_BYTES = 64 * 1024;

    /**
     * One push for this loop: to a room's members here, or (room null) to every session here of {@code tenant}
     * ("" the default tenant; null for a room, whose members are one tenant's) watching {@code op}.
     */
    record Entry(Room room, int op, PushFrame frame, FanOutJob job, String tenant) {
        Entry(Room room, int op, PushFrame frame, FanOutJob job) {
            this(room, op, frame, job, null);
        }
    }

    private final int loopIndex;
    private final EventExecutor loop;
    private final MemberList allSessions;
    private final MpscUnboundedAtomicArrayQueue<Entry> gathered = new MpscUnboundedAtomicArrayQueue<>(256);
    private final AtomicBoolean scheduled = new AtomicBoolean();

    // Loop-confined, reused by every pass.
    private final ArrayList<Entry> pass = new ArrayList<>();
    private final HashMap<Room, ArrayList<Entry>> byRoom = new HashMap<>();
    private final ArrayList<ArrayList<Entry>> roomOrder = new ArrayList<>();
    private final ArrayList<ArrayList<Entry>> spareLists = new ArrayList<>();
    private final ArrayList<Entry> broadcasts = new ArrayList<>();
    private final PassWriter writer;
    /** Members per chunk of a rolling pass ({@link RoomSweep}); 0: a room's pass is written whole. */
    private final int rollingChunk;
    private final HashMap<Room, RoomSweep> sweeps = new HashMap<>();
    private final ArrayList<RoomSweep> activeSweeps = new ArrayList<>();

    LoopFanOut(int loopIndex, EventExecutor loop, MemberList allSessions, CometMetrics metrics) {
        this(loopIndex, loop, allSessions, metrics, 0);
    }

    LoopFanOut(int loopIndex, EventExecutor loop, MemberList allSessions, CometMetrics metrics, int rollingChunk) {
        this.loopIndex = loopIndex;
        this.loop = loop;
        this.allSessions = allSessions;
        this.writer = new PassWriter(metrics);
        this.rollingChunk = rollingChunk;
    }

    /** Any thread: queues {@code e} (whose frame reference it now owns) for this loop's next pass. */
    void submit(Entry e) {
        gathered.offer(e);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) {
            schedule();
        }
    }

    /** Pushes gathered and not yet in a pass (the loop's fan-out backlog). */
    int backlog() {
        return gathered.size();
    }

    private void schedule() {
        try {
            loop.execute(this);
        } catch (RejectedExecutionException e) {
            abandon();
        }
    }

    /**
     * Queues the next chunk of the active sweeps behind the loop's I/O. Not {@code execute}: Netty 4.2's loop runs its
     * task queue until it is empty (or for up to {@code io.netty.eventLoop.maxTaskProcessingQuantumMs}, 1 s) before
     * it polls sockets again, so a task that queues itself again runs again at once, and a whole sweep (hundreds of
     * milliseconds at 15,000 members) would pass without one read: no heartbeat answered (and, with
     * {@code rpc.ioThreads} 0, no gRPC room call taken: job's calls are then read on these loops). A scheduled task is moved into the task queue only when a
     * round of tasks starts, after the sockets were polled, so each chunk follows one round of I/O.
     */
    private void scheduleAfterIo() {
        try {
            loop.schedule(this, 0, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            abandon();
        }
    }

    /** The loop is shutting down: nothing will write these. */
    private void abandon() {
        for (Entry x; (x = gathered.poll()) != null; ) {
            x.frame().release();
            x.job().taken();
            x.job().done(0, 0);
        }
        for (int i = 0; i < activeSweeps.size(); i++) {
            activeSweeps.get(i).abort();
        }
        activeSweeps.clear();
    }

    /**
     * One pass: everything gathered until now; then the next pass is queued if more arrived meanwhile. With rolling
     * passes, a room's pushes join its sweep in progress and every active sweep writes one chunk; the task then
     * queues itself again behind the loop's I/O while a sweep is active.
     */
    @Override
    public void run() {
        try {
            for (Entry e; (e = gathered.poll()) != null; ) {
                pass.add(e);
            }
            writePass();
            stepSweeps();
        } finally {
            pass.clear();
            if (!activeSweeps.isEmpty()) {
                scheduleAfterIo(); // still scheduled: the next chunk goes behind the loop's I/O and other tasks
                return;
            }
            scheduled.set(false);
            if (!gathered.isEmpty() && scheduled.compareAndSet(false, true)) {
                schedule();
            }
        }
    }

    /** Rooms' pushes grouped per room in arrival order; a broadcast ends the group so far and goes after it. */
    private void writePass() {
        for (int i = 0; i < pass.size(); i++) {
            Entry e = pass.get(i);
            if (rollingChunk > 0 && e.room() != null) {
                if (!broadcasts.isEmpty()) {
                    writeBroadcasts();
                }
                sweep(e);
                continue;
            }
            e.job().taken();
            if (e.room() == null) {
                writeRooms();
                finishSweeps(); // a broadcast goes after every room push that arrived before it
                broadcasts.add(e);
            } else {
                if (!broadcasts.isEmpty()) {
                    writeBroadcasts();
                }
                ArrayList<Entry> list = byRoom.get(e.room());
                if (list == null) {
                    list = spareLists.isEmpty() ? new ArrayList<>() : spareLists.remove(spareLists.size() - 1);
                    byRoom.put(e.room(), list);
                    roomOrder.add(list);
                }
                list.add(e);
            }
        }
        writeRooms();
        writeBroadcasts();
    }

    private void sweep(Entry e) {
        RoomSweep s = sweeps.get(e.room());
        MemberList members = e.room().shard(loopIndex);
        if (s == null || s.members() != members) {
            if (s != null && s.isActive()) {
                s.finish();
            }
            s = new RoomSweep(e.room(), members, rollingChunk, writer);
            sweeps.put(e.room(), s);
        }
        if (!s.isActive()) {
            activeSweeps.add(s);
        }
        s.add(e);
    }

    /** One chunk of every active sweep; idle ones leave the list (and the map, so an empty room is forgotten). */
    private void stepSweeps() {
        for (int i = 0; i < activeSweeps.size(); i++) {
            RoomSweep s = activeSweeps.get(i);
            try {
                s.step();
            } catch (RuntimeException e) {
                log.error("rolling pass of {} failed", s.room(), e); // a bug: the sweep gives up what it holds
                s.abort();
            }
        }
        for (int i = activeSweeps.size() - 1; i >= 0; i--) {
            RoomSweep s = activeSweeps.get(i);
            if (!s.isActive()) {
                activeSweeps.remove(i);
                if (s.members().size() == 0) {
                    sweeps.remove(s.room());
                }
            }
        }
    }

    /** Writes every active sweep to its end (a broadcast is next, and must follow them). */
    private void finishSweeps() {
        for (int i = 0; i < activeSweeps.size(); i++) {
            activeSweeps.get(i).finish();
        }
        activeSweeps.clear();
    }

    private void writeRooms() {
        if (roomOrder.isEmpty()) {
            return;
        }
        try {
            for (int i = 0; i < roomOrder.size(); i++) {
                List<Entry> list = roomOrder.get(i);
                try {
                    writer.write(list.get(0).room().shard(loopIndex), list, false);
                } catch (RuntimeException e) {
                    // A bug: the writer has released and completed this room's pushes; the other rooms still go.
                    log.error("fan-out pass of {} failed", list.get(0).room(), e);
                }
            }
        } finally {
            for (int i = 0; i < roomOrder.size(); i++) {
                ArrayList<Entry> list = roomOrder.get(i);
                list.clear();
                spareLists.add(list);
            }
            roomOrder.clear();
            byRoom.clear();
        }
    }

    private void writeBroadcasts() {
        if (broadcasts.isEmpty()) {
            return;
        }
        try {
            writer.write(allSessions, broadcasts, true);
        } catch (RuntimeException e) {
            log.error("fan-out pass of a broadcast failed", e); // a bug; the writer released and completed them
        } finally {
            broadcasts.clear();
        }
    }
}
