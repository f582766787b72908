package io.jgoim.job.dispatch;

import io.jgoim.job.JobConfig;

/**
 * How long job waits for a comet and how it retries: the call deadline ({@code comet.callDeadline}, also the bound of
 * a session-directory lookup), the attempts per send ({@code retry.maxAttempts}) and the exponential backoff between
 * them ({@code retry.backoff} doubling up to {@code retry.maxBackoff}). Immutable; shared by a lane's links.
 */
final class CallPolicy {
    private final long deadlineMillis;
    private final int maxAttempts;
    private final long backoffNanos;
    private final long maxBackoffNanos;

    CallPolicy(JobConfig config) {
        this.deadlineMillis = config.comet().callDeadline().toMillis();
        this.maxAttempts = config.retry().maxAttempts();
        this.backoffNanos = config.retry().backoff().toNanos();
        this.maxBackoffNanos = config.retry().maxBackoff().toNanos();
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
