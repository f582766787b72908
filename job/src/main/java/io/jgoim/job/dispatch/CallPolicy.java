package io.jgoim.job.dispatch;

import io.jgoim.job.JobConfig;

/**
 * How long job waits for a comet and how it retries: the call deadline ({@code comet.callDeadline}, also the bound of
 * a session-directory lookup), the attempts per send ({@code retry.maxAttempts}) and the exponential backoff between
 * them ({@code retry.backoff} doubling up to {@code retry.maxBackoff}), and whether a link joins a room's queued
 * batches into one call (only without a {@code batch.window}: a window is a cap chosen on purpose, under which each
 * batch stays its own call, as before) and how much one call may then carry ({@code batch.size} messages,
 * {@code batch.maxBytes} bytes). Immutable; shared by a lane's links.
 */
final class CallPolicy {
    private final long deadlineMillis;
    private final int maxAttempts;
    private final long backoffNanos;
    private final long maxBackoffNanos;
    private final int roomCallMessages;
    private final int roomCallBytes;
    private final boolean joinRoomCalls;

    CallPolicy(JobConfig config) {
        this.deadlineMillis = config.comet().callDeadline().toMillis();
        this.maxAttempts = config.retry().maxAttempts();
        this.backoffNanos = config.retry().backoff().toNanos();
        this.maxBackoffNanos = config.retry().maxBackoff().toNanos();
        this.roomCallMessages = config.batch().size();
        this.roomCallBytes = config.batch().maxBytes();
        this.joinRoomCalls = config.batch().window().isZero();
    }

    /** True when links join a room's batches queued behind an in-flight call (no batch window configured). */
    boolean joinsRoomCalls() {
        return joinRoomCalls;
    }

    /** The most messages one room call carries when a link joins queued batches. */
    int roomCallMessages() {
        return roomCallMessages;
    }

    /** The most frame bytes one room call carries when a link joins queued batches. */
    int roomCallBytes() {
        return roomCallBytes;
    }

    long deadlineMillis() {
        return deadlineMillis;
    }

    /** True when a send that made {@code attempts} calls may make another. */
    boolean mayRetry(int attempts) {
        return attempts < maxAttempts;
    }

    /** The wait after attempt number {@code attempt} (1-based) failed. */
    long backoffNanos(int attempt) {
        long b = backoffNanos << Math.min(attempt - 1, 20);
        return Math.min(b, maxBackoffNanos);
    }
}
