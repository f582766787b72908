package io.jgoim.job.dispatch;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * Joins a lane's room messages per room. With {@code window} 0 (the default) there is no clock: a room's messages
 * that the lane takes in one duty cycle (at most its drain limit) form one batch, flushed at the start of the next
 * cycle, so a message never waits for time, only for the messages already queued beside it. How many messages share a
 * socket write is then decided downstream by the load: the lane's link to a comet gathers a room's batches while its
 * previous call is in flight, and each comet event loop gathers what arrives while it writes a pass.
 *
 * <p>With {@code window} above 0 it is an optional cap on a room's write rate (goim's job/room.go, in milliseconds):
 * at most one batch per room per window. A message to a quiet room (no flush within the last window) goes at once;
 * messages to a busy room wait for the room's next slot, unless the batch reaches {@code size} messages or
 * {@code maxBytes} first. Either way messages keep their order inside a batch and a room's batches are flushed in
 * order. Lane thread only.
 */
final class RoomBatcher {
    private static final long SWEEP_EVERY_NANOS = 1_000_000_000L;

    /** One batch of one room: open while the batcher fills it, read-only once handed to the sink. */
    static final class Batch {
        private final String room;
        private final long deadlineNanos;
        private final List<PushTask> tasks;
        private int bytes;
        private boolean flushed;

        Batch(String room, long deadlineNanos, int capacity) {
            this.room = room;
            this.deadlineNanos = deadlineNanos;
            this.tasks = new ArrayList<>(Math.min(capacity, 16));
        }

        String room() {
            return room;
        }

        /** The batched tasks, in arrival order. */
        List<PushTask> tasks() {
            return tasks;
        }

        /** The sum of the tasks' encoded frame lengths. */
        int bytes() {
            return bytes;
        }
    }

    /** A room seen within the last window: when it was last flushed and its open batch. */
    private static final class RoomState {
        long lastFlushNanos;
        Batch open;
    }

    private final int size;
    private final long windowNanos;
    private final int maxBytes;
    private final Consumer<Batch> sink;
    private final Map<String, RoomState> rooms = new HashMap<>();
    private final PriorityQueue<Batch> byDeadline =
            new PriorityQueue<>((a, b) -> Long.compare(a.deadlineNanos - b.deadlineNanos, 0));
    private long lastSweepNanos;

    RoomBatcher(int size, long windowNanos, int maxBytes, Consumer<Batch> sink) {
        this.size = size;
        this.windowNanos = windowNanos;
        this.maxBytes = maxBytes;
        this.sink = sink;
    }

    void add(PushTask task, int frameLength, long nowNanos) {
        String room = task.message().getRoom();
        RoomState st = rooms.get(room);
        if (st == null) {
            st = new RoomState();
            st.lastFlushNanos = nowNanos - windowNanos;
            rooms.put(room, st);
        }
        Batch b = st.open;
        if (b == null && windowNanos == 0) {
            // No window: open a batch due now; it takes what else this duty cycle brings and goes at the next one.
            b = new Batch(room, nowNanos, size);
            b.tasks.add(task);
            b.bytes = frameLength;
            st.open = b;
            byDeadline.add(b);
        } else if (b == null) {
            long due = st.lastFlushNanos + windowNanos;
            b = new Batch(room, due - nowNanos > 0 ? due : nowNanos, size);
            b.tasks.add(task);
            b.bytes = frameLength;
            if (due - nowNanos <= 0) {
                flush(st, b, nowNanos); // a quiet room: no reason to wait
                return;
            }
            st.open = b;
            byDeadline.add(b);
        } else {
            b.tasks.add(task);
            b.bytes += frameLength;
        }
        if (b.tasks.size() >= size || b.bytes >= maxBytes) {
            flush(st, b, nowNanos);
        }
    }

    /** Flushes every batch whose slot has come, and forgets rooms quiet for a window. */
    void flushDue(long nowNanos) {
        Batch head;
        while ((head = byDeadline.peek()) != null && (head.flushed || head.deadlineNanos - nowNanos <= 0)) {
            byDeadline.poll();
            if (!head.flushed) {
                flush(rooms.get(head.room), head, nowNanos);
            }
        }
        if (nowNanos - lastSweepNanos >= SWEEP_EVERY_NANOS) {
            lastSweepNanos = nowNanos;
            Iterator<RoomState> it = rooms.values().iterator();
            while (it.hasNext()) {
                RoomState st = it.next();
                if (st.open == null && nowNanos - st.lastFlushNanos >= windowNanos) {
                    it.remove();
                }
            }
        }
    }

    /** Flushes everything now (revocation, shutdown). */
    void flushAll() {
        long now = System.nanoTime();
        Batch b;
        while ((b = byDeadline.poll()) != null) {
            if (!b.flushed) {
                flush(rooms.get(b.room), b, now);
            }
        }
    }

    /** The earliest open deadline, or {@code Long.MAX_VALUE} when nothing is open. */
    long nextDeadline() {
        Batch head;
        while ((head = byDeadline.peek()) != null && head.flushed) {
            byDeadline.poll();
        }
        return head == null ? Long.MAX_VALUE : head.deadlineNanos;
    }

    int openBatches() {
        int n = 0;
        for (RoomState st : rooms.values()) {
            if (st.open != null) {
                n++;
            }
        }
        return n;
    }

    /** Rooms remembered (flushed within the last window or open). */
    int trackedRooms() {
        return rooms.size();
    }

    private void flush(RoomState st, Batch b, long nowNanos) {
        b.flushed = true;
        st.open = null;
        st.lastFlushNanos = nowNanos;
        sink.accept(b);
    }
}
