package io.jgoim.common.http;

import io.jgoim.common.logging.ClientText;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;

/**
 * What every connection of one HTTP listener shares: how many requests a connection may have waiting for their
 * replies before its reads pause, the counters of read pauses and of connections closed on an error (named by the
 * listener's owner), and the bounded-rate logs (one line a second each for the whole listener) of connection errors
 * and of client errors (malformed requests, refusals, timeouts), and of service bugs. Thread-safe.
 */
public final class PipeliningPolicy {
    private static final Logger log = LoggerFactory.getLogger(PipelinedHttpHandler.class);

    private final int maxPipelined;
    private final Counter readPauses;
    private final Counter connectionErrors;
    private final RateLimitedLog connectionErrorLog = new RateLimitedLog();
    private final RateLimitedLog clientErrorLog = new RateLimitedLog();
    private final RateLimitedLog serviceFailureLog = new RateLimitedLog();

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
        long more = connectionErrorLog.acquire();
        if (more >= 0) {
            log.warn("HTTP connection from {} closed on error: {} ({} requests unanswered){}", remote,
                    ClientText.of(cause), unanswered,
                    more == 0 ? "" : "; " + more + " more since the last such warning");
        }
    }

    /**
     * A request refused as the client's fault: one WARN line (no stack) a second at most, with the count left out.
     * {@code what} may quote the client's bytes (Netty's decoder messages do): escaped and bounded by
     * {@link ClientText}, as the cause of a connection error is.
     */
    void clientError(SocketAddress remote, String what) {
        long more = clientErrorLog.acquire();
        if (more >= 0) {
            log.warn("HTTP client error from {}: {}{}", remote, ClientText.of(what),
                    RateLimitedLog.suppressedNote(more));
        }
    }

    /** The service failed a request (a bug): ERROR with the stack, one a second at most, with the count left out. */
    void serviceFailed(Throwable error) {
        long more = serviceFailureLog.acquire();
        if (more >= 0) {
            log.error("HTTP service failed a request instead of answering it{}", RateLimitedLog.suppressedNote(more),
                    error);
        }
    }
}
