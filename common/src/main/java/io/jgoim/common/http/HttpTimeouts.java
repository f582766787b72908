package io.jgoim.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;

/**
 * The read timeouts every connection of one HTTP listener shares, and their counters (named by the listener's
 * owner): request line and headers within {@code header}, the whole body within {@code body}, and at most
 * {@code idle} on a keep-alive connection with no request in progress. A {@link RequestDeadline} per connection
 * applies them. Immutable; the counters are thread-safe.
 */
public final class HttpTimeouts {
    final long headerNanos;
    final long bodyNanos;
    final long idleNanos;
    final Counter headerTimeouts;
    final Counter bodyTimeouts;
    final Counter idleTimeouts;

    /**
     * @param header         time from a request's first byte (or the connection's start) to the end of its headers
     * @param body           time from the end of the headers to the end of the body
     * @param idle           time a keep-alive connection may wait for its next request with no reply due
     * @param headerTimeouts counted each time a request is refused for slow headers
     * @param bodyTimeouts   counted each time a request is refused for a slow body
     * @param idleTimeouts   counted each time an idle connection is closed
     */
    public HttpTimeouts(Duration header, Duration body, Duration idle, Counter headerTimeouts, Counter bodyTimeouts,
                        Counter idleTimeouts) {
        this.headerNanos = positiveNanos(header, "header");
        this.bodyNanos = positiveNanos(body, "body");
        this.idleNanos = positiveNanos(idle, "idle");
        this.headerTimeouts = headerTimeouts;
        this.bodyTimeouts = bodyTimeouts;
        this.idleTimeouts = idleTimeouts;
    }

    /**
     * The timeouts with their counters registered in {@code registry} as one counter {@code name} tagged
     * {@code kind=header|body|idle}, the way every jgoim HTTP listener counts them.
     */
    public static HttpTimeouts counted(MeterRegistry registry, String name, String description, Duration header,
                                       Duration body, Duration idle) {
        return new HttpTimeouts(header, body, idle, counter(registry, name, description, "header"),
                counter(registry, name, description, "body"), counter(registry, name, description, "idle"));
    }

    private static Counter counter(MeterRegistry registry, String name, String description, String kind) {
        return Counter.builder(name).tag("kind", kind).description(description).register(registry);
    }

    private static long positiveNanos(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(name + " timeout must be positive, was " + d);
        }
        return d.toNanos();
    }
}
