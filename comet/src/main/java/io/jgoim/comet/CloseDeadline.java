package io.jgoim.comet;

import io.netty.channel.EventLoopGroup;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What is left of {@code shutdown.drainTime} during {@link CometServer#close()}: the drain waits until the deadline,
 * and each step after it (gRPC, registry, event loops) gets what remains, with a small floor so that each still gets
 * a chance when the drain used it all. One per close; the closing thread only.
 */
final class CloseDeadline {
    /** Each close step's floor past the drain time, so each gets a chance. */
    static final long MIN_STEP_MILLIS = 100;

    private final long deadlineNanos;

    CloseDeadline(Duration drainTime) {
        this.deadlineNanos = System.nanoTime() + drainTime.toNanos();
    }

    /** The deadline on the {@link System#nanoTime()} scale. */
    long nanos() {
        return deadlineNanos;
    }

    /** What is left of the drain time, at least {@link #MIN_STEP_MILLIS}. */
    long remainingMillis() {
        return Math.max(MIN_STEP_MILLIS, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    /** Shuts {@code group} down at once and waits for it within what is left. */
    void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, remainingMillis(), TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
