package io.jgoim.logic.http;

import io.jgoim.protocol.ErrorCode;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code jgoim.logic.api.requests}: a timer per route tag ({@link Route#tag()} or {@link Route#OTHER_TAG}) and
 * result code, with a percentile histogram. Timers are created on first use and cached, so recording builds no
 * strings. Thread-safe: recorded from the event loop and from Redis and Kafka threads.
 */
final class ApiMetrics {
    private final MeterRegistry registry;
    /** route tag → timers by ErrorCode ordinal. */
    private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();

    /**
     * Registers every route's (and {@code other}'s) success timer at once, so request rates and latencies are series
     * from the start; a route's error codes get theirs on first use (every route x code would be hundreds of
     * histograms that stay at zero).
     */
    ApiMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (Route r : Route.values()) {
            timer(r.tag(), ErrorCode.OK);
        }
        timer(Route.OTHER_TAG, ErrorCode.OK);
    }

    void record(String routeTag, ErrorCode code, long startNanos) {
        timer(routeTag, code).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
    }

    private Timer timer(String routeTag, ErrorCode code) {
        Timer[] byCode = timers.computeIfAbsent(routeTag, r -> new Timer[ErrorCode.values().length]);
        Timer t = byCode[code.ordinal()];
        if (t == null) {
            // Racing threads get the same meter back from the registry; the slot write is idempotent.
            t = Timer.builder("jgoim.logic.api.requests")
                    .description("HTTP API requests by route and result code")
                    .tag("route", routeTag).tag("code", Integer.toString(code.code()))
                    .publishPercentileHistogram().register(registry);
            byCode[code.ordinal()] = t;
        }
        return t;
    }
}
