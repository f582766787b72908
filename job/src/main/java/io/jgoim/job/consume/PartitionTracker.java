package io.jgoim.job.consume;

import java.util.ArrayDeque;

/**
 * The records of one partition that are consumed but not yet committable, in offset order. The committable offset is
 * one past the longest done prefix: a record is committed only after it and every record before it are done, which
 * is what makes job at-least-once. Consumer thread only.
 */
final class PartitionTracker {
    private final ArrayDeque<OffsetSlot> pending = new ArrayDeque<>();
    /** One past the last done record of the prefix, or -1 when nothing was completed yet. */
    private long next = -1;
    /** The offset last acknowledged by a commit, or -1. */
    private long committed = -1;

    void add(OffsetSlot slot) {
        pending.add(slot);
    }

    /** Advances over the done prefix; returns the offset to commit (-1 if none yet). */
    long committable() {
        OffsetSlot head;
        while ((head = pending.peek()) != null && head.isDone()) {
            pending.poll();
            next = head.offset() + 1;
        }
        return next;
    }

    /** The offset last acknowledged by a commit, or -1. */
    long committed() {
        return committed;
    }

    /** A commit of {@code offset} was acknowledged; an older acknowledgement arriving late changes nothing. */
    void committed(long offset) {
        if (offset > committed) {
            committed = offset;
        }
    }

    boolean isDrained() {
        committable();
        return pending.isEmpty();
    }

    int pendingCount() {
        return pending.size();
    }
}
