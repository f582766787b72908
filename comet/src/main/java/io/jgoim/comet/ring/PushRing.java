package io.jgoim.comet.ring;

/**
 * A bounded FIFO of pending pushes for one session: the session's mailbox between the threads that push to it and
 * its event loop, which drains it and writes everything with one flush.
 *
 * <p>Capacity is fixed at construction (rounded up to a power of two so the index wraps with a mask) and never
 * grows: {@link #offer} returns {@code false} when full and the caller counts a drop. Not thread-safe on its own; the
 * owning session guards it with its monitor, which is held only for the few instructions of an offer or a poll.
 * Holds references only; the caller owns reference counts of what it stores. A lock-free MPSC queue (JCTools,
 * Agrona) was measured in its place: no less allocation per push (none either way) and 40–216 more bytes per session,
 * so the ring stays a plain array (BENCHMARKS.md, "Issue 17: Agrona and JCTools on the hot paths").
 */
public final class PushRing {
    private final Object[] slots;
    private final int mask;
    // head: next slot to poll; size: elements held. Both change under the owner's lock.
    private int head;
    private int size;

    /** @param capacity the most elements held; rounded up to a power of two */
    public PushRing(int capacity) {
        if (capacity <= 0 || capacity > (1 << 20)) {
            throw new IllegalArgumentException("capacity must be 1.." + (1 << 20) + ": " + capacity);
        }
        int cap = Integer.highestOneBit(capacity);
        if (cap < capacity) {
            cap <<= 1;
        }
        this.slots = new Object[cap];
        this.mask = cap - 1;
    }

    /** Appends {@code e}; false (and nothing stored) when the ring is full. */
    public boolean offer(Object e) {
        if (e == null) {
            throw new NullPointerException("e");
        }
        if (size == slots.length) {
            return false;
        }
        slots[(head + size) & mask] = e;
        size++;
        return true;
    }

    /** Removes and returns the oldest element, or null when empty. */
    public Object poll() {
        if (size == 0) {
            return null;
        }
        Object e = slots[head];
        slots[head] = null;
        head = (head + 1) & mask;
        size--;
        return e;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int capacity() {
        return slots.length;
    }
}
