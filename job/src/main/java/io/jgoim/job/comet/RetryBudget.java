package io.jgoim.job.comet;

/**
 * Limits retries to one comet so that a failing comet is not hammered (Finagle's retry budget): every first attempt
 * deposits {@code ratio} of a token, every retry withdraws one, and {@code minPerSecond} retries are always allowed.
 * Thread-safe (lanes share a comet's budget); the critical sections are a few arithmetic operations.
 */
public final class RetryBudget {
    private static final long SECOND_NANOS = 1_000_000_000L;

    /** Tokens are counted in thousandths so that ratios such as 0.2 add up exactly. */
    private static final long TOKEN = 1000;

    private final long depositPerRequest;
    private final int minPerSecond;
    private final long maxTokens;
    private long tokens;
    private long windowStart;
    private int usedInWindow;

    public RetryBudget(double ratio, int minPerSecond) {
        this.depositPerRequest = Math.round(ratio * TOKEN);
        this.minPerSecond = minPerSecond;
        this.maxTokens = Math.max(TOKEN, depositPerRequest * 1000);
    }

    /** Records a first attempt. */
    public synchronized void onRequest() {
        tokens = Math.min(maxTokens, tokens + depositPerRequest);
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
        if (tokens >= TOKEN) {
            tokens -= TOKEN;
            return true;
        }
        return false;
    }
}
