package io.jgoim.common.http;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A gate for one kind of log line that clients can trigger at will (malformed requests, connection errors): at most
 * one line per interval for the whole listener, the calls left out counted and reported with the next line, so a
 * flood of bad requests cannot flood the log. Thread-safe and lock-free.
 */
public final class RateLimitedLog {
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    private final AtomicLong nextNanos;
    private final AtomicLong suppressed = new AtomicLong();

    /** One line a second at most. */
    public RateLimitedLog() {
        this(TimeUnit.SECONDS.toNanos(1), System::nanoTime);
    }

    /** One line per {@code interval} at most. */
    public RateLimitedLog(Duration interval) {
        this(interval.toNanos(), System::nanoTime);
    }

    RateLimitedLog(long intervalNanos, LongSupplier nanoClock) {
        this.intervalNanos = intervalNanos;
        this.nanoClock = nanoClock;
        this.nextNanos = new AtomicLong(nanoClock.getAsLong());
    }

    /**
     * Whether the caller may log now: {@code -1} when not (the call is counted as suppressed), else how many calls
     * were suppressed since the last line, for the caller to report.
     */
    public long acquire() {
        long now = nanoClock.getAsLong();
        long next = nextNanos.get();
        if (now - next >= 0 && nextNanos.compareAndSet(next, now + intervalNanos)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }

    /** The tail of a log line reporting {@code suppressed} (as {@link #acquire()} returned it), or "". */
    public static String suppressedNote(long suppressed) {
        return suppressed <= 0 ? "" : "; " + suppressed + " more since the last such line";
    }
}
