package io.jgoim.common.http;

import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every connection of one HTTP listener shares: how many requests a connection may have waiting for their
 * replies before its reads pause, the counters of read pauses and of connections closed on an error (named by the
 * listener's owner), and a WARN rate limit (one a second for the whole listener). Thread-safe.
 */
public final class PipeliningPolicy {
    private static final Logger log = LoggerFactory.getLogger(PipelinedHttpHandler.class);

    private final int maxPipelined;
    private final Counter readPauses;
    private final Counter connectionErrors;
    private final AtomicLong nextWarnNanos = new AtomicLong(System.nanoTime());
    private final AtomicLong suppressedWarns = new AtomicLong();

    /**
     * @param maxPipelined     requests one connection may have waiting for their replies before its reads pause
     *                         (they resume at half); at least 2
     * @param readPauses       counted each time a connection's reads pause at {@code maxPipelined}
     * @param connectionErrors counted each time a connection is closed on an error
     */
    public PipeliningPolicy(int maxPipelined, Counter readPauses, Counter connectionErrors) {
        if (maxPipelined < 2) {
            throw new IllegalArgumentException("maxPipelined must be at least 2, was " + maxPipelined);
        }
        this.maxPipelined = maxPipelined;
        this.readPauses = readPauses;
        this.connectionErrors = connectionErrors;
    }

    int maxPipelined() {
        return maxPipelined;
    }

    void readPaused() {
        readPauses.increment();
    }

    /** Counts the error and WARNs, at most once a second; the ones left out are counted in the next WARN. */
    void connectionError(SocketAddress remote, Throwable cause, int unanswered) {
        connectionErrors.increment();
        long now = System.nanoTime();
        long next = nextWarnNanos.get();
        if (now - next >= 0 && nextWarnNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(1))) {
            long more = suppressedWarns.getAndSet(0);
            log.warn("HTTP connection from {} closed on error: {} ({} requests unanswered){}", remote, cause,
                    unanswered, more == 0 ? "" : "; " + more + " more since the last such warning");
        } else {
            suppressedWarns.incrementAndGet();
        }
    }
}
