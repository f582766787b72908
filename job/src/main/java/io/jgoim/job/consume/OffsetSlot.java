package io.jgoim.job.consume;

import io.jgoim.job.dispatch.PushTask;
import io.jgoim.job.dispatch.TaskListener;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One consumed record's place in its partition: done once its push was accepted by the comets (or given up after
 * retries) or it reached the dead-letter topic. Marked from lane or producer threads, read by the consumer thread.
 */
final class OffsetSlot implements TaskListener {
    private final long offset;
    private final AtomicInteger inFlight;
    private volatile boolean done;

    OffsetSlot(long offset, AtomicInteger inFlight) {
        this.offset = offset;
        this.inFlight = inFlight;
        inFlight.incrementAndGet();
    }

    long offset() {
        return offset;
    }

    @Override
    public void onDone(PushTask task, boolean delivered) {
        markDone();
    }

    void markDone() {
        if (!done) {
            done = true;
            inFlight.decrementAndGet();
        }
    }

    boolean isDone() {
        return done;
    }
}
