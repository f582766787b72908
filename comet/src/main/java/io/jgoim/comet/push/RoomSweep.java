package io.jgoim.comet.push;

import io.jgoim.comet.index.MemberList;
import io.jgoim.comet.index.Room;

import java.util.ArrayDeque;
import java.util.ArrayList;

/**
 * One room's rolling pass on one event loop (issue 17; {@code fanout.rollingChunk}, on by default): the room's members
 * are written in chunks of {@code chunk}, and a push that arrives between two chunks joins the rest of the pass at
 * once instead of waiting for it to end; the members written before it joined get it when the cursor comes round to
 * them again. So a push reaches every member within one sweep of the room.
 *
 * <p>How: the pushes not yet written to every member are {@code pending}, numbered in arrival order. The members are
 * split into regions ({@link MemberList.Marks}, kept by the list across removals); each region owes the pending
 * pushes from its {@code owed} number on. A chunk at the cursor writes its region's owed pushes (joined into one write
 * where their streams allow, bytes shared by every member of the chunk) and then owes nothing; a push every region has
 * is complete: its frame is released and its job learns the sessions written and dropped. Per member, pushes go in
 * arrival order, each once. Pending bytes are bounded by {@value LoopFanOut#MAX_WRITE_BYTES}: past it arrivals wait
 * (and a call answered ACCEPTED is not answered) until pushes complete. Loop-confined.
 */
final class RoomSweep {
    private final Room room;
    private final MemberList members;
    private final int chunk;
    private final PassWriter writer;
    private final MemberList.Marks marks = new MemberList.Marks();
    private long[] owed = new long[8];
    /** The region the cursor is at (its start); == marks.count: at the end, the next chunk wraps to region 0. */
    private int cursor;

    private final ArrayList<LoopFanOut.Entry> pending = new ArrayList<>();
    /** Per pending push: sessions written, dropped (2 ints each). */
    private int[] counts = new int[16];
    /** Number of pending.get(0). */
    private long base;
    private int pendingBytes;
    private final ArrayDeque<LoopFanOut.Entry> waiting = new ArrayDeque<>();

    RoomSweep(Room room, MemberList members, int chunk, PassWriter writer) {
        this.room = room;
        this.members = members;
        this.chunk = chunk;
        this.writer = writer;
    }

    Room room() {
        return room;
    }

    MemberList members() {
        return members;
    }

    /** Writes chunk after chunk until every pending and waiting push reached every member. */
    void finish() {
        while (isActive()) {
            step();
        }
    }

    /** True while pushes are pending or waiting. */
    boolean isActive() {
        return !pending.isEmpty() || !waiting.isEmpty();
    }

    /** Takes {@code e} into the pass in progress (or starts one), or queues it while pending bytes are over bound. */
    void add(LoopFanOut.Entry e) {
        if (!waiting.isEmpty() || !fits(e)) {
            waiting.add(e);
            return;
        }
        take(e);
    }

    private boolean fits(LoopFanOut.Entry e) {
        return pending.isEmpty() || pendingBytes + e.frame().size() <= LoopFanOut.MAX_WRITE_BYTES;
    }

    private void take(LoopFanOut.Entry e) {
        if (pending.isEmpty()) {
            marks.starts[0] = 0;
            marks.count = 1;
            owed[0] = base;
            cursor = 0;
            members.marks(marks);
        }
        int i = pending.size();
        if (counts.length < 2 * (i + 1)) {
            counts = java.util.Arrays.copyOf(counts, counts.length * 2);
        }
        counts[2 * i] = 0;
        counts[2 * i + 1] = 0;
        pending.add(e);
        pendingBytes += e.frame().size();
        e.job().taken();
    }

