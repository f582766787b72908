package io.jgoim.job.dispatch;

import org.jctools.queues.atomic.MpscUnboundedAtomicArrayQueue;

import java.util.concurrent.locks.LockSupport;

/**
 * A lane's inbox: an unbounded multi-producer, single-consumer FIFO (JCTools' chunked array queue) and the lane
 * thread's park and wake-up. It replaces a {@code LinkedBlockingQueue}, which spent a 24–32-byte node and a lock per
 * message and a condition node per timed wait; this one allocates one array chunk per {@value #CHUNK} messages and
 * nothing per wait (BENCHMARKS.md, "Issue 17").
 *
 * <p>Threading: {@link #add} from any thread; {@link #poll} and {@link #poll(long)} only on the consumer thread
 * given at construction. A producer wakes the consumer only when it is parked or about to park: the consumer
 * publishes {@code parked} before its last look at the queue and a producer reads it after its offer, both volatile,
 * so one of them always sees the other.
 */
final class LaneInbox {
    /** Messages per array chunk: one 4–8 KiB allocation per 1,024 messages, amortised to a few bytes each. */
    static final int CHUNK = 1024;

    private final MpscUnboundedAtomicArrayQueue<Object> queue = new MpscUnboundedAtomicArrayQueue<>(CHUNK);
    private final Thread consumer;
    private volatile boolean parked;

    /** @param consumer the one thread that polls (the lane's) */
    LaneInbox(Thread consumer) {
        this.consumer = consumer;
    }

    /** Any thread: appends {@code work} (never null) after everything added before it by the same thread. */
    void add(Object work) {
        queue.offer(work);
        if (parked) {
            LockSupport.unpark(consumer);
        }
    }

    /** Consumer thread: the oldest entry, or null when empty. */
    Object poll() {
        return queue.poll();
    }

    /**
     * Consumer thread: the oldest entry, parking up to {@code nanos} for one when empty; null when none came in
     * time, or on an interrupt or a spurious wake-up (the caller's duty cycle looks again).
     */
    Object poll(long nanos) {
        Object work = queue.poll();
        if (work != null || nanos <= 0) {
            return work;
        }
        parked = true;
        try {
            work = queue.poll();
            if (work == null) {
                LockSupport.parkNanos(this, nanos);
                work = queue.poll();
            }
        } finally {
            parked = false;
        }
        return work;
    }

    /** Entries waiting (a moment's estimate from any thread). */
    int size() {
        return queue.size();
    }
}
