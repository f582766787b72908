package io.jgoim.job.comet;

/**
 * Limits retries to one comet so that a failing comet is not hammered (Finagle's retry budget): every first attempt
 * deposits {@code ratio} of a token, every retry withdraws one, and {@code minPerSecond} retries are always allowed.
 * Thread-safe (lanes share a comet's budget); the critical sections are a few arithmetic operations.
 */
public final class RetryBudget {
    private static final long SECOND_NANOS = 1_000_000_000L;

    private final double ratio;
    private final int minPerSecond;
    private final double maxTokens;
    private double tokens;
    private long windowStart;
    private int usedInWindow;

    public RetryBudget(double ratio, int minPerSecond) {
        this.ratio = ratio;
        this.minPerSecond = minPerSecond;
        this.maxTokens = Math.max(1.0, ratio * 1000);
    }

    /** Records a first attempt. */
    public synchronized void onRequest() {
        tokens = Math.min(maxTokens, tokens + ratio);
    }

    /** Takes the right to retry once; false when the budget is spent. */
    public synchronized boolean tryRetry(long nowNanos) {
        if (nowNanos - windowStart >= SECOND_NANOS) {
            windowStart = nowNanos;
            usedInWindow = 0;
        }
        if (usedInWindow < minPerSecond) {
            usedInWindow++;
            return true;
        }
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return true;
        }
        return false;
    }
}
