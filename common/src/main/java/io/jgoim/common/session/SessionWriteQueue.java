package io.jgoim.common.session;

import io.jgoim.protocol.ErrorCode;
import io.jgoim.protocol.JgoimException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The bounded path every session-route write (add, refresh, remove) of one node takes to its Redis connection: at
 * most {@code window} Redis commands of such writes are on the connection at once, the rest wait here in arrival
 * order (up to {@code maxQueued} writes) and are started in batches as earlier ones complete, all pipelined on the
 * one connection. A disconnect storm of 15,000 sessions (30,000 scripts) thus waits here instead of overflowing
 * lettuce's request queue, which refused every command past it ("Internal stack size exceeded") and left those
 * routes stale until their ttl. Only a queue already holding {@code maxQueued} writes refuses (UNAVAILABLE, the
 * caller retries); callers are flow-controlled by the time their future takes, not by rejection. The window adapts
 * (AIMD): a command that timed out halves it (down to {@link #MIN_WINDOW}) and its write is started again, first in
 * line; each write that succeeds grows it by one command up to {@code window}. So a stalled Redis or machine gets
 * fewer commands at once instead of a wave of timeouts followed by a wave of retries.
 *
 * <p>A write may carry a deadline (its caller's, e.g. the comet's Connect call): one that has not started by then
 * is not done at all and fails with TIMEOUT, since its caller has given up (a route added for a session the comet
 * already refused would be stale). Removals carry none: every one is applied.
 *
 * <p>Thread-safe; writes are started on the submitting thread or on the thread that completed an earlier write
 * (lettuce's), never under the lock.
 */
final class SessionWriteQueue {
    /** One write waiting for room on the connection. */
    private record Task<T>(int commands, long deadlineNanos, Supplier<CompletableFuture<T>> write,
                           CompletableFuture<T> result, int retries) {
        Task<T> retried() {
            return new Task<>(commands, deadlineNanos, write, result, retries - 1);
        }
    }

    /**
     * Times a write whose command timed out is started again (first in line): every route write is idempotent (a
     * removal is conditional on the route still naming its server), and a command timing out on a stalled machine
     * must not leave a route behind.
     */
    static final int TIMEOUT_RETRIES = 4;
    /** The window never shrinks below this many commands. */
    static final int MIN_WINDOW = 16;
    /** At most one halving of the window per this long (the writes of one window time out together). */
    private static final long SHRINK_EVERY_NANOS = 100_000_000L;

    private final int window;
    private final int maxQueued;
    private final ArrayDeque<Task<?>> queue = new ArrayDeque<>();
    private final Counter full;
    private final Counter expired;
    private final Counter retried;
    private int limit; // the window in force: halved when a command times out, grown back by one per success
    private long shrunkAt = System.nanoTime() - SHRINK_EVERY_NANOS;
    private int inFlight; // commands on the connection; guarded by this
    private boolean draining; // a thread is starting writes; guarded by this

    /**
     * @param window    Redis commands of session writes on the connection at most (below its request queue bound)
     * @param maxQueued writes waiting at most; beyond it a write fails at once with UNAVAILABLE
     * @param registry  where to count and gauge ({@code jgoim.sessions.writes.*}), or null
     */
    SessionWriteQueue(int window, int maxQueued, MeterRegistry registry) {
        if (window < 1 || maxQueued < 1) {
            throw new IllegalArgumentException("window and maxQueued must be >= 1: " + window + ", " + maxQueued);
        }
        this.window = window;
        this.limit = window;
        this.maxQueued = maxQueued;
        if (registry != null) {
            Gauge.builder("jgoim.sessions.writes.queued", this, SessionWriteQueue::queued)
                    .description("session route writes waiting for room on the Redis connection").register(registry);
            Gauge.builder("jgoim.sessions.writes.inflight", this, SessionWriteQueue::inFlight)
                    .description("Redis commands of session route writes on the connection").register(registry);
            this.full = Counter.builder("jgoim.sessions.writes.refused").tag("reason", "full")
                    .description("session route writes refused: the queue was full, or the caller's deadline passed "
                            + "before they started").register(registry);
            this.expired = Counter.builder("jgoim.sessions.writes.refused").tag("reason", "expired")
                    .description("session route writes refused: the queue was full, or the caller's deadline passed "
                            + "before they started").register(registry);
            this.retried = Counter.builder("jgoim.sessions.writes.retried")
                    .description("session route writes started again after a Redis command timed out")
                    .register(registry);
        } else {
            this.full = null;
            this.expired = null;
            this.retried = null;
        }
    }

    /**
     * Runs {@code write} (which issues {@code commands} Redis commands and completes when they did) once there is
     * room, in arrival order. {@code deadlineNanos} ({@link System#nanoTime()} scale, 0 = none): not started after it.
     */
    <T> CompletableFuture<T> submit(int commands, long deadlineNanos, Supplier<CompletableFuture<T>> write) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Task<T> task = new Task<>(Math.min(commands, MIN_WINDOW), deadlineNanos, write, result,
                TIMEOUT_RETRIES);
        synchronized (this) {
            if (queue.size() >= maxQueued) {
                increment(full);
                result.completeExceptionally(new JgoimException(ErrorCode.UNAVAILABLE,
                        "session writes: " + maxQueued + " already waiting for Redis"));
                return result;
            }
            queue.addLast(task);
        }
        drain();
        return result;
    }

    /** Starts every waiting write that fits the window; one thread at a time, the others leave it to that one. */
    private void drain() {
        List<Task<?>> batch = new ArrayList<>();
        while (true) {
            synchronized (this) {
                if (draining && batch.isEmpty()) {
                    return; // another thread is draining and will see what we added or freed
                }
                draining = true;
                batch.clear();
                Task<?> next;
                while ((next = queue.peekFirst()) != null && inFlight + next.commands() <= limit) {
                    queue.pollFirst();
                    inFlight += next.commands();
                    batch.add(next);
                }
                if (batch.isEmpty()) {
                    draining = false;
                    return;
                }
            }
            long now = System.nanoTime();
            for (Task<?> t : batch) {
                start(t, now);
            }
        }
    }

    private <T> void start(Task<T> t, long now) {
        if (t.deadlineNanos() != 0 && now - t.deadlineNanos() > 0) {
            increment(expired);
            t.result().completeExceptionally(new JgoimException(ErrorCode.TIMEOUT,
                    "session write: its caller's deadline passed while it waited for Redis"));
            release(t.commands());
            return;
        }
        CompletableFuture<T> started;
        try {
            started = t.write().get();
        } catch (RuntimeException e) {
            started = CompletableFuture.failedFuture(e);
        }
        started.whenComplete((value, error) -> {
            if (error != null && t.retries() > 0 && isTimeout(error)) {
                increment(retried);
                synchronized (this) {
                    queue.addFirst(t.retried());
                    long at = System.nanoTime();
                    if (at - shrunkAt >= SHRINK_EVERY_NANOS) {
                        shrunkAt = at;
                        limit = Math.max(Math.min(MIN_WINDOW, window), limit / 2);
                    }
                }
                release(t.commands());
                return;
            }
            if (error == null) {
                synchronized (this) {
                    limit = Math.min(window, limit + 1);
                }
            }
            release(t.commands());
            if (error != null) {
                t.result().completeExceptionally(error);
            } else {
                t.result().complete(value);
            }
        });
    }

    private void release(int commands) {
        synchronized (this) {
            inFlight -= commands;
        }
        drain();
    }

    private static boolean isTimeout(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof io.lettuce.core.RedisCommandTimeoutException
                    || (t instanceof JgoimException j && j.code() == ErrorCode.TIMEOUT)) {
                return true;
            }
        }
        return false;
    }

    private static void increment(Counter c) {
        if (c != null) {
            c.increment();
        }
    }

    /** The window in force now (commands). */
    synchronized int limit() {
        return limit;
    }

    /** Writes waiting now. */
    synchronized int queued() {
        return queue.size();
    }

    /** Redis commands of session writes on the connection now. */
    synchronized int inFlight() {
        return inFlight;
    }
}
