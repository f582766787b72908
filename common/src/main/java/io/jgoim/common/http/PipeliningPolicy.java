package io.jgoim.common.http;

import io.jgoim.common.logging.ClientText;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.SocketAddress;
import javax.net.ssl.SSLException;

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

    /**
     * The connection failed: a peer that reset it or went away mid-write ({@link #isPeerGone}: "Connection reset by
     * peer", "Broken pipe") with no request of its waiting for its answer is the peer's doing (a pool dropping an
     * idle connection), logged at DEBUG and not counted. A peer gone with requests unanswered gave them up (its own
     * timeout, a crash): that is counted as a connection error, as is anything else, and WARNed at most once a
     * second, the ones left out counted in the next WARN.
     */
    void connectionFailed(SocketAddress remote, Throwable cause, int unanswered) {
        if (isPeerGone(cause) && unanswered == 0) {
            if (log.isDebugEnabled()) {
                log.debug("HTTP connection from {} reset by the peer: {} ({} requests unanswered)", remote,
                        ClientText.of(cause), unanswered);
            }
            return;
        }
        connectionError(remote, cause, unanswered);
    }

    /**
     * An I/O failure of the socket itself (a reset, a broken pipe, a timeout of the kernel's): the peer is gone, as
     * after a close. TLS failures are IOExceptions too but a client's error, so they stay connection errors.
     */
    static boolean isPeerGone(Throwable cause) {
        return cause instanceof IOException && !(cause instanceof SSLException);
    }

    private void connectionError(SocketAddress remote, Throwable cause, int unanswered) {
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
