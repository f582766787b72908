package io.jgoim.job.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Joins a lane's room messages per room (goim's job/room.go, in milliseconds instead of a second): a room's batch is
 * flushed when it holds {@code size} messages or {@code maxBytes} of frames, or {@code window} after its first message,
 * whichever comes first. Messages keep their order inside a batch and batches of a room are flushed in order. Lane
 * thread only; the deadline queue is FIFO because every batch gets the same window.
 */
final class RoomBatcher {
    /** One open batch of one room. */
    static final class Batch {
        final String room;
        final long deadlineNanos;
        final List<PushTask> tasks;
        int bytes;
        boolean flushed;

        Batch(String room, long deadlineNanos, int capacity) {
            this.room = room;
            this.deadlineNanos = deadlineNanos;
            this.tasks = new ArrayList<>(Math.min(capacity, 16));
        }
    }

    private final int size;
    private final long windowNanos;
    private final int maxBytes;
    private final Consumer<Batch> sink;
    private final Map<String, Batch> open = new HashMap<>();
    private final ArrayDeque<Batch> byDeadline = new ArrayDeque<>();

    RoomBatcher(int size, long windowNanos, int maxBytes, Consumer<Batch> sink) {
        this.size = size;
        this.windowNanos = windowNanos;
        this.maxBytes = maxBytes;
        this.sink = sink;
    }

    void add(PushTask task, int frameLength, long nowNanos) {
        String room = task.msg.getRoom();
        Batch b = open.get(room);
        if (b == null) {
            b = new Batch(room, nowNanos + windowNanos, size);
            open.put(room, b);
            byDeadline.add(b);
        }
        b.tasks.add(task);
        b.bytes += frameLength;
        if (b.tasks.size() >= size || b.bytes >= maxBytes) {
            flush(b);
        }
    }

    /** Flushes every batch whose window has passed. */
    void flushDue(long nowNanos) {
        Batch head;
        while ((head = byDeadline.peek()) != null && (head.flushed || head.deadlineNanos - nowNanos <= 0)) {
            byDeadline.poll();
            if (!head.flushed) {
                flush(head);
            }
        }
    }

    /** Flushes everything now (revocation, shutdown). */
    void flushAll() {
        Batch b;
        while ((b = byDeadline.poll()) != null) {
            if (!b.flushed) {
                flush(b);
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
        return open.size();
    }

    private void flush(Batch b) {
        b.flushed = true;
        open.remove(b.room);
        sink.accept(b);
    }
}
