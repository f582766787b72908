package io.jgoim.comet.stream;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Brings a history read's outcome back to a session's event loop within {@code history.resumeTimeout}: the
 * continuation runs exactly once, with the outcome or with a TIMEOUT failure, always as a new event-loop task (what
 * the caller writes now goes first). One instance per position-aware session.
 */
final class HistoryDeadline {
    private final Channel channel;
    private final long timeoutNanos;

    HistoryDeadline(Channel channel, long timeoutNanos) {
        this.channel = channel;
        this.timeoutNanos = timeoutNanos;
    }

    /** Runs {@code then} on the event loop with {@code f}'s outcome, or a timeout failure; exactly once. */
    <T> void await(CompletableFuture<T> f, BiConsumer<T, Throwable> then) {
        boolean[] done = new boolean[1];
        ScheduledFuture<?> timer;
        try {
            timer = channel.eventLoop().schedule(() -> {
                if (!done[0]) {
                    done[0] = true;
                    then.accept(null, new JgoimException(ErrorCode.TIMEOUT, "no history within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
                }
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return;
        }
        f.whenComplete((v, e) -> {
            try {
                channel.eventLoop().execute(() -> {
                    if (!done[0]) {
                        done[0] = true;
                        timer.cancel(false);
                        then.accept(v, e);
                    }
                });
            } catch (RejectedExecutionException ignored) {
                // the comet is shutting down; the session goes with its event loop
            }
        });
    }
}