    /** Writes one chunk at the cursor (skipping regions that owe nothing) and completes what every member has. */
    void step() {
        long head = base + pending.size();
        for (int tries = 0; tries <= marks.count && !pending.isEmpty(); tries++) {
            if (cursor >= marks.count) {
                cursor = 0;
            }
            int start = marks.starts[cursor];
            int end = cursor + 1 < marks.count ? marks.starts[cursor + 1] : members.size();
            if (end <= start || owed[cursor] >= head) {
                cursor++;
                continue;
            }
            int len = Math.min(chunk, end - start);
            int from = (int) (owed[cursor] - base);
            writer.writeChunk(members, start, start + len, pending, from, pending.size(), counts);
            written(start, len, head);
            break;
        }
        compact();
        complete();
    }

    /** Members [start, start + len), the head of the cursor's region, now owe nothing before {@code head}. */
    private void written(int start, int len, long head) {
        if (cursor > 0 && owed[cursor - 1] == head) {
            marks.starts[cursor] = start + len; // joins the region before, written since the last arrival
        } else {
            insert(cursor, start, head);
            cursor++;
            marks.starts[cursor] = start + len;
        }
    }

    private void insert(int at, int start, long owes) {
        int n = marks.count;
        if (n == marks.starts.length) {
            marks.starts = java.util.Arrays.copyOf(marks.starts, n * 2);
            owed = java.util.Arrays.copyOf(owed, n * 2);
        }
        System.arraycopy(marks.starts, at, marks.starts, at + 1, n - at);
        System.arraycopy(owed, at, owed, at + 1, n - at);
        marks.starts[at] = start;
        owed[at] = owes;
        marks.count = n + 1;
    }

    /** Drops empty regions and joins neighbours that owe the same; the cursor stays on its member. */
    private void compact() {
        int size = members.size();
        int out = 0;
        int newCursor = -1;
        for (int q = 0; q < marks.count; q++) {
            int start = marks.starts[q];
            int end = q + 1 < marks.count ? marks.starts[q + 1] : size;
            if (q == cursor) {
                newCursor = out;
            }
            if (end <= start && marks.count > 1) {
                continue;
            }
            if (out > 0 && owed[out - 1] == owed[q]) {
                if (q == cursor) {
                    newCursor = out - 1; // its start is gone: the cursor goes back to the joined region's
                }
                continue;
            }
            marks.starts[out] = out == 0 ? 0 : start;
            owed[out] = owed[q];
            out++;
        }
        if (cursor >= marks.count) {
            newCursor = out;
        }
        if (out == 0) { // no member left
            marks.starts[0] = 0;
            owed[0] = base + pending.size();
        }
        marks.count = Math.max(out, 1);
        cursor = newCursor < 0 ? 0 : newCursor;
    }

    /** Completes the pending pushes every region has, then takes waiting ones as bytes allow. */
    private void complete() {
        long min = base + pending.size();
        int size = members.size();
        for (int q = 0; q < marks.count; q++) {
            int end = q + 1 < marks.count ? marks.starts[q + 1] : size;
            if (end > marks.starts[q]) {
                min = Math.min(min, owed[q]);
            }
        }
        int done = (int) (min - base);
        for (int i = 0; i < done; i++) {
            LoopFanOut.Entry e = pending.get(i);
            pendingBytes -= e.frame().size();
            e.frame().release();
            e.job().done(counts[2 * i], counts[2 * i + 1]);
        }
        if (done > 0) {
            pending.subList(0, done).clear();
            System.arraycopy(counts, 2 * done, counts, 0, 2 * pending.size());
            base += done;
        }
        if (pending.isEmpty()) {
            members.marks(null);
            marks.count = 0;
        }
        while (!waiting.isEmpty() && fits(waiting.peek())) {
            take(waiting.poll());
        }
    }

    /** The loop is gone: releases everything and completes each job with what it was written so far. */
    void abort() {
        for (int i = 0; i < pending.size(); i++) {
            LoopFanOut.Entry e = pending.get(i);
            e.frame().release();
            e.job().done(counts[2 * i], counts[2 * i + 1]);
        }
        pending.clear();
        for (LoopFanOut.Entry e; (e = waiting.poll()) != null; ) {
            e.frame().release();
            e.job().taken();
            e.job().done(0, 0);
        }
        members.marks(null);
    }
}
